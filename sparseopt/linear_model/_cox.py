"""Sparse Cox proportional-hazards regression (elastic net), and the concordance index."""

import bisect

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import validate_data

from ..datafits import Cox, check_survival
from ..penalties import L1L2
from ..solvers import BlockCoordinateDescent
from ..utils import check_bool, check_nonnegative, check_real
from ._base import linear_predict, refuse_complex, resolve_solver


def concordance_index(y, risk):
    """Harrell's concordance index of the risk scores ``risk`` for the survival data ``y``.

    Among the comparable pairs (``i`` has an event and ``t_i < t_j``), the share in which
    ``risk_i > risk_j`` (the earlier failure has the higher risk), ties in risk counting one
    half; 0.5 is chance, 1 a perfect ranking. ``O(n log n)`` comparisons.

    Parameters
    ----------
    y : array-like of shape (n_samples, 2)
        Observed times, then event indicators (1 = event, 0 = censored).
    risk : array-like of shape (n_samples,)
        Predicted risk scores (higher: earlier failure), e.g. ``X @ coef_``.

    Returns
    -------
    float
        The index (NaN without a comparable pair).

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.linear_model import concordance_index
    >>> y = np.array([[1.0, 1], [2.0, 1], [3.0, 0]])
    >>> concordance_index(y, np.array([3.0, 2.0, 1.0]))
    1.0
    """
    risk = np.asarray(risk, dtype=np.float64).ravel()
    times, events = check_survival(y, risk.shape[0])
    order = np.argsort(-times, kind="stable")
    later = []  # risks of the samples observed strictly later than the current time
    concordant = comparable = 0.0
    k = 0
    n = times.shape[0]
    while k < n:
        stop = k
        while stop < n and times[order[stop]] == times[order[k]]:
            stop += 1
        for idx in order[k:stop]:
            if events[idx] == 1 and later:
                r = risk[idx]
                below = bisect.bisect_left(later, r)
                equal = bisect.bisect_right(later, r) - below
                concordant += below + 0.5 * equal
                comparable += len(later)
        for idx in order[k:stop]:
            bisect.insort(later, risk[idx])
        k = stop
    return concordant / comparable if comparable else float("nan")


class CoxEstimator(BaseEstimator):
    r"""Cox proportional-hazards regression with an elastic-net penalty (Breslow's ties).

    Minimises the mean negative partial log-likelihood plus the elastic net,

    .. math::

        \frac1n \sum_i \delta_i \Big(-x_i^\top w + \log \sum_{j:\ t_j \ge t_i}
        e^{x_j^\top w}\Big) + \alpha \rho \|w\|_1 + \frac{\alpha (1 - \rho)}{2} \|w\|_2^2,

    by proximal Newton steps on working sets (:class:`~sparseopt.datafits.Cox`,
    :class:`~sparseopt.penalties.L1L2`). This is skglm's ``CoxEstimator(method='breslow')``.

    Parameters
    ----------
    alpha : float, default=1.0
        Penalty strength, ``>= 0``.
    l1_ratio : float, default=0.7
        Mixing ``rho`` in [0, 1]: 1 is the Lasso, 0 ridge.
    solver : BlockCoordinateDescent or None, default=None
        None: ``BlockCoordinateDescent('cyclic', update='newton', max_iter=500)`` (the
        curvature has no global bound). Its ``tol`` (and ``max_iter`` when given) are
        replaced by the estimator's.
    max_iter : int or None, default=None
        Outer iterations (one proximal Newton step each); None: the solver's (500 by
        default: the Newton model uses the Hessian's diagonal, so convergence is linear when
        many features are active).
    tol : float, default=1e-6
        Stop when the fixed-point residual is below ``tol`` times the largest gradient entry
        at ``w = 0`` (the partial likelihood has no closed-form dual, so no duality gap).
    warm_start : bool, default=False
    verbose : int, default=0

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
        Log hazard ratios.
    n_iter_ : int
    history_ : dict of ndarray
    solver_result_ : SolverResult
    n_features_in_ : int

    Notes
    -----
    ``y`` has shape ``(n_samples, 2)``: the observed times, then the event indicators (1 for
    an event, 0 for a censored time); a 1-D ``y`` holds times that are all events. There is
    no intercept: the partial likelihood does not
    see one. Tied times use Breslow's approximation (every tied sample is in the risk set of
    each tied event). :meth:`predict` returns the risk scores ``X @ coef_`` and
    :meth:`score` their concordance index with ``y`` (used by ``GridSearchCV``).

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.linear_model import CoxEstimator
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((300, 8))
    >>> times = rng.exponential(np.exp(-(X[:, 0] - X[:, 1])))
    >>> y = np.column_stack([times, rng.random(300) < 0.8])
    >>> est = CoxEstimator(alpha=0.05).fit(X, y)
    >>> np.flatnonzero(est.coef_).tolist()[:2], est.score(X, y) > 0.7
    ([0, 1], True)
    """

    def __init__(self, alpha=1.0, l1_ratio=0.7, *, solver=None, max_iter=None, tol=1e-6,
                 warm_start=False, verbose=0):
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.solver = solver
        self.max_iter = max_iter
        self.tol = tol
        self.warm_start = warm_start
        self.verbose = verbose

    def fit(self, X, y):
        """Fit the model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples, 2) or (n_samples,)
            Observed times, then event indicators (1 = event, 0 = censored); 1-D: times
            that are all events.

        Returns
        -------
        self : CoxEstimator
            The fitted estimator.
        """
        alpha = check_nonnegative("alpha", self.alpha)
        rho = check_real("l1_ratio", self.l1_ratio, low=0.0, high=1.0)
        check_bool("warm_start", self.warm_start)
        refuse_complex(X=X, y=y)
        X, y = validate_data(self, X, y, accept_sparse=["csc", "csr", "coo"], dtype=np.float64,
                             multi_output=True, y_numeric=True, accept_large_sparse=True)
        check_survival(y, X.shape[0])
        default = BlockCoordinateDescent("cyclic", update="newton", max_iter=500)
        solver = resolve_solver(self.solver, default, tol=self.tol, max_iter=self.max_iter,
                                verbose=self.verbose)
        w0 = None
        if self.warm_start and getattr(self, "coef_", None) is not None \
                and self.coef_.shape == (X.shape[1],):
            w0 = self.coef_
        w, res = solver.solve(Cox(), L1L2(alpha, rho), X, y, w0, check_input=False)
        self.coef_ = w
        self.n_iter_ = max(int(res.n_iter), 1)
        self.history_ = res.history
        self.solver_result_ = res
        return self

    def predict(self, X):
        """Risk scores ``X @ coef_`` (log relative hazards).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        risk : ndarray of shape (n_samples,)
        """
        return linear_predict(self, X)

    def score(self, X, y):
        """Concordance index of :meth:`predict` with the survival data ``y``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples, 2)

        Returns
        -------
        float
        """
        return concordance_index(y, self.predict(X))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.target_tags.required = True
        return tags
