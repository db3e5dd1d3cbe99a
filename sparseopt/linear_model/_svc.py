"""Linear support vector classification (hinge loss) by coordinate descent on the dual."""

import numpy as np
import scipy.sparse as sp
from sklearn.utils.validation import validate_data

from ..datafits import QuadraticSVC
from ..penalties import Box
from ..solvers import BlockCoordinateDescent
from ..utils import check_bool, check_nonnegative
from ._base import LinearClassifier, class_labels, refuse_complex, resolve_solver


def default_svc_solver():
    """Cyclic coordinate descent on the dual variables, with working sets (the support
    vectors) and Anderson extrapolation."""
    return BlockCoordinateDescent(selection="cyclic", partition="fixed", block_size=1,
                                  update="gradient", working_set="auto", anderson=5)


def dual_design(X, signs, intercept_scaling):
    """``M = (signs[:, None] * [X, s 1]).T`` of shape ``(n_features (+ 1), n_samples)``: F-
    ordered when dense (contiguous columns, one per sample), CSC when ``X`` is sparse; the
    constant column ``s`` is appended when ``intercept_scaling`` is not None."""
    if sp.issparse(X):
        Xa = sp.csr_matrix(X)
        if intercept_scaling is not None:
            Xa = sp.hstack([Xa, np.full((X.shape[0], 1), intercept_scaling)], format="csr")
        return sp.csc_matrix((sp.diags(signs) @ Xa).T)
    Xa = X if intercept_scaling is None else np.hstack(
        [X, np.full((X.shape[0], 1), intercept_scaling)])
    return np.asfortranarray((signs[:, None] * Xa).T)


class LinearSVC(LinearClassifier):
    r"""Linear support vector classifier with the hinge loss, solved on its dual.

    Minimises, for labels mapped to ``y_i in {-1, 1}``,

    .. math::

        \min_{\beta}\ C \sum_{i=1}^n \max(0,\ 1 - y_i \tilde x_i^\top \beta)
        + \tfrac12 \|\beta\|_2^2, \qquad
        \tilde x_i = (x_i, s) \text{ with an intercept, } x_i \text{ without},

    through its dual ``min_{0 <= a_i <= C} ||M a||^2 / 2 - sum_i a_i`` with
    ``M = (y * X~).T`` and ``beta = M a`` (:class:`~sparseopt.datafits.QuadraticSVC` with
    :class:`~sparseopt.penalties.Box`): cyclic coordinate descent over the dual variables,
    with working sets that grow from the samples violating the margin (the support vectors)
    and Anderson extrapolation. This is scikit-learn's
    ``LinearSVC(loss='hinge', dual=True)``: as in liblinear, the intercept is the weight of a
    constant feature of value ``intercept_scaling`` and is penalised with the other weights.

    Parameters
    ----------
    C : float, default=1.0
        Inverse regularisation strength, ``> 0``.
    fit_intercept : bool, default=True
        Add the constant feature ``intercept_scaling`` (a penalised intercept).
    intercept_scaling : float, default=1.0
        Value of that feature, ``> 0``; a larger value penalises the intercept less.
    solver : BlockCoordinateDescent or None, default=None
        None: cyclic coordinate descent with working sets and Anderson extrapolation. Its
        ``tol``/``max_iter`` are replaced by the estimator's.
    max_iter : int or None, default=None
        Outer iterations (working sets) per binary problem (None: the solver's default).
    tol : float, default=1e-6
        Stop when the duality gap is below ``tol * n_samples * C`` (the primal objective at
        ``beta = 0``).
    warm_start : bool, default=False
        Start from the dual variables of the previous fit (same samples and classes).
    verbose : int, default=0

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
    intercept_ : ndarray of shape (1,) or (n_classes,)
    dual_ : ndarray of shape (n_samples,) or (n_classes, n_samples)
        The dual variables ``a`` (``0 <= a_i <= C``; the support vectors have ``a_i > 0``).
    dual_gap_ : float
        Duality gap of the (last) binary problem.
    n_iter_ : int
        Outer iterations (the largest over the binary problems).
    history_ : dict of ndarray
        The solver's per-iteration record (of the last binary problem).
    n_features_in_ : int

    Notes
    -----
    With more than two classes the model is one-vs-rest: one binary problem per class (its
    samples against all others), as in liblinear. The dual design is formed once per problem:
    a copy of ``X`` (CSC for sparse input). The duality gap of the dual problem is the gap
    between the hinge primal at ``beta = M a`` and the dual objective, so the stopping rule
    certifies the returned weights. Features with a large common offset (say all near 100)
    make the dual ill-conditioned and coordinate descent slow, for liblinear as here:
    standardise them first (a ConvergenceWarning says when the budget ran out).

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.linear_model import LinearSVC
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((200, 5)); y = (X[:, 0] + 0.5 * X[:, 1] > 0).astype(int)
    >>> clf = LinearSVC(C=1.0).fit(X, y)
    >>> clf.score(X, y) > 0.95, bool(np.all((clf.dual_ >= 0) & (clf.dual_ <= 1.0)))
    (True, True)
    """

    def __init__(self, C=1.0, *, fit_intercept=True, intercept_scaling=1.0, solver=None,
                 max_iter=None, tol=1e-6, warm_start=False, verbose=0):
        self.C = C
        self.fit_intercept = fit_intercept
        self.intercept_scaling = intercept_scaling
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
        y : array-like of shape (n_samples,)
            Class labels (two or more classes, any labels).

        Returns
        -------
        self : LinearSVC
            The fitted estimator.
        """
        C = check_nonnegative("C", self.C, allow_zero=False)
        fit_intercept = check_bool("fit_intercept", self.fit_intercept)
        scaling = check_nonnegative("intercept_scaling", self.intercept_scaling, allow_zero=False)
        check_bool("warm_start", self.warm_start)
        refuse_complex(X=X, y=y)
        X, y = validate_data(self, X, y, accept_sparse=["csc", "csr", "coo"], dtype=np.float64,
                             accept_large_sparse=True)
        classes = class_labels(y, "LinearSVC")
        solver = resolve_solver(self.solver, default_svc_solver(), tol=self.tol,
                                max_iter=self.max_iter, verbose=self.verbose)
        targets = classes[1:] if len(classes) == 2 else classes
        previous = self._previous_dual(len(targets), X.shape[0], classes)
        n_out = X.shape[1] + fit_intercept
        coef, duals, n_iter = np.empty((len(targets), n_out)), [], 1
        for k, label in enumerate(targets):
            signs = np.where(y == label, 1.0, -1.0)
            M = dual_design(X, signs, scaling if fit_intercept else None)
            a, res = solver.solve(QuadraticSVC(), Box(0.0, C), M, signs,
                                  None if previous is None else previous[k], check_input=False)
            coef[k] = np.asarray(M @ a).ravel()
            duals.append(a)
            n_iter = max(n_iter, int(res.n_iter))
        self.classes_ = classes
        self.coef_ = coef[:, :X.shape[1]].copy()
        self.intercept_ = (scaling * coef[:, -1] if fit_intercept else np.zeros(len(targets)))
        self.dual_ = duals[0] if len(duals) == 1 else np.vstack(duals)
        self.dual_gap_ = float(res.dual_gap)
        self.n_iter_ = n_iter
        self.history_ = res.history
        self.solver_result_ = res
        return self

    def _previous_dual(self, n_problems, n_samples, classes):
        """The dual variables of the previous fit, one row per binary problem, when warm
        starting on the same samples and classes (else None)."""
        prev = getattr(self, "dual_", None)
        if not self.warm_start or prev is None or not np.array_equal(
                getattr(self, "classes_", None), classes):
            return None
        prev = np.atleast_2d(prev)
        return prev if prev.shape == (n_problems, n_samples) else None
