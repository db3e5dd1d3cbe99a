"""ElasticNet, WeightedLasso, MCPRegression and GroupLasso: least squares with the
catalogue's penalties, solved by block coordinate descent."""

import numpy as np

from ..penalties import L1L2, MCP, GroupL2, WeightedL1
from ..utils import check_bool
from ._sparse_regressor import BCDRegressor

_COMMON = """    fit_intercept : bool, default=True
        Fit the unpenalised intercept ``b``.
    solver : BlockCoordinateDescent or None, default=None
        The algorithm (None: cyclic coordinate descent with working sets and Anderson
        extrapolation); its ``tol``, ``max_iter`` and ``verbose`` are replaced by the
        estimator's.
    max_iter : int or None, default=None
        Outer iterations (None: the solver's default).
    tol : float, default=1e-6
        Stopping tolerance (see Notes).
    warm_start : bool, default=False
        Start from the previous ``coef_`` when refitting.
    verbose : int, default=0
        Verbosity of the solver."""

_ATTRS = """    coef_ : ndarray of shape (n_features,)
    intercept_ : float
    n_iter_ : int
        Outer iterations run (>= 1).
    history_ : dict of ndarray
        Per outer iteration: ``iter``, ``time``, ``objective``, ``criterion``, ``ws_size``,
        ``support_size``.
    solver_result_ : SolverResult
    n_features_in_ : int"""


def _doc(cls):
    cls.__doc__ = cls.__doc__.replace("    %(common)s", _COMMON).replace("    %(attrs)s", _ATTRS)
    return cls


@_doc
class ElasticNet(BCDRegressor):
    r"""Least squares with the elastic-net penalty (scikit-learn's objective).

    .. math:: \frac{1}{2n}\|y - Xw - b\|_2^2 + \alpha\rho\|w\|_1
              + \frac{\alpha(1 - \rho)}{2}\|w\|_2^2 , \qquad \rho = \texttt{l1\_ratio}.

    Parameters
    ----------
    alpha : float, default=1.0
        Strength, ``>= 0``.
    l1_ratio : float, default=0.5
        Mix in ``[0, 1]`` (1: the Lasso, 0: ridge).
    positive : bool, default=False
        Constrain ``w >= 0``.
    %(common)s

    Attributes
    ----------
    %(attrs)s
    dual_gap_ : float
        Final duality gap.

    Notes
    -----
    The penalty is :class:`~sparseopt.penalties.L1L2`. The solver stops when the duality
    gap (which includes the conjugate of the L2 part) is below ``tol`` times the objective
    at ``w = 0``. ``sample_weight`` in ``fit`` follows scikit-learn (rescaled to sum to
    ``n_samples``).

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.linear_model import ElasticNet
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((100, 30)); y = X[:, 0] - 2 * X[:, 5]
    >>> np.flatnonzero(ElasticNet(alpha=0.1, l1_ratio=0.7).fit(X, y).coef_).tolist()
    [0, 5]
    """

    def __init__(self, alpha=1.0, l1_ratio=0.5, *, fit_intercept=True, positive=False,
                 solver=None, max_iter=None, tol=1e-6, warm_start=False, verbose=0):
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.positive = positive
        self.solver = solver
        self.max_iter = max_iter
        self.tol = tol
        self.warm_start = warm_start
        self.verbose = verbose

    def _penalty(self, n_features):
        pen = L1L2(self.alpha, self.l1_ratio, positive=check_bool("positive", self.positive))
        pen.kernel_params()  # validates l1_ratio
        return pen


@_doc
class WeightedLasso(BCDRegressor):
    r"""Least squares with a weighted L1 penalty (skglm's ``WeightedLasso``).

    .. math:: \frac{1}{2n}\|y - Xw - b\|_2^2 + \alpha\sum_j \omega_j |w_j| .

    Parameters
    ----------
    alpha : float, default=1.0
        Strength, ``>= 0``.
    weights : array-like of shape (n_features,) or None, default=None
        Weights ``omega_j >= 0`` (0: the coordinate is unpenalised); None is all ones (the
        Lasso).
    positive : bool, default=False
        Constrain ``w >= 0``.
    %(common)s

    Attributes
    ----------
    %(attrs)s
    dual_gap_ : float
        Final duality gap (only when every weight is positive).

    Notes
    -----
    The penalty is :class:`~sparseopt.penalties.WeightedL1`. With positive weights the
    solver stops on the duality gap (below ``tol`` times the objective at ``w = 0``, with
    Gap Safe screening); with a zero weight the dual constraint of that coordinate is met
    only at the optimum, so it stops on the fixed-point residual (relative to the largest
    gradient entry at 0) and ``dual_gap_`` is not set.

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.linear_model import WeightedLasso
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((100, 10)); y = X[:, 0] + 0.1 * X[:, 1]
    >>> w = np.ones(10); w[1] = 0.0  # feature 1 is not penalised
    >>> np.flatnonzero(WeightedLasso(alpha=0.2, weights=w).fit(X, y).coef_).tolist()
    [0, 1]
    """

    def __init__(self, alpha=1.0, weights=None, *, fit_intercept=True, positive=False,
                 solver=None, max_iter=None, tol=1e-6, warm_start=False, verbose=0):
        self.alpha = alpha
        self.weights = weights
        self.fit_intercept = fit_intercept
        self.positive = positive
        self.solver = solver
        self.max_iter = max_iter
        self.tol = tol
        self.warm_start = warm_start
        self.verbose = verbose

    def _penalty(self, n_features):
        weights = np.ones(n_features) if self.weights is None else self.weights
        pen = WeightedL1(self.alpha, weights, positive=check_bool("positive", self.positive))
        pen.check_n_features(n_features)
        return pen


@_doc
class MCPRegression(BCDRegressor):
    r"""Least squares with the minimax concave penalty (skglm's ``MCPRegression``).

    .. math:: \frac{1}{2n}\|y - Xw - b\|_2^2 + \sum_j \mathrm{MCP}_{\alpha,\gamma}(w_j) .

    Parameters
    ----------
    alpha : float, default=1.0
        Strength, ``>= 0``.
    gamma : float, default=3.0
        Concavity, ``> 1``.
    positive : bool, default=False
        Constrain ``w >= 0``.
    %(common)s

    Attributes
    ----------
    %(attrs)s

    Notes
    -----
    The penalty is :class:`~sparseopt.penalties.MCP`. The problem is nonconvex: there is
    no duality gap, so the solver stops on the fixed-point residual
    ``max_j L_j |prox(w_j - g_j / L_j) - w_j|`` of coordinate descent (below ``tol`` times
    the largest gradient entry at 0), with Gap Safe screening off; working sets still apply.
    The result is a stationary point, which depends on the start. The default solver runs
    twice, from the start (zero, or the previous ``coef_`` with ``warm_start``) and from the
    (weighted) Lasso solution with the same ``alpha`` (the convex problem with MCP's slope
    at zero),
    and keeps the lower objective (``solver_result_.start`` says which); pass
    ``solver=BlockCoordinateDescent('cyclic', convex_start=False)`` for the single run.

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.linear_model import MCPRegression
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((100, 30)); y = X[:, 0] - 2 * X[:, 5]
    >>> reg = MCPRegression(alpha=0.1).fit(X, y)
    >>> np.flatnonzero(reg.coef_).tolist(), np.round(reg.coef_[[0, 5]], 6).tolist()
    ([0, 5], [1.0, -2.0])
    """

    def __init__(self, alpha=1.0, gamma=3.0, *, fit_intercept=True, positive=False,
                 solver=None, max_iter=None, tol=1e-6, warm_start=False, verbose=0):
        self.alpha = alpha
        self.gamma = gamma
        self.fit_intercept = fit_intercept
        self.positive = positive
        self.solver = solver
        self.max_iter = max_iter
        self.tol = tol
        self.warm_start = warm_start
        self.verbose = verbose

    def _penalty(self, n_features):
        pen = MCP(self.alpha, self.gamma, positive=check_bool("positive", self.positive))
        pen.kernel_params()  # validates gamma
        return pen


@_doc
class GroupLasso(BCDRegressor):
    r"""Least squares with the group-lasso penalty (skglm's ``GroupLasso``).

    .. math:: \frac{1}{2n}\|y - Xw - b\|_2^2 + \alpha\sum_g \omega_g \|w_{G_g}\|_2 .

    Parameters
    ----------
    groups : int, label array or list of index sequences
        The groups (an int ``s``: contiguous groups of size ``s``); non-overlapping.
    alpha : float, default=1.0
        Strength, ``>= 0``.
    weights : None, 'sqrt_size' or array-like of shape (n_groups,), default=None
        Group weights ``omega_g >= 0`` (None: all ones; 0 leaves a group unpenalised).
    positive : bool, default=False
        Constrain the coefficients to be non-negative (the non-negative group lasso).
    %(common)s

    Attributes
    ----------
    %(attrs)s
    dual_gap_ : float
        Final duality gap (not set when a group weight is 0, see Notes).

    Notes
    -----
    The penalty is :class:`~sparseopt.penalties.GroupL2`; blocks are whole groups, updated
    cyclically by ``1/L_G`` proximal steps inside working sets of groups. The solver stops
    when the duality gap is below ``tol`` times the objective at ``w = 0``. With an
    unpenalised group (weight 0) the rescaled residual is no dual point, so the solver stops
    on the fixed-point residual of the group steps instead (relative to the largest gradient
    group norm at 0).

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.linear_model import GroupLasso
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((100, 12)); y = X[:, 0] + X[:, 1] - X[:, 2]
    >>> reg = GroupLasso(groups=3, alpha=0.1).fit(X, y)
    >>> np.flatnonzero(reg.coef_).tolist()
    [0, 1, 2]
    """

    def __init__(self, groups=1, alpha=1.0, weights=None, *, positive=False, fit_intercept=True,
                 solver=None, max_iter=None, tol=1e-6, warm_start=False, verbose=0):
        self.groups = groups
        self.alpha = alpha
        self.weights = weights
        self.positive = positive
        self.fit_intercept = fit_intercept
        self.solver = solver
        self.max_iter = max_iter
        self.tol = tol
        self.warm_start = warm_start
        self.verbose = verbose

    def _penalty(self, n_features):
        pen = GroupL2(self.alpha, self.groups, weights=self.weights, positive=self.positive)
        pen.encoding(n_features)  # validates groups and weights
        return pen
