"""The small problems shared by the catalogue tests: one design, a target per datafit,
integer sample weights and penalty weights (one of them zero)."""

import numpy as np

from sparseopt.solvers import BlockCoordinateDescent

RNG = np.random.default_rng(0)
N, D = 60, 25
X = RNG.standard_normal((N, D)) / 2
BETA = np.zeros(D)
BETA[:4] = [1.0, -1.0, 0.5, 0.8]
Z = X @ BETA
Y = {
    "quadratic": Z + 0.3 * RNG.standard_normal(N),
    "huber": Z + 0.3 * RNG.standard_t(2, N),
    "poisson": RNG.poisson(np.exp(Z)).astype(float),
    "gamma": RNG.gamma(2.0, np.exp(Z) / 2),
    "logistic": np.where(Z + 0.3 * RNG.standard_normal(N) > 0, 1.0, -1.0),
}
SW = RNG.integers(0, 4, N).astype(float)
PEN_W = RNG.uniform(0.5, 1.5, D)
PEN_W[3] = 0.0


def solver(datafit, penalty):
    """Cyclic BCD at a tight tolerance (proximal Newton for unbounded curvature)."""
    newton = not np.isfinite(getattr(datafit, "curvature", 1.0))
    return BlockCoordinateDescent(selection="cyclic", update="newton" if newton else "gradient",
                                  tol=1e-12, max_iter=500)


def objective(datafit, penalty, X, y, w, b):
    """``datafit(Xw + b) + penalty(w)``."""
    return datafit.value(y, X @ w + b) + penalty.value(w)
