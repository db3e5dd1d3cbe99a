"""Forest-block message passing against scipy's sparse direct solver and CG on lattice systems.

Two forest solvers: repeated sweeps (forest block coordinate descent, cyclic) and forest-
preconditioned conjugate gradients (``krylov=True``, LabelPropagation's default; a lattice
splits into two forests, so CG runs on the Schur complement of the larger one, preconditioned
by the other one's tree solve). Its set-up (forest partition, ordering, tree factorisation)
is included in its time and also shown separately.

The system is label propagation's harmonic system on an n x n 4-neighbour lattice with
``n_labelled`` random labelled nodes (the paper's dataset D recipe: weights 1e5, labels
10 N(0, 1)), solved to a relative residual of 1e-8. One BLAS thread.

It then times the paper's datasets D and E, and kNN graphs of 2e4 and 2e5 points.

Run:  python benchmarks/label_propagation/ratios.py --sizes 100 300 1000
"""

import argparse
import time
import warnings

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import cg, spsolve
from threadpoolctl import threadpool_limits

from sparseopt.datafits import GraphQuadratic
from sparseopt.datasets._bcd_paper import lattice_affinity
from sparseopt.solvers import BlockCoordinateDescent, ForestSolver


def lattice_system(n, n_labelled, seed=0):
    rng = np.random.default_rng(seed)
    N = n * n
    W = lattice_affinity(n, 1e5)
    labelled = np.zeros(N, dtype=bool)
    labelled[rng.choice(N, n_labelled, replace=False)] = True
    y_l = 10 * rng.standard_normal(n_labelled)
    deg = np.asarray(W.sum(axis=1)).ravel()
    U = np.flatnonzero(~labelled)
    A = (sp.diags(deg[U]) - W[U][:, U]).tocsr()
    b = np.asarray(W[U][:, np.flatnonzero(labelled)] @ y_l).ravel()
    return A, b


def timed(f):
    t0 = time.perf_counter()
    out = f()
    return out, time.perf_counter() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="*", default=[100, 300, 1000])
    args = ap.parse_args()
    print("# lattice label propagation, relative residual 1e-8; seconds (iterations)")
    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # warm-up (JIT) on a tiny problem
        A0, b0 = lattice_system(10, 5)
        BlockCoordinateDescent(partition="tree", update="message_passing", block_size=None,
                               selection="cyclic").solve(GraphQuadratic(), None, A0, b0)
        ForestSolver().prepare(A0).solve(b0)
        for n in args.sizes:
            A, b = lattice_system(n, max(4, n * n // 25))
            bn = np.linalg.norm(b)
            (x, res), t_mp = timed(lambda A=A, b=b: BlockCoordinateDescent(
                partition="tree", update="message_passing", block_size=None,
                selection="cyclic", tol=1e-8, max_iter=10**7).solve(GraphQuadratic(), None, A, b))
            r_mp = np.linalg.norm(A @ x - b) / bn
            (pre, t_setup) = timed(lambda A=A: ForestSolver().prepare(A))
            (xk, res_k), t_k = timed(lambda b=b, pre=pre: pre.solve(b, tol=1e-8, max_iter=10**5))
            it_k = res_k.n_iter
            r_k = np.linalg.norm(A @ xk - b) / bn
            its = []
            (xc, _), t_cg = timed(lambda A=A, b=b: cg(A, b, rtol=1e-8, maxiter=10**6,
                                                      callback=lambda _: its.append(1)))
            r_cg = np.linalg.norm(A @ xc - b) / bn
            if n <= 300:
                xd, t_sp = timed(lambda A=A, b=b: spsolve(A.tocsc(), b))
                sp_txt = f"{t_sp:.3f}"
            else:
                sp_txt = "skipped"
            print(f"  n = {n}^2: forest sweeps {t_mp:.3f} s ({res.n_iter} forest updates, "
                  f"residual {r_mp:.1e}); forest-PCG ({pre.n_blocks} forests) "
                  f"{t_setup + t_k:.3f} s (set-up "
                  f"{t_setup:.3f} + solve {t_k:.3f}, {it_k} its, residual {r_k:.1e}); "
                  f"CG {t_cg:.3f} s ({len(its)} its, residual {r_cg:.1e}); spsolve {sp_txt} s"
                  f"\n      ratios to CG: sweeps {t_mp / t_cg:.2f}, forest-PCG "
                  f"{(t_setup + t_k) / t_cg:.2f} (solve only {t_k / t_cg:.2f})")


def paper_datasets(repeat=5):
    """Target: datasets D and E to 1e-8, within 3x of CG (best of ``repeat``)."""
    from sparseopt.datasets import make_bcd_paper_problem

    print("\n# paper datasets D and E (target: within 3x of CG), best of 5")
    for name in ("D", "E"):
        P = make_bcd_paper_problem(name)
        A, b = P.X.tocsr(), P.y
        row = []
        for label, kw in (("forest-PCG", dict(krylov=True)), ("forest sweeps", {})):
            solver = BlockCoordinateDescent(partition="tree", update="message_passing",
                                            block_size=None, selection="cyclic", tol=1e-8,
                                            max_iter=10**6, **kw)
            solver.solve(GraphQuadratic(), None, A, b)
            t = min(timed(lambda s=solver: s.solve(GraphQuadratic(), None, A, b))[1]
                    for _ in range(repeat))
            row.append((label, t))
        t_cg = min(timed(lambda: cg(A, b, rtol=1e-8, maxiter=10**6))[1] for _ in range(repeat))
        print(f"  {name} ({A.shape[0]} unknowns): CG {t_cg * 1e3:.2f} ms; " + "; ".join(
            f"{label} {t * 1e3:.2f} ms = {t / t_cg:.2f}x CG" for label, t in row))


def knn_graphs(sizes=(20_000, 200_000), k=7):
    """Label propagation's system on symmetrised kNN graphs of two moons (1% labelled)."""
    from sklearn.datasets import make_moons
    from sklearn.neighbors import kneighbors_graph

    from sparseopt.semi_supervised import harmonic_system

    print(f"\n# kNN graphs (two moons, k = {k}, 1% labelled), class 0, relative residual 1e-8")
    for N in sizes:
        X, y = make_moons(N, noise=0.06, random_state=0)
        W = kneighbors_graph(X, k, include_self=False)
        W = ((W + W.T) > 0).astype(float).tocsr()
        labelled = np.zeros(N, dtype=bool)
        labelled[np.random.default_rng(0).choice(N, N // 100, replace=False)] = True
        A, B = harmonic_system(W, labelled, np.eye(2)[y[labelled]])
        b = B[:, 0]
        (pre, t_setup) = timed(lambda A=A: ForestSolver().prepare(A))
        (x, res_k), t_k = timed(lambda b=b, pre=pre: pre.solve(b, tol=1e-8, max_iter=10**5))
        it = res_k.n_iter
        its = []
        (xc, _), t_cg = timed(lambda A=A, b=b: cg(A, b, rtol=1e-8, maxiter=10**6,
                                                  callback=lambda _: its.append(1)))
        res = np.linalg.norm(A @ x - b) / np.linalg.norm(b)
        print(f"  N = {N}: {pre.n_blocks} forests; forest-PCG "
              f"{t_setup + t_k:.3f} s (set-up {t_setup:.3f}, {it} its, residual {res:.1e}); "
              f"CG {t_cg:.3f} s ({len(its)} its); ratio {(t_setup + t_k) / t_cg:.2f}")


if __name__ == "__main__":
    main()
    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        paper_datasets()
        knn_graphs()
