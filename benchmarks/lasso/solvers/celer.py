from benchopt import BaseSolver, safe_import_context

with safe_import_context() as import_ctx:
    from celer import Lasso


class Solver(BaseSolver):
    name = "celer"
    sampling_strategy = "tolerance"
    requirements = ["pip:celer"]

    def set_objective(self, X, y, lmbd, fit_intercept):
        self.X, self.y = X, y
        self.est = Lasso(alpha=lmbd, fit_intercept=fit_intercept, max_iter=1000)

    def run(self, tol):
        self.est.set_params(tol=tol).fit(self.X, self.y)

    def get_result(self):
        return dict(beta=self.est.coef_)
