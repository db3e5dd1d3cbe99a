"""Sparse-envelope prox time against np.sort(np.abs(x)) of the same vector, in one run; and
FISTA + GroupL2 against skglm's GroupLasso, time to the same duality gap.

Run:  python benchmarks/prox/ratios.py [--quick]
"""

import argparse
import time
import warnings

import numpy as np
from threadpoolctl import threadpool_limits

from sparseopt.datafits import Quadratic
from sparseopt.penalties import GroupL2, SparseEnvelope, WeightedGroupSparseEnvelope
from sparseopt.solvers import ProximalGradient
from sparseopt.utils import duality_gap


def best_of(f, repeat=5):
    f()  # warm-up (JIT)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return min(times)


def prox_scaling(sizes):
    rng = np.random.default_rng(0)
    print("# SEF prox (k = n/100, step 1) vs np.sort(np.abs(x)), best of 5, one thread")
    prev = None
    for n in sizes:
        x = rng.standard_normal(n)
        pen = SparseEnvelope(max(1, n // 100))
        t_prox = best_of(lambda x=x, pen=pen: pen.prox(x, 1.0))
        t_val = best_of(lambda x=x, pen=pen: pen.value(x))
        t_sort = best_of(lambda x=x: np.sort(np.abs(x)))
        growth = f", growth x{t_prox / prev:.1f} from n/10" if prev else ""
        print(f"  n={n:>9d}: prox {t_prox:.4f} s, value {t_val:.4f} s, sort {t_sort:.4f} s; "
              f"prox/sort {t_prox / t_sort:.2f}, value/sort {t_val / t_sort:.2f}{growth}")
        prev = t_prox
    m = 10**5
    x = rng.standard_normal(10 * m)
    pen = WeightedGroupSparseEnvelope(m // 100, 10)
    print(f"  WGSEF prox, {m} groups of 10: {best_of(lambda: pen.prox(x, 1.0)):.4f} s")


def group_lasso(n=500, p=2000, group_size=5):
    try:
        from skglm import GroupLasso
    except ImportError:
        print("skglm not installed: group-lasso comparison skipped")
        return
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n, p))
    w = np.zeros(p)
    w[: 10 * group_size] = rng.standard_normal(10 * group_size)
    y = X @ w + 0.5 * rng.standard_normal(n)
    m = p // group_size
    v = np.sqrt(np.bincount(np.repeat(np.arange(m), group_size), (X.T @ y / n) ** 2))
    alpha = v.max() / 10
    pen = GroupL2(alpha, group_size)
    P0 = 0.5 * y @ y / n
    target = 1e-6

    def ours(tol):
        return ProximalGradient(tol=tol, max_iter=10_000).solve(Quadratic(), pen, X, y)[0]

    def theirs(tol):
        return GroupLasso(groups=group_size, alpha=alpha, fit_intercept=False, tol=tol,
                          max_iter=1000).fit(X, y).coef_

    print(f"\n# group lasso n={n}, p={p}, groups of {group_size}: time to gap/P0 <= {target:g}")
    res = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, fit in (("sparseopt FISTA", ours), ("skglm GroupLasso", theirs)):
            best = np.inf
            for tol in (1e-4, 1e-6, 1e-8, 1e-10):
                coef = fit(tol)
                rel = duality_gap(Quadratic(), pen, X, y, coef) / P0
                if rel <= target:
                    best = best_of(lambda fit=fit, tol=tol: fit(tol), repeat=3)
                    break
            res[name] = best
            print(f"  {name:18s} {best:.4f} s (tol={tol})")
    print(f"  ratio sparseopt/skglm: {res['sparseopt FISTA'] / res['skglm GroupLasso']:.2f}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    sizes = [10**4, 10**5, 10**6] if args.quick else [10**5, 10**6, 10**7]
    with threadpool_limits(limits=1):
        prox_scaling(sizes)
        group_lasso()


if __name__ == "__main__":
    main()
