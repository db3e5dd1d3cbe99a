"""benchopt objective: the Lasso, 1/(2n)||y - Xw||^2 + lmbd ||w||_1, certified by a duality gap."""

from benchopt import BaseObjective, safe_import_context

with safe_import_context() as import_ctx:
    import numpy as np

    from sparseopt.datafits import Quadratic
    from sparseopt.penalties import L1
    from sparseopt.utils import duality_gap


class Objective(BaseObjective):
    name = "Lasso"
    min_benchopt_version = "1.5"
    parameters = {"reg": [0.05, 0.01], "fit_intercept": [False]}

    def set_data(self, X, y):
        self.X, self.y = X, y
        self.n_samples = X.shape[0]
        self.lmbd = self.reg * np.max(np.abs(X.T @ y)) / self.n_samples
        self.P0 = 0.5 * float(y @ y) / self.n_samples

    def evaluate_result(self, beta):
        beta = np.asarray(beta, dtype=np.float64).ravel()
        r = self.y - self.X @ beta
        primal = 0.5 * float(r @ r) / self.n_samples + self.lmbd * np.abs(beta).sum()
        gap = duality_gap(Quadratic(), L1(self.lmbd), self.X, self.y, beta)
        return dict(value=primal, duality_gap=gap, relative_gap=gap / self.P0,
                    support_size=int(np.count_nonzero(beta)))

    def get_one_result(self):
        return dict(beta=np.zeros(self.X.shape[1]))

    def get_objective(self):
        return dict(X=self.X, y=self.y, lmbd=self.lmbd, fit_intercept=self.fit_intercept)
