"""cvxpy formulations of the convex problems solved in sparseopt: the tests' oracle.

These are slow, exact-to-interior-point-precision references for small problems; use them to
certify a fit (``reference_solve``), never for production. cvxpy is not a core dependency: it
comes with the ``reference`` extra (``pip install "sparseopt[reference]"``) and is imported only
when a reference problem is solved.
"""

import numpy as np
import scipy.sparse as sp


def _import_cvxpy():
    """cvxpy, or an ImportError naming the extra that installs it."""
    try:
        import cvxpy
    except ImportError as err:
        raise ImportError('sparseopt.reference needs cvxpy: pip install "sparseopt[reference]" '
                          "(or pip install cvxpy).") from err
    return cvxpy


def _solve(problem):
    cp = _import_cvxpy()

    try:
        problem.solve(solver=cp.CLARABEL, tol_gap_abs=1e-12, tol_gap_rel=1e-12,
                      tol_feas=1e-12, max_iter=500)
    except (cp.error.SolverError, TypeError):
        problem.solve()
    if problem.status not in ("optimal", "optimal_inaccurate"):
        raise RuntimeError(f"cvxpy did not solve the reference problem: {problem.status}.")


def lasso_reference(X, y, alpha, *, fit_intercept=False, positive=False):
    """Solve ``||y - Xw - b||^2 / (2n) + alpha ||w||_1`` with cvxpy.

    Returns
    -------
    w : ndarray of shape (n_features,)
    intercept : float
    objective : float
    """
    cp = _import_cvxpy()

    n, p = X.shape
    Xc = sp.csr_matrix(X) if sp.issparse(X) else np.asarray(X, dtype=np.float64)
    w = cp.Variable(p, nonneg=positive)
    b = cp.Variable() if fit_intercept else 0.0
    obj = cp.sum_squares(y - Xc @ w - b) / (2 * n) + alpha * cp.norm1(w)
    prob = cp.Problem(cp.Minimize(obj))
    _solve(prob)
    intercept = float(b.value) if fit_intercept else 0.0
    return np.asarray(w.value).ravel(), intercept, float(prob.value)


def logistic_l1_reference(X, y, alpha, *, fit_intercept=False):
    """Solve ``mean(log(1 + exp(-y (Xw + b)))) + alpha ||w||_1`` (y in {-1, 1}) with cvxpy.

    Returns
    -------
    w : ndarray of shape (n_features,)
    intercept : float
    objective : float
    """
    cp = _import_cvxpy()

    n, p = X.shape
    Xc = sp.csr_matrix(X) if sp.issparse(X) else np.asarray(X, dtype=np.float64)
    w = cp.Variable(p)
    b = cp.Variable() if fit_intercept else 0.0
    z = Xc @ w + b
    obj = cp.sum(cp.logistic(-cp.multiply(y, z))) / n + alpha * cp.norm1(w)
    prob = cp.Problem(cp.Minimize(obj))
    _solve(prob)
    intercept = float(b.value) if fit_intercept else 0.0
    return np.asarray(w.value).ravel(), intercept, float(prob.value)


def multinomial_group_reference(X, y, alpha, *, fit_intercept=False, sample_weight=None):
    """Solve the row-group L1 multinomial logistic problem with cvxpy.

    ``(1/n) sum_i c_i [lse(z_i) - z_{i, y_i}] + alpha sum_j ||W_j||_2`` with ``Z = X W + b``
    (``W`` of shape (n_features, n_classes), ``b`` unpenalised) and ``c`` the sample weights
    rescaled to sum to ``n`` (all ones by default).

    Parameters
    ----------
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
        Class labels (any values; classes sorted as by ``np.unique``).
    alpha : float
    fit_intercept : bool, default=False
    sample_weight : array-like of shape (n_samples,) or None, default=None

    Returns
    -------
    coef : ndarray of shape (n_classes, n_features)
        ``W.T``, as ``SparseLogisticRegression.coef_``.
    intercept : ndarray of shape (n_classes,)
    objective : float

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.reference import multinomial_group_reference
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((40, 4)); y = np.argmax(X[:, :3], axis=1)
    >>> coef, b, obj = multinomial_group_reference(X, y, 0.05)
    >>> coef.shape, bool(obj < np.log(3))
    ((3, 4), True)
    """
    cp = _import_cvxpy()

    classes, yi = np.unique(np.asarray(y), return_inverse=True)
    X = X.toarray() if hasattr(X, "toarray") else np.asarray(X, dtype=np.float64)
    n, p = X.shape
    K = classes.size
    Y = np.eye(K)[yi]
    W = cp.Variable((p, K))
    b = cp.Variable(K) if fit_intercept else np.zeros(K)
    Z = X @ W + (cp.reshape(b, (1, K), order="C") if fit_intercept else 0)
    c = np.ones(n) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    c = c * (n / c.sum())
    loss = cp.sum(cp.multiply(c, cp.log_sum_exp(Z, axis=1) - cp.sum(cp.multiply(Y, Z),
                                                                     axis=1))) / n
    problem = cp.Problem(cp.Minimize(loss + alpha * cp.sum(cp.norm(W, 2, axis=1))))
    _solve(problem)
    intercept = np.asarray(b.value, dtype=float) if fit_intercept else np.zeros(K)
    return np.asarray(W.value).T, intercept, float(problem.value)


def reference_solve(estimator, X, y):
    """Solve the problem a (fitted or unfitted) estimator defines, with cvxpy.

    Parameters
    ----------
    estimator : Lasso or SparseLogisticRegression
        Binary or multinomial (row-group penalty) logistic regression; Lasso with or without
        ``positive``.
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)

    Returns
    -------
    coef : ndarray of shape (n_features,), or (n_classes, n_features) for multinomial
    intercept : float, or ndarray of shape (n_classes,) for multinomial
    objective : float

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.linear_model import Lasso
    >>> from sparseopt.reference import reference_solve
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((30, 5)); y = X[:, 0] + 0.1 * rng.standard_normal(30)
    >>> reg = Lasso(alpha=0.1, tol=1e-10).fit(X, y)
    >>> coef, b, obj = reference_solve(reg, X, y)
    >>> bool(np.allclose(coef, reg.coef_, atol=1e-6))
    True
    """
    from .linear_model import Lasso, SparseLogisticRegression

    y = np.asarray(y)
    if isinstance(estimator, Lasso):
        return lasso_reference(X, y.astype(np.float64), float(estimator.alpha),
                               fit_intercept=estimator.fit_intercept,
                               positive=bool(getattr(estimator, "positive", False)))
    if isinstance(estimator, SparseLogisticRegression):
        classes = np.unique(y)
        if len(classes) > 2:
            return multinomial_group_reference(X, y, float(estimator.alpha),
                                               fit_intercept=estimator.fit_intercept)
        if len(classes) != 2:
            raise ValueError("SparseLogisticRegression needs at least two classes in y.")
        y_pm = np.where(y == classes[1], 1.0, -1.0)
        return logistic_l1_reference(X, y_pm, float(estimator.alpha),
                                     fit_intercept=estimator.fit_intercept)
    raise TypeError(f"No cvxpy reference for {type(estimator).__name__}.")


def group_lasso_reference(X, y, alpha, groups, weights=None, *, datafit="quadratic",
                          fit_intercept=False):
    """Solve ``F(Xw + b) + alpha sum_j w_j ||w_{G_j}||`` with cvxpy.

    Parameters
    ----------
    X, y : arrays
        ``y`` in {-1, 1} for ``datafit='logistic'``.
    alpha : float
    groups, weights
        As for :class:`sparseopt.penalties.GroupL2`.
    datafit : {'quadratic', 'logistic'}
    fit_intercept : bool

    Returns
    -------
    w : ndarray of shape (n_features,)
    intercept : float
    objective : float
    """
    cp = _import_cvxpy()

    from .utils.groups import check_groups, check_weights

    n, p = X.shape
    grp_ptr, grp_indices = check_groups(groups, p)
    gw = check_weights(weights, grp_ptr, allow_zero=True)
    Xc = sp.csr_matrix(X) if sp.issparse(X) else np.asarray(X, dtype=np.float64)
    w = cp.Variable(p)
    b = cp.Variable() if fit_intercept else 0.0
    z = Xc @ w + b
    if datafit == "quadratic":
        loss = cp.sum_squares(y - z) / (2 * n)
    elif datafit == "logistic":
        loss = cp.sum(cp.logistic(-cp.multiply(y, z))) / n
    else:
        raise ValueError(f"datafit={datafit!r}: expected 'quadratic' or 'logistic'.")
    pen = sum(gw[j] * cp.norm(w[grp_indices[grp_ptr[j]:grp_ptr[j + 1]]], 2)
              for j in range(len(grp_ptr) - 1))
    prob = cp.Problem(cp.Minimize(loss + alpha * pen))
    _solve(prob)
    intercept = float(b.value) if fit_intercept else 0.0
    return np.asarray(w.value).ravel(), intercept, float(prob.value)


__all__ = ["glm_reference", "group_lasso_reference", "lasso_reference", "logistic_l1_reference",
           "multinomial_group_reference", "multitask_lasso_reference", "reference_solve"]


def _loss_expr(cp, datafit, y, z, n):
    """The cvxpy expression of a single-output datafit at the predictor ``z``."""
    from .datafits import (
        Gamma,
        Huber,
        Logistic,
        Poisson,
        Quadratic,
        WeightedLogistic,
        WeightedQuadratic,
    )

    if isinstance(datafit, WeightedQuadratic):
        s = np.asarray(datafit.sample_weight, dtype=np.float64)
        return cp.sum(cp.multiply(s, cp.square(y - z))) / (2 * s.sum())
    if isinstance(datafit, WeightedLogistic):
        s = np.asarray(datafit.sample_weight, dtype=np.float64)
        return cp.sum(cp.multiply(s, cp.logistic(-cp.multiply(y, z)))) / s.sum()
    if isinstance(datafit, Quadratic):
        return cp.sum_squares(y - z) / (2 * n)
    if isinstance(datafit, Logistic):
        return cp.sum(cp.logistic(-cp.multiply(y, z))) / n
    if isinstance(datafit, Huber):
        # cvxpy's huber(r, M) is 2 h_M(r): half of it is the datafit's h_delta
        return cp.sum(cp.huber(y - z, float(datafit.delta))) / (2 * n)
    if isinstance(datafit, Poisson):
        return cp.sum(cp.exp(z) - cp.multiply(y, z)) / n
    if isinstance(datafit, Gamma):
        return cp.sum(z + cp.multiply(y, cp.exp(-z)) - 1.0 - np.log(y)) / n
    raise TypeError(f"glm_reference has no cvxpy form of {type(datafit).__name__}.")


def _penalty_expr(cp, penalty, w):
    """The cvxpy expression (and constraints) of a convex penalty."""
    from .penalties import L1, L1L2, Box, GroupL2, WeightedL1

    if isinstance(penalty, L1L2):
        a = penalty.alpha * penalty.l1_ratio
        b = penalty.alpha * (1 - penalty.l1_ratio)
        cons = [w >= 0] if penalty.positive else []
        return a * cp.norm1(w) + 0.5 * b * cp.sum_squares(w), cons
    if isinstance(penalty, WeightedL1):
        cons = [w >= 0] if penalty.positive else []
        weights = np.asarray(penalty.weights, dtype=np.float64)
        return penalty.alpha * cp.sum(cp.multiply(weights, cp.abs(w))), cons
    if isinstance(penalty, L1):
        return penalty.alpha * cp.norm1(w), ([w >= 0] if penalty.positive else [])
    if isinstance(penalty, Box):
        lo = -np.inf if penalty.lower is None else float(penalty.lower)
        up = np.inf if penalty.upper is None else float(penalty.upper)
        c = float(penalty.linear)
        cons = [w >= lo] if np.isfinite(lo) else []
        cons += [w <= up] if np.isfinite(up) else []
        return c * cp.sum(w), cons
    if isinstance(penalty, GroupL2):
        grp_ptr, grp_indices, gw, _ = penalty.encoding(w.shape[0])
        expr = sum(gw[j] * cp.norm(w[grp_indices[grp_ptr[j]:grp_ptr[j + 1]]], 2)
                   for j in range(len(grp_ptr) - 1))
        return penalty.alpha * expr, ([w >= 0] if penalty.positive else [])
    raise TypeError(f"glm_reference has no cvxpy form of {type(penalty).__name__}.")


def glm_reference(datafit, penalty, X, y, *, fit_intercept=False):
    """Solve ``datafit(Xw + b) + penalty(w)`` with cvxpy for the convex pairs of the catalogue.

    Parameters
    ----------
    datafit : Quadratic, WeightedQuadratic, Logistic, WeightedLogistic, Huber, Poisson or Gamma
    penalty : L1, L1L2, WeightedL1, Box or GroupL2
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
    fit_intercept : bool, default=False

    Returns
    -------
    w : ndarray of shape (n_features,)
    intercept : float
    objective : float
    """
    cp = _import_cvxpy()

    n, p = X.shape
    Xc = sp.csr_matrix(X) if sp.issparse(X) else np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    w = cp.Variable(p)
    b = cp.Variable() if fit_intercept else 0.0
    pen, cons = _penalty_expr(cp, penalty, w)
    prob = cp.Problem(cp.Minimize(_loss_expr(cp, datafit, y, Xc @ w + b, n) + pen), cons)
    _solve(prob)
    intercept = float(b.value) if fit_intercept else 0.0
    return np.asarray(w.value).ravel(), intercept, float(prob.value)


def multitask_lasso_reference(X, Y, alpha, *, fit_intercept=False):
    """Solve ``||Y - XW - 1 b^T||_F^2 / (2n) + alpha sum_j ||W_j||_2`` with cvxpy.

    Returns
    -------
    W : ndarray of shape (n_features, n_tasks)
    intercept : ndarray of shape (n_tasks,)
    objective : float
    """
    cp = _import_cvxpy()

    n, p = X.shape
    T = Y.shape[1]
    W = cp.Variable((p, T))
    b = cp.Variable(T) if fit_intercept else np.zeros(T)
    Z = X @ W + (cp.reshape(b, (1, T), order="C") if fit_intercept else 0.0)
    obj = cp.sum_squares(Y - Z) / (2 * n) + alpha * cp.sum(cp.norm(W, 2, axis=1))
    prob = cp.Problem(cp.Minimize(obj))
    _solve(prob)
    intercept = np.asarray(b.value).ravel() if fit_intercept else np.zeros(T)
    return np.asarray(W.value), intercept, float(prob.value)
