"""SortNRegress baselines (Reisach et al.): order by marginal variance or R^2, then regress."""

import numpy as np
from sklearn.linear_model import LassoLarsIC, LinearRegression

from ..utils import check_choice, check_real_array


def sort_n_regress(X, *, criterion="var"):
    """Var-SortNRegress / R^2-SortNRegress.

    Nodes are ordered by increasing marginal variance ('var') or by increasing R^2 of each
    variable regressed on all others ('r2'); each node is then regressed on all earlier nodes:
    an OLS fit gives scales ``a = |beta|`` and ``LassoLarsIC(criterion='bic')`` on the scaled
    columns selects the parents. Acyclic by construction.

    Parameters
    ----------
    X : ndarray of shape (n_samples, d)
    criterion : {'var', 'r2'}

    Returns
    -------
    W : ndarray of shape (d, d)
        ``W[i, j] != 0`` means i -> j.

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.dag import simulate_linear_sem, sort_n_regress
    >>> W = np.array([[0.0, 2.0], [0.0, 0.0]])
    >>> X = simulate_linear_sem(W, 500, random_state=0)
    >>> (sort_n_regress(X) != 0).astype(int).tolist()
    [[0, 1], [0, 0]]
    """
    X = check_real_array("X", X, ndim=2)
    n, d = X.shape
    check_choice("criterion", criterion, ("var", "r2"))
    if n <= d + 1:
        raise ValueError(f"n_samples={n} must exceed the number of predictors + 1 ({d}).")
    if np.any(np.ptp(X, axis=0) == 0):
        raise ValueError("X has a constant column: its variable cannot be ordered or regressed.")
    if criterion == "var":
        score = np.var(X, axis=0)
    else:
        corr = np.corrcoef(X.T)
        try:
            score = 1.0 - 1.0 / np.diag(np.linalg.inv(corr))
        except np.linalg.LinAlgError:
            score = np.array([LinearRegression().fit(np.delete(X, j, 1), X[:, j])
                              .score(np.delete(X, j, 1), X[:, j]) for j in range(d)])
    order = np.argsort(score, kind="stable")
    W = np.zeros((d, d))
    for k in range(1, d):
        target = order[k]
        parents = order[:k]
        Xp = X[:, parents]
        a = np.abs(LinearRegression().fit(Xp, X[:, target]).coef_)
        lars = LassoLarsIC(criterion="bic").fit(Xp * a, X[:, target])
        W[parents, target] = lars.coef_ * a
    return W
