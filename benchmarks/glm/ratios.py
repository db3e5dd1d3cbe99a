"""GLM catalogue: time to the same objective, sparseopt vs skglm and scikit-learn, in one run.

Cells (all without intercept, except Poisson on the real data, where every solver fits one):
ElasticNet (l1_ratio=0.5), WeightedLasso (weights uniform in [0.5, 1.5]), MCPRegression
(gamma=3), GroupLasso (contiguous groups of 5, unit weights), MultiTaskLasso, Huber (delta=1)
+ L1 and Poisson + L1, each at ``alpha = alpha_max / --div`` (``alpha_max`` of that model: the
smallest alpha whose solution is zero). Peers: skglm (estimators, or its
GeneralizedLinearEstimator with AndersonCD for Huber and ProxNewton for Poisson) and
scikit-learn where it has the model: ElasticNet, MultiTaskLasso, and WeightedLasso as a Lasso on
the columns divided by the weights (``coef = coef_sklearn / weights``; the rescaled design is
built once, outside the timing). Two more cells: the linear SVM (hinge loss, ``C = 0.01``, no
intercept; skglm's LinearSVC and scikit-learn's liblinear ``LinearSVC(loss='hinge')``, the
objective the hinge primal) on labels ``y > median(y)``, and Cox + L1 (Breslow; skglm's
CoxEstimator(method='breslow')) on simulated survival times (exponential, log hazard
``0.5 z / std(z)`` from the same sparse truth, 30% censored; simulated data only, as
scikit-learn bundles no survival data).

Data:
- ``simulated``: ``make_correlated_data(n, p, rho=0.5, snr=3, density=0.02)`` (Toeplitz
  correlation ``rho^|i-j|``, sparse Gaussian truth); Huber gets 5% of its targets replaced by
  gross outliers (Student t, 1 dof, times 10) and targets scaled to unit std; Poisson draws
  counts ``y ~ Poisson(exp(X w / ||X w||_std * 0.5))`` from the same sparse support;
  MultiTaskLasso uses 10 tasks whose row-sparse truth shares the support.
- ``real``: scikit-learn's bundled data only (no download). diabetes with degree-3 polynomial
  features, standardised (442 x 285), centred standardised target (Huber: the same target, so
  no outliers beyond the data's own); Poisson: the diabetes target divided by 25 and floored
  (counts 1..13) with an intercept; MultiTaskLasso: digits with degree-2 polynomial features of
  the non-constant pixels, standardised (1797 x 1952), one-hot labels centred (10 tasks).

Timing, "time to the same objective": every objective is evaluated here in numpy from each
solver's ``coef_`` (the libraries' own stopping rules are not comparable). A reference run of
every solver at a tight tolerance gives ``P*``, the smallest objective found by any run
(including the sweep runs). Each solver's own ``tol`` is then swept from 1e-2 down by factors
of 10; at each setting the fit is timed ``--repeat`` times after a warm-up fit (numba
compilation excluded) and the median kept; the time reported is that of the loosest setting
whose objective satisfies ``(P - P*) / |P*| <= --target`` (default 1e-6). A solver that never
reaches it is reported with its tightest setting and flagged ``*``. The nonconvex cell (MCP)
uses the same rule with ``P*`` the best local objective found by any solver from the same start
(zero, every solver's default); a solver that stalls at a worse stationary point is flagged,
and the objectives reached are printed. BLAS is pinned to one thread (threadpoolctl).

The table prints medians and the ratios ours / skglm and ours / scikit-learn; the raw rows
(every cell, solver, chosen tol, median time, objective, relative suboptimality) go to
``--csv``. The machine these numbers come from has 2 cores shared with other jobs: compare the
ratios of one run, not times across runs.

Run:  python benchmarks/glm/ratios.py                 (n=1000, p=5000 and the real data)
      python benchmarks/glm/ratios.py --quick         (n=200, p=500)
      python benchmarks/glm/ratios.py --cells elastic_net huber --data simulated
"""

import argparse
import csv
import time
import warnings

import numpy as np
from threadpoolctl import threadpool_limits

from sparseopt.datasets import make_correlated_data

TOLS = (1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10, 1e-11, 1e-12)
REF_TOL = 1e-12
CELLS = ("elastic_net", "weighted_lasso", "mcp", "group_lasso", "multitask_lasso", "huber",
         "poisson", "svc", "cox")
SVC_C = 0.01
L1_RATIO, GAMMA, GROUP_SIZE, DELTA, N_TASKS = 0.5, 3.0, 5, 1.0, 10


# ---------------------------------------------------------------------------- objectives
def _mcp_value(w, alpha, gamma):
    a = np.abs(w)
    return np.sum(np.where(a <= gamma * alpha, alpha * a - a * a / (2 * gamma),
                           0.5 * gamma * alpha * alpha))


def _huber_value(r, delta):
    a = np.abs(r)
    return np.mean(np.where(a <= delta, 0.5 * a * a, delta * a - 0.5 * delta * delta))


def _cox_value(y, z):
    """Breslow's negative partial log-likelihood, mean over samples (log-sum-exp of each risk
    set by a reversed cumulative logaddexp)."""
    order = np.argsort(y[:, 0], kind="stable")
    t, ev, zs = y[order, 0], y[order, 1], z[order]
    suffix = np.logaddexp.accumulate(zs[::-1])[::-1]
    first = np.r_[True, t[1:] != t[:-1]]
    group_start = np.maximum.accumulate(np.where(first, np.arange(t.size), 0))
    return float(np.sum(ev * (suffix[group_start] - zs)) / t.size)


def objective(cell, prob, coef, intercept):
    """The cell's objective at ``(coef, intercept)``, written out here in numpy."""
    X, y, alpha = prob["X"], prob["y"], prob["alpha"]
    z = X @ coef + intercept
    n = X.shape[0]
    if cell == "svc":  # the hinge primal
        return SVC_C * np.sum(np.maximum(0.0, 1.0 - y * z)) + 0.5 * coef @ coef
    if cell == "cox":
        return _cox_value(y, z) + alpha * np.sum(np.abs(coef))
    if cell == "multitask_lasso":
        R = y - z
        return 0.5 * np.sum(R * R) / n + alpha * np.sum(np.linalg.norm(coef, axis=1))
    if cell == "huber":
        return _huber_value(y - z, DELTA) + alpha * np.sum(np.abs(coef))
    if cell == "poisson":
        return np.mean(np.exp(z) - y * z) + alpha * np.sum(np.abs(coef))
    fit = 0.5 * np.sum((y - z) ** 2) / n
    if cell == "elastic_net":
        return fit + alpha * (L1_RATIO * np.sum(np.abs(coef))
                              + 0.5 * (1 - L1_RATIO) * coef @ coef)
    if cell == "weighted_lasso":
        return fit + alpha * np.sum(prob["weights"] * np.abs(coef))
    if cell == "mcp":
        return fit + _mcp_value(coef, alpha, GAMMA)
    if cell == "group_lasso":
        return fit + alpha * np.sum(np.linalg.norm(coef.reshape(-1, GROUP_SIZE), axis=1))
    raise ValueError(cell)


def alpha_max(cell, X, y, weights=None, fit_intercept=False):
    """Smallest alpha with a zero solution (intercept-only model for ``fit_intercept``)."""
    n = X.shape[0]
    if cell == "svc":
        return 1.0  # no alpha: C is fixed (SVC_C)
    if cell == "cox":
        from sparseopt.datafits import Cox

        return np.max(np.abs(X.T @ Cox().raw_grad(y, np.zeros(n))))
    if cell == "huber":
        g = np.clip(y, -DELTA, DELTA)
    elif cell == "poisson":
        g = y - (np.mean(y) if fit_intercept else 1.0)
    else:
        g = y
    G = X.T @ g / n
    if cell == "multitask_lasso":
        return np.max(np.linalg.norm(G, axis=1))
    if cell == "group_lasso":
        return np.max(np.linalg.norm(G.reshape(-1, GROUP_SIZE), axis=1))
    if cell == "elastic_net":
        return np.max(np.abs(G)) / L1_RATIO
    if cell == "weighted_lasso":
        return np.max(np.abs(G) / weights)
    return np.max(np.abs(G))


# ---------------------------------------------------------------------------- data
def simulated(n, p, seed=0):
    X, y, w = make_correlated_data(n, p, rho=0.5, snr=3, density=0.02, random_state=seed)
    rng = np.random.default_rng(seed)
    X = np.asfortranarray(X)
    support = np.flatnonzero(w)
    y_huber = y.copy()
    out = rng.choice(n, n // 20, replace=False)
    y_huber[out] += 10 * np.std(y) * rng.standard_t(1, size=out.size)
    y_huber /= np.std(y)
    z = X @ w
    y_pois = rng.poisson(np.exp(0.5 * z / np.std(z))).astype(float)
    W = np.zeros((p, N_TASKS))
    W[support] = rng.standard_normal((support.size, N_TASKS))
    Z = X @ W
    Y = Z + rng.standard_normal(Z.shape) * np.std(Z) / 3
    times = rng.exponential(np.exp(-0.5 * z / np.std(z)))
    y_cox = np.column_stack([times, rng.random(n) < 0.7]).astype(float)
    return {"X": X, "y": y, "y_huber": y_huber, "y_poisson": y_pois, "X_mt": X, "Y": Y,
            "poisson_intercept": False, "y_svc": np.where(y > np.median(y), 1.0, -1.0),
            "y_cox": y_cox}


def real():
    from sklearn.datasets import load_diabetes, load_digits
    from sklearn.preprocessing import PolynomialFeatures, StandardScaler

    X, y = load_diabetes(return_X_y=True)
    X = StandardScaler().fit_transform(PolynomialFeatures(3, include_bias=False).fit_transform(X))
    y_counts = np.floor(y / 25.0)
    y = (y - y.mean()) / y.std()
    Xd, labels = load_digits(return_X_y=True)
    Xd = Xd[:, Xd.std(axis=0) > 0]
    Xd = PolynomialFeatures(2, include_bias=False).fit_transform(Xd)
    Xd = StandardScaler().fit_transform(Xd[:, Xd.std(axis=0) > 1e-12])
    Y = np.eye(10)[labels]
    Y -= Y.mean(axis=0)
    return {"X": np.asfortranarray(X), "y": y, "y_huber": y, "y_poisson": y_counts,
            "X_mt": np.asfortranarray(Xd), "Y": Y, "poisson_intercept": True,
            "y_svc": np.where(y > 0, 1.0, -1.0), "y_cox": None}


def problem(cell, data, div, seed=0):
    """``{"X", "y", "alpha", "fit_intercept", ["weights", "X_w"]}`` of one cell."""
    X, y = data["X"], data["y"]
    prob = {"fit_intercept": False}
    if cell == "multitask_lasso":
        X, y = data["X_mt"], data["Y"]
    elif cell == "huber":
        y = data["y_huber"]
    elif cell == "poisson":
        y = data["y_poisson"]
        prob["fit_intercept"] = data["poisson_intercept"]
    elif cell in ("svc", "cox"):
        y = data[f"y_{cell}"]
        if y is None:  # no bundled survival data
            return None
    if cell == "group_lasso" and X.shape[1] % GROUP_SIZE:
        X = np.asfortranarray(X[:, : X.shape[1] - X.shape[1] % GROUP_SIZE])
    if cell == "weighted_lasso":
        weights = np.random.default_rng(seed).uniform(0.5, 1.5, X.shape[1])
        prob["weights"] = weights
        prob["X_w"] = np.asfortranarray(X / weights)
    prob.update(X=X, y=y)
    prob["alpha"] = alpha_max(cell, X, y, prob.get("weights"), prob["fit_intercept"]) / div
    return prob


# ---------------------------------------------------------------------------- solvers
def ours(cell, prob, tol):
    from sparseopt import linear_model as lm

    a, fi = prob["alpha"], prob["fit_intercept"]
    if cell == "elastic_net":
        return lm.ElasticNet(a, l1_ratio=L1_RATIO, fit_intercept=fi, tol=tol)
    if cell == "weighted_lasso":
        return lm.WeightedLasso(a, weights=prob["weights"], fit_intercept=fi, tol=tol)
    if cell == "mcp":
        return lm.MCPRegression(a, gamma=GAMMA, fit_intercept=fi, tol=tol)
    if cell == "group_lasso":
        n_groups = prob["X"].shape[1] // GROUP_SIZE
        return lm.GroupLasso(GROUP_SIZE, a, weights=np.ones(n_groups), fit_intercept=fi,
                             tol=tol)
    if cell == "multitask_lasso":
        return lm.MultiTaskLasso(a, fit_intercept=fi, tol=tol)
    if cell == "svc":
        return lm.LinearSVC(SVC_C, fit_intercept=False, tol=tol)
    if cell == "cox":
        return lm.CoxEstimator(a, l1_ratio=1.0, tol=tol)
    from sparseopt.datafits import Huber, Poisson
    from sparseopt.penalties import L1
    from sparseopt.solvers import BlockCoordinateDescent

    # GeneralizedLinearEstimator's own default solver, with the swept tol
    datafit, update = (Huber(DELTA), "gradient") if cell == "huber" else (Poisson(), "newton")
    solver = BlockCoordinateDescent(selection="cyclic", update=update, tol=tol)
    return lm.GeneralizedLinearEstimator(datafit, L1(a), solver, fit_intercept=fi)


def skglm_model(cell, prob, tol):
    import skglm

    a, fi = prob["alpha"], prob["fit_intercept"]
    kw = {"fit_intercept": fi, "tol": tol, "max_iter": 1000}
    if cell == "elastic_net":
        return skglm.ElasticNet(a, l1_ratio=L1_RATIO, **kw)
    if cell == "weighted_lasso":
        return skglm.WeightedLasso(a, weights=prob["weights"], **kw)
    if cell == "mcp":
        return skglm.MCPRegression(a, gamma=GAMMA, **kw)
    if cell == "group_lasso":
        n_groups = prob["X"].shape[1] // GROUP_SIZE
        return skglm.GroupLasso(GROUP_SIZE, a, weights=np.ones(n_groups), **kw)
    if cell == "multitask_lasso":
        return skglm.MultiTaskLasso(a, **kw)
    if cell == "svc":
        return skglm.LinearSVC(SVC_C, fit_intercept=False, tol=tol)
    if cell == "cox":
        return skglm.CoxEstimator(a, l1_ratio=1.0, method="breslow", tol=tol)
    from skglm.datafits import Huber, Poisson
    from skglm.penalties import L1
    from skglm.solvers import AndersonCD, ProxNewton

    if cell == "huber":
        return skglm.GeneralizedLinearEstimator(Huber(DELTA), L1(a), AndersonCD(**kw))
    return skglm.GeneralizedLinearEstimator(Poisson(), L1(a), ProxNewton(**kw))


def sklearn_model(cell, prob, tol):
    from sklearn import linear_model as sk

    a, fi = prob["alpha"], prob["fit_intercept"]
    kw = {"fit_intercept": fi, "tol": tol, "max_iter": 100_000}
    if cell == "elastic_net":
        return sk.ElasticNet(alpha=a, l1_ratio=L1_RATIO, **kw)
    if cell == "weighted_lasso":
        return sk.Lasso(alpha=a, **kw)
    if cell == "multitask_lasso":
        return sk.MultiTaskLasso(alpha=a, **kw)
    if cell == "svc":  # liblinear's dual coordinate descent
        from sklearn.svm import LinearSVC

        return LinearSVC(C=SVC_C, loss="hinge", dual=True, fit_intercept=False, tol=tol,
                         max_iter=1_000_000)
    return None


SOLVERS = {"sparseopt": ours, "skglm": skglm_model, "sklearn": sklearn_model}


def _fit(name, cell, prob, tol):
    """``(seconds, coef, intercept)`` of one fit, or None if the solver lacks the model."""
    est = SOLVERS[name](cell, prob, tol)
    if est is None:
        return None
    X = prob["X_w"] if (name == "sklearn" and cell == "weighted_lasso") else prob["X"]
    t0 = time.perf_counter()
    est.fit(X, prob["y"])
    dt = time.perf_counter() - t0
    coef = np.asarray(est.coef_, dtype=float)
    coef = coef.T if cell == "multitask_lasso" else coef.ravel()  # (n_features, n_tasks)
    if name == "sklearn" and cell == "weighted_lasso":
        coef = coef / prob["weights"]
    intercept = np.atleast_1d(getattr(est, "intercept_", 0.0)).astype(float)
    intercept = intercept if cell == "multitask_lasso" else float(intercept[0])
    return dt, coef, intercept


def run_cell(cell, prob, names, target, repeat):
    """Per solver: ``{"time", "tol", "obj", "rel", "ok"}`` (see the module docstring)."""
    sweeps, best = {}, np.inf
    for name in names:
        if _fit(name, cell, prob, TOLS[0]) is None:  # warm-up (numba compilation)
            continue
        _, coef, b = _fit(name, cell, prob, REF_TOL)
        best = min(best, objective(cell, prob, coef, b))
        sweeps[name] = []
    for name in sweeps:
        for tol in TOLS:
            runs = [_fit(name, cell, prob, tol) for _ in range(repeat)]
            obj = objective(cell, prob, runs[-1][1], runs[-1][2])
            sweeps[name].append((tol, float(np.median([r[0] for r in runs])), obj))
            best = min(best, obj)
            if (obj - best) / abs(best) <= target:
                break  # tighter settings only cost more
    out = {}
    for name, rows in sweeps.items():
        rels = [(t, s, o, (o - best) / abs(best)) for t, s, o in rows]
        hit = [r for r in rels if r[3] <= target]
        t, s, o, r = hit[0] if hit else rels[-1]
        out[name] = {"time": s, "tol": t, "obj": o, "rel": r, "ok": bool(hit)}
    return out, best


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="n=200, p=500 (smoke run)")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--target", type=float, default=1e-6)
    ap.add_argument("--div", type=float, default=20.0, help="alpha = alpha_max / div")
    ap.add_argument("--cells", nargs="*", default=list(CELLS), choices=CELLS)
    ap.add_argument("--data", nargs="*", default=["simulated", "real"],
                    choices=["simulated", "real"])
    ap.add_argument("--solvers", nargs="*", default=["sparseopt", "skglm", "sklearn"],
                    choices=list(SOLVERS))
    ap.add_argument("--csv", default="glm_ratios.csv")
    args = ap.parse_args()
    n, p = (200, 500) if args.quick else (1000, 5000)
    rows = []
    print(f"# GLM catalogue: time to (P - P*)/|P*| <= {args.target:g}, alpha = alpha_max/"
          f"{args.div:g}, median of {args.repeat}; simulated n={n}, p={p}, rho=0.5; "
          "BLAS threads = 1")
    with threadpool_limits(limits=1), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for dname in args.data:
            data = simulated(n, p) if dname == "simulated" else real()
            for cell in args.cells:
                prob = problem(cell, data, args.div)
                if prob is None:
                    continue
                res, best = run_cell(cell, prob, args.solvers, args.target, args.repeat)
                shape = "x".join(map(str, prob["X"].shape))
                for name, r in res.items():
                    rows.append({"data": dname, "shape": shape, "cell": cell, "solver": name,
                                 **r, "P*": best})
                    print(f"  {dname:9s} {cell:16s} {name:9s} {r['time']:8.4f} s  "
                          f"tol={r['tol']:.0e}  P={r['obj']:.10g}  rel={r['rel']:.1e}"
                          + ("" if r["ok"] else "  (target not reached)"), flush=True)
    with open(args.csv, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print_table(rows)
    print(f"\nraw rows: {args.csv}")


def print_table(rows):
    """Markdown table: one line per (data, cell), median times and the two ratios."""
    def fmt(r):
        return "-" if r is None else f"{r['time']:.3f}" + ("" if r["ok"] else "*")

    print("\n| data | cell | sparseopt (s) | skglm (s) | sklearn (s) | ours/skglm | "
          "ours/sklearn |")
    print("|---|---|---|---|---|---|---|")
    keys = dict.fromkeys((r["data"], r["shape"], r["cell"]) for r in rows)
    for d, shape, c in keys:
        by = {r["solver"]: r for r in rows if (r["data"], r["cell"]) == (d, c)}
        o, g, s = by.get("sparseopt"), by.get("skglm"), by.get("sklearn")
        ratio = lambda a, b: "-" if a is None or b is None else f"{a['time'] / b['time']:.2f}"  # noqa: E731
        print(f"| {d} ({shape}) | {c} | {fmt(o)} | {fmt(g)} | {fmt(s)} | {ratio(o, g)} | "
              f"{ratio(o, s)} |")
    print("(* = that solver never reached the target objective; its tightest run is shown)")


if __name__ == "__main__":
    main()
