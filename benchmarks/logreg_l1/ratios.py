"""L1-logistic regression: time to a relative duality gap, sparseopt vs skglm, celer, sklearn.

Problems: scikit-learn's breast_cancer (standardised) and a simulated 500 x 2000
correlated design with labels sign(X w* + noise); alpha = alpha_max / 10 and / 100 with
alpha_max = ||X^T y||_inf / (2n); no intercept. The gap is computed the same way for every solver
(rescaled-residual dual point, sparseopt.utils.duality_gap); each solver's tol is swept and the
fastest run certified at gap / P0 <= 1e-6 (P0 = log 2) is reported, best of 3 warm runs, BLAS
pinned to one thread.

Run:  python benchmarks/logreg_l1/ratios.py [--solvers sparseopt skglm celer liblinear]
(saga needs minutes on the simulated alpha_max/100 cell.)
"""

import argparse
import time
import warnings

import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from sparseopt.datafits import Logistic
from sparseopt.datasets import make_correlated_data
from sparseopt.penalties import L1
from sparseopt.utils import duality_gap

TOLS = (1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10)


def solvers():
    import sklearn
    from sklearn.linear_model import LogisticRegression

    from sparseopt.linear_model import SparseLogisticRegression

    l1 = ({"l1_ratio": 1.0} if tuple(int(v) for v in sklearn.__version__.split(".")[:2]) >= (1, 8)
          else {"penalty": "l1"})
    out = {"sparseopt": lambda a, t, n: SparseLogisticRegression(alpha=a, fit_intercept=False,
                                                                 tol=t)}
    try:
        from skglm import SparseLogisticRegression as SkglmLogReg

        out["skglm"] = lambda a, t, n: SkglmLogReg(alpha=a, fit_intercept=False, tol=t,
                                                   max_iter=1000)
    except ImportError:
        pass
    try:
        from celer import LogisticRegression as CelerLogReg

        out["celer"] = lambda a, t, n: CelerLogReg(C=1 / (n * a), fit_intercept=False, tol=t,
                                                   max_iter=1000)
    except ImportError:
        pass
    out["sklearn saga"] = lambda a, t, n: LogisticRegression(
        C=1 / (n * a), solver="saga", fit_intercept=False, tol=t, max_iter=100_000, **l1)
    out["sklearn liblinear"] = lambda a, t, n: LogisticRegression(
        C=1 / (n * a), solver="liblinear", fit_intercept=False, tol=t, max_iter=100_000, **l1)
    return out


def time_to_gap(make, X, y, alpha, target=1e-6, repeat=3):
    n = X.shape[0]
    y_pm = np.where(y > 0, 1.0, -1.0)
    P0 = np.log(2.0)
    best = (np.inf, None, np.inf)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        make(alpha, 1e-3, n).fit(X, y)
        for tol in TOLS:
            times = []
            for _ in range(repeat):
                est = make(alpha, tol, n)
                t0 = time.perf_counter()
                est.fit(X, y)
                times.append(time.perf_counter() - t0)
            coef = np.ravel(est.coef_)
            rel = duality_gap(Logistic(), L1(alpha), X, y_pm, coef) / P0
            if rel <= target:
                best = (min(times), tol, rel)
                break
    return best


def main():
    Xb, yb = load_breast_cancer(return_X_y=True)
    Xb = StandardScaler().fit_transform(Xb)
    Xs, ys_cont, _ = make_correlated_data(500, 2000, rho=0.5, density=0.05, random_state=0)
    ys = (ys_cont > 0).astype(int)
    problems = {"breast_cancer (569 x 30)": (Xb, yb), "simulated (500 x 2000)": (Xs, ys)}
    ap = argparse.ArgumentParser()
    ap.add_argument("--solvers", nargs="*", default=None,
                    help="subset of: sparseopt skglm celer saga liblinear (default: all)")
    args = ap.parse_args()
    makers = solvers()
    if args.solvers:
        names = {"saga": "sklearn saga", "liblinear": "sklearn liblinear"}
        keep = {names.get(k, k) for k in args.solvers} | {"sparseopt"}
        makers = {k: v for k, v in makers.items() if k in keep}
    print("# L1 logistic, time to gap/P0 <= 1e-6, one BLAS thread")
    with threadpool_limits(1):
        for name, (X, y) in problems.items():
            X = np.asfortranarray(X)
            y_pm = np.where(y > 0, 1.0, -1.0)
            amax = np.max(np.abs(X.T @ y_pm)) / (2 * X.shape[0])
            for div in (10, 100):
                alpha = amax / div
                res = {k: time_to_gap(m, X, y, alpha) for k, m in makers.items()}
                print(f"\n## {name}, alpha = alpha_max/{div}")
                for k, (t, tol, rel) in res.items():
                    print(f"  {k:18s} {t:8.4f} s (tol={tol}, gap/P0={rel:.1e})")
                for k in res:
                    if k != "sparseopt":
                        print(f"  ratio sparseopt/{k}: {res['sparseopt'][0] / res[k][0]:.2f}")


if __name__ == "__main__":
    main()
