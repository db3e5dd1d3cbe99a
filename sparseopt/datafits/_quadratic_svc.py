"""The dual of a linear support vector machine, solved as least squares plus a box."""

import numpy as np
import scipy.sparse as sp

from ._base import GLMDatafit, check_pair, column_sq_norms
from ._quadratic import Quadratic


class QuadraticSVC(GLMDatafit):
    r"""Datafit of the dual of a linear SVM (hinge loss): ``F(a) = ||M a||^2 / 2 - sum_i a_i``.

    The design is the *dual design* ``M = (y[:, None] * X).T`` of shape
    ``(n_features, n_samples)``, built from the training data ``X`` and labels
    ``y in {-1, 1}``; the coefficients are the dual variables ``a`` (one per sample), and
    the primal weights are ``beta = M a = sum_i a_i y_i x_i``. With the penalty
    ``Box(0, C)`` the problem is the SVM dual

    .. math::

        \min_{0 \le a_i \le C}\ \tfrac12 \|M a\|_2^2 - \sum_i a_i,

    whose primal is ``min_beta C sum_i max(0, 1 - y_i x_i^T beta) + ||beta||^2 / 2``
    (no intercept: :class:`~sparseopt.linear_model.LinearSVC` adds one as a constant
    feature, as liblinear does). The targets handed to a solver with this datafit are not
    used (the labels are inside ``M``).

    Notes
    -----
    The linear term is not a function of ``M a``: the solvers move it into the penalty
    (:meth:`with_linear_term`: ``Box(0, C)`` becomes ``Box(0, C, linear=-1)``) and run
    least squares on ``z = M a`` (:meth:`reduce_problem`), so every part of the engine
    (working sets over the support vectors, Anderson extrapolation, the duality gap)
    applies unchanged. ``L_i = ||x_i||^2`` is the curvature of coordinate ``i``. Only a
    box penalty can carry the linear term (another penalty is a TypeError naming both),
    and no intercept can be fitted on the dual (ValueError).

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.datafits import QuadraticSVC
    >>> from sparseopt.penalties import Box
    >>> from sparseopt.solvers import BlockCoordinateDescent
    >>> X = np.array([[2.0, 0.0], [0.0, 1.0], [-1.0, 0.0]]); y = np.array([1.0, 1.0, -1.0])
    >>> M = (y[:, None] * X).T
    >>> solver = BlockCoordinateDescent("cyclic", tol=1e-12)
    >>> a, res = solver.solve(QuadraticSVC(), Box(0.0, 1.0), M, y)
    >>> np.round(M @ a, 6).tolist()  # the primal weights: every margin y_i x_i^T beta >= 1
    [1.0, 1.0]
    """

    curvature = 1.0

    def value(self, y, Xw):
        """``||M a||^2 / 2`` (``Xw = M a``; the linear term ``-sum(a)`` is the penalty's, see
        the Notes; ``y`` is not used)."""
        _, Xw = check_pair(np.zeros(np.shape(Xw)), Xw)
        return 0.5 * float(Xw @ Xw)

    def raw_grad(self, y, Xw):
        """Derivative with respect to ``Xw``: ``Xw``."""
        return np.asarray(Xw, dtype=np.float64).copy()

    def raw_hessian(self, y, Xw):
        """1 for every entry of ``Xw``."""
        return np.ones(np.shape(Xw)[0])

    def lipschitz(self, X):
        """``L_i = ||M_i||^2``: the squared norm of each column of the dual design."""
        return column_sq_norms(X)

    def with_linear_term(self, penalty):
        """The penalty plus the dual's linear term ``-sum_i a_i``: a box's ``linear``
        decreases by 1 (a TypeError naming both for any other penalty)."""
        if not hasattr(penalty, "add_linear"):  # a box (the only penalty with a linear term)
            raise TypeError(f"datafit QuadraticSVC with penalty {type(penalty).__name__} is not "
                            "supported: the SVM dual needs a box penalty, Box(0, C) (the "
                            "constraint 0 <= a_i <= C).")
        return penalty.add_linear(-1.0)

    def reduce_problem(self, X, y, fit_intercept):
        """The equivalent least-squares problem ``(Quadratic(), sqrt(m) M, 0, None)``:
        ``||sqrt(m) M a||^2 / (2 m) = ||M a||^2 / 2`` with ``m`` rows in ``M``."""
        if fit_intercept:
            raise ValueError("QuadraticSVC (the SVM dual) has no intercept: pass "
                             "fit_intercept=False, or use sparseopt.linear_model.LinearSVC, "
                             "which fits one as a constant feature.")
        m = X.shape[0]
        scale = np.sqrt(float(m))
        Xs = X * scale if sp.issparse(X) else np.asarray(X, dtype=np.float64) * scale
        return Quadratic(), Xs, np.zeros(m), None
