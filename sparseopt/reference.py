"""cvxpy formulations of the convex problems solved in sparseopt: the tests' oracle.

These are slow, exact-to-interior-point-precision references for small problems; use them to
certify a fit (``reference_solve``), never for production. cvxpy is imported lazily.
"""

import numpy as np
import scipy.sparse as sp


def _solve(problem):
    import cvxpy as cp

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
    import cvxpy as cp

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
    import cvxpy as cp

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


def reference_solve(estimator, X, y):
    """Solve the problem a (fitted or unfitted) estimator defines, with cvxpy.

    Parameters
    ----------
    estimator : Lasso or SparseLogisticRegression
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)

    Returns
    -------
    coef : ndarray of shape (n_features,)
    intercept : float
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
                               fit_intercept=estimator.fit_intercept)
    if isinstance(estimator, SparseLogisticRegression):
        classes = np.unique(y)
        if len(classes) != 2:
            raise ValueError("reference_solve supports binary classification only.")
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
    import cvxpy as cp

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
