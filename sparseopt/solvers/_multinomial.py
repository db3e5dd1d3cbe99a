"""Functional twin of the multinomial case of :class:`BlockCoordinateDescent` (scripts, tests).

Row-group L1 multinomial logistic regression: ``(1/n) sum_i [lse(z_i) - z_{i, y_i}] + alpha
sum_j ||W_j||_2`` with ``Z = X W + b``, solved by ``BlockCoordinateDescent().solve(
Multinomial(), GroupL2(alpha, groups=n_classes), X, Y)``.
"""

import numpy as np

from ..datafits import Multinomial
from ..penalties import GroupL2
from ..utils import gap_from_predictor
from .bcd import BlockCoordinateDescent


def multinomial_objective(X, Y, W, b, alpha):
    """``(1/n) sum_i [lse(z_i) - z_{i, y_i}] + alpha sum_j ||W_j||_2`` with ``Z = X W + b``."""
    Z = np.asarray(X @ W) + b
    return Multinomial().value(Y, Z) + alpha * float(np.sum(np.linalg.norm(W, axis=1)))


def multinomial_gap(X, Y, Z, W, alpha):
    """Duality gap at the rescaled residual dual point; returns ``(gap, primal)``."""
    gap, primal, _, _ = gap_from_predictor(Multinomial(), GroupL2(alpha, Y.shape[1]), X, Y,
                                           np.asarray(W).ravel(), Z,
                                           np.asarray(X.T @ Multinomial().raw_grad(Y, Z)).ravel())
    return gap, primal


def multinomial_bcd(X, Y, alpha, *, fit_intercept=True, W0=None, b0=None, max_iter=100,
                    max_epochs=50_000, tol=1e-6, gap_freq=10, working_set=True, p0=10,
                    anderson=5, verbose=0):
    """Cyclic row-block descent with working sets; returns ``(W, b, SolverResult)``."""
    solver = BlockCoordinateDescent("cyclic", max_iter=max_iter, max_epochs=max_epochs, tol=tol,
                                    gap_freq=gap_freq, working_set=working_set, p0=p0,
                                    anderson=anderson, verbose=verbose)
    W, res = solver.solve(Multinomial(), GroupL2(alpha, Y.shape[1]), X, Y, W0,
                          fit_intercept=fit_intercept, intercept0=b0)
    return W, res.intercept, res


__all__ = ["multinomial_bcd", "multinomial_gap", "multinomial_objective"]
