"""L1-penalised logistic regression solved by block coordinate descent."""

import numpy as np
from scipy.special import expit, log_softmax, softmax
from sklearn.utils.validation import validate_data

from ..datafits import Logistic, Multinomial, WeightedLogistic
from ..penalties import L1, GroupL2
from ..solvers import BlockCoordinateDescent
from ..utils import check_sample_weight
from ._base import LinearClassifier, check_common, class_labels, refuse_complex, resolve_solver


def _default_logistic_solver():
    return BlockCoordinateDescent(selection="cyclic", partition="fixed", block_size=1,
                                  update="newton", working_set="auto", anderson=5,
                                  screening=True)


class SparseLogisticRegression(LinearClassifier):
    r"""Binary logistic regression with an L1 penalty, solved by (block) coordinate descent.

    Minimises

    .. math:: \frac{1}{n}\sum_{i=1}^n \log\left(1 + e^{-y_i (x_i^T w + b)}\right)
              + \alpha\|w\|_1, \qquad y_i \in \{-1, +1\}.

    Parameters
    ----------
    alpha : float, default=1.0
        L1 strength, ``>= 0``. scikit-learn's ``LogisticRegression(penalty='l1', C=C)`` without
        intercept is the same problem for ``alpha = 1 / (n C)``.
    fit_intercept : bool, default=True
        Fit an unpenalised intercept.
    solver : BlockCoordinateDescent or None, default=None
        None: ``BlockCoordinateDescent(selection='cyclic', update='newton')``, i.e. proximal
        Newton on each working set (the Newton model minimised by cyclic coordinate descent,
        then a backtracking line search, jointly with the intercept), with Gap Safe screening.
        Any rule, partition and update of :class:`~sparseopt.solvers.BlockCoordinateDescent` may
        be given; its ``tol``/``max_iter`` are replaced by the estimator's.
    max_iter : int or None, default=None
    tol : float, default=1e-6
        Stop when the duality gap is below ``tol * P0``.
    warm_start : bool, default=False
    verbose : int, default=0

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
    intercept_ : ndarray of shape (1,) or (n_classes,)
    dual_gap_ : float
    n_iter_ : int
    history_ : dict of ndarray
    solver_result_ : BCDResult
    n_features_in_ : int

    Notes
    -----
    With more than two classes the model is multinomial,
    ``(1/n) sum_i [log sum_c exp(z_ic) - z_{i, y_i}] + alpha sum_j ||W_j||_2`` with a row-group
    penalty (a feature is used by all classes or by none), solved by cyclic row-block descent
    with Bohning's bound ``||X_j||^2 / (2n)``; ``coef_`` is then ``(n_classes, n_features)``.

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.linear_model import SparseLogisticRegression
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((200, 20))
    >>> y = (X[:, 0] - X[:, 1] > 0).astype(int)
    >>> clf = SparseLogisticRegression(alpha=0.05).fit(X, y)
    >>> np.flatnonzero(clf.coef_).tolist(), clf.score(X, y) > 0.9
    ([0, 1], True)
    """

    def __init__(self, alpha=1.0, *, fit_intercept=True, solver=None, max_iter=None, tol=1e-6,
                 warm_start=False, verbose=0):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.solver = solver
        self.max_iter = max_iter
        self.tol = tol
        self.warm_start = warm_start
        self.verbose = verbose

    def fit(self, X, y, sample_weight=None):
        """Fit the model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            Class labels (two or more classes, any labels).
        sample_weight : array-like of shape (n_samples,) or None, default=None
            Sample weights ``>= 0``: the loss becomes the weighted mean
            ``sum_i s_i loss_i / sum_i s_i`` (binary and multinomial), so integer weights
            equal repeated rows.

        Returns
        -------
        self : SparseLogisticRegression
            The fitted estimator.
        """
        alpha = check_common(self)
        refuse_complex(X=X, y=y)
        X, y = validate_data(self, X, y, accept_sparse=["csc", "csr", "coo"], dtype=np.float64,
                             accept_large_sparse=True)
        self.classes_ = class_labels(y, "SparseLogisticRegression")
        if len(self.classes_) > 2:
            return self._fit_multinomial(X, y, alpha, sample_weight)
        y_pm = np.where(y == self.classes_[1], 1.0, -1.0)
        solver = resolve_solver(self.solver, _default_logistic_solver(), tol=self.tol,
                                max_iter=self.max_iter, verbose=self.verbose)
        w0, b0 = None, 0.0
        if self.warm_start and getattr(self, "coef_", None) is not None \
                and self.coef_.shape == (1, X.shape[1]):
            w0, b0 = self.coef_.ravel(), float(self.intercept_[0])
        datafit = Logistic()
        if sample_weight is not None:
            datafit = WeightedLogistic(check_sample_weight(sample_weight, X.shape[0]))
        w, res = solver.solve(datafit, L1(alpha), X, y_pm, w0,
                              fit_intercept=self.fit_intercept, intercept0=b0, check_input=False)
        self.coef_ = w.reshape(1, -1)
        self.intercept_ = np.array([res.intercept if self.fit_intercept else 0.0])
        self.dual_gap_ = float(res.dual_gap)
        self.n_iter_ = max(int(res.n_iter), 1)
        self.history_ = res.history
        self.solver_result_ = res
        return self

    def _fit_multinomial(self, X, y, alpha, sample_weight=None):
        """Row-group L1 multinomial fit (blocks = rows of W, Bohning bounds); sample weights
        (rescaled to sum to n_samples) ride on the one-hot targets."""
        K = len(self.classes_)
        Y = (y[:, None] == self.classes_[None, :]).astype(np.float64)
        if sample_weight is not None:
            sw = check_sample_weight(sample_weight, X.shape[0])
            Y *= (sw * (X.shape[0] / sw.sum()))[:, None]
        W0 = b0 = None
        if self.warm_start and getattr(self, "coef_", None) is not None \
                and self.coef_.shape == (K, X.shape[1]):
            W0, b0 = self.coef_.T, self.intercept_
        solver = resolve_solver(self.solver, BlockCoordinateDescent("cyclic", max_iter=100),
                                tol=self.tol, max_iter=self.max_iter, verbose=self.verbose)
        W, res = solver.solve(Multinomial(), GroupL2(alpha, groups=K), X, Y, W0,
                              fit_intercept=self.fit_intercept, intercept0=b0)
        self.coef_ = W.T.copy()
        self.intercept_ = res.intercept if self.fit_intercept else np.zeros(K)
        self.dual_gap_ = float(res.dual_gap)
        self.n_iter_ = max(int(res.n_iter), 1)
        self.history_ = res.history
        self.solver_result_ = res
        return self

    def predict_proba(self, X):
        """Class probabilities, columns ordered as ``classes_``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, 2)
        """
        scores = self.decision_function(X)
        if scores.ndim == 2:
            return softmax(scores, axis=1)
        p1 = expit(scores)
        return np.column_stack([1.0 - p1, p1])

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        log_proba : ndarray of shape (n_samples, 2)
        """
        s = self.decision_function(X)
        if s.ndim == 2:
            return log_softmax(s, axis=1)
        return np.column_stack([-np.logaddexp(0, s), -np.logaddexp(0, -s)])
