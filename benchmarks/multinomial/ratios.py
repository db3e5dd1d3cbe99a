"""Row-group L1 multinomial logistic regression: sparseopt against cvxpy, in one run.

Problem: ``(1/n) sum_i [lse(z_i) - z_{i, y_i}] + alpha sum_j ||W_j||_2`` with an unpenalised
intercept (``SparseLogisticRegression`` with more than two classes). No peer library solves
this exact problem (skglm and celer have no multinomial datafit; scikit-learn's multinomial
L1 penalises entries, not rows), so the reference is cvxpy (Clarabel, an interior-point
solver): the table reports time and objective for both, and the objective difference
relative to the objective (negative: sparseopt lower). scikit-learn's saga on its own
entrywise-L1 problem (same alpha, ``C = 1 / (n alpha)``) is timed as context only.

Data: scikit-learn's digits (1797 x 64, 10 classes) and a simulated 1000 x 500, 5-class
problem, standardised; alpha = alpha_max / {10, 100}, alpha_max = max_j ||X_j^T (Y - Ybar)||/n.
One BLAS thread; sparseopt best of 3 warm runs at tol 1e-6 and 1e-9 (gap / P0).

Run:  python benchmarks/multinomial/ratios.py
"""

import time
import warnings

import numpy as np
from sklearn.datasets import load_digits, make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from sparseopt.linear_model import SparseLogisticRegression
from sparseopt.reference import multinomial_group_reference


def objective(X, Y, coef, intercept, alpha):
    Z = X @ coef.T + intercept
    Zm = Z.max(axis=1, keepdims=True)
    lse = (Zm + np.log(np.exp(Z - Zm).sum(axis=1, keepdims=True))).ravel()
    return float(np.mean(lse - (Z * Y).sum(axis=1)) + alpha * np.linalg.norm(coef, axis=0).sum())


def best_of(f, k=3):
    out, best = None, np.inf
    for _ in range(k):
        t0 = time.perf_counter()
        out = f()
        best = min(best, time.perf_counter() - t0)
    return out, best


def datasets():
    X, y = load_digits(return_X_y=True)
    X = X[:, X.std(axis=0) > 0]
    yield "digits", StandardScaler().fit_transform(X), y
    X, y = make_classification(1000, 500, n_informative=20, n_classes=5, n_clusters_per_class=1,
                               random_state=0)
    yield "simulated", StandardScaler().fit_transform(X), y


def main():
    print("# row-group L1 multinomial logistic regression (fit_intercept=True), one BLAS thread")
    print("  data        alpha        sparseopt 1e-6 s  1e-9 s   rows   cvxpy s   rel obj diff"
          "   time ratio (1e-9 / cvxpy)   saga (entrywise L1) s")
    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, X, y in datasets():
            n = X.shape[0]
            classes = np.unique(y)
            Y = (y[:, None] == classes[None, :]).astype(float)
            amax = float(np.max(np.linalg.norm(X.T @ (Y - Y.mean(axis=0)), axis=1)) / n)
            SparseLogisticRegression(alpha=amax / 10).fit(X, y)  # compile
            for div in (10, 100):
                alpha = amax / div
                _, t6 = best_of(lambda: SparseLogisticRegression(alpha=alpha, tol=1e-6).fit(X, y))
                clf, t9 = best_of(lambda: SparseLogisticRegression(alpha=alpha, tol=1e-9,
                                                                   max_iter=1000).fit(X, y))
                t0 = time.perf_counter()
                coef, b, _ = multinomial_group_reference(X, y, alpha, fit_intercept=True)
                t_cvx = time.perf_counter() - t0
                ours = objective(X, Y, clf.coef_, clf.intercept_, alpha)
                ref = objective(X, Y, coef, b, alpha)
                t0 = time.perf_counter()
                LogisticRegression(penalty="l1", C=1.0 / (n * alpha), solver="saga", tol=1e-4,
                                   max_iter=10_000).fit(X, y)
                t_saga = time.perf_counter() - t0
                rows = int(np.count_nonzero(np.linalg.norm(clf.coef_, axis=0)))
                print(f"  {name:10s} amax/{div:<4d}   {t6:10.3f} {t9:9.3f} {rows:6d} {t_cvx:9.2f}"
                      f"   {(ours - ref) / abs(ref):+.1e}        {t9 / t_cvx:10.4f}"
                      f"            {t_saga:8.2f}")


if __name__ == "__main__":
    main()
