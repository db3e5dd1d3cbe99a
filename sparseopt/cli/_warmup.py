"""The tiny fits that ``sparseopt compile`` runs to put every Numba kernel in the disk cache.

``WARMUP_TASKS`` is data: ``name -> (what it covers, function)``. Each function fits on a few
dozen samples, so its cost is the compilation (or the loading from the cache), not the fit.
When an estimator, solver option or input type (sparse, complex, another dtype) reaches a new
kernel or a new kernel signature, add one entry here.
"""

import numpy as np
import scipy.sparse as sp


def _regression(n=40, p=30, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    y = X[:, :3] @ np.array([1.0, -2.0, 1.5]) + 0.1 * rng.standard_normal(n)
    return X, y


def _lasso():
    from ..linear_model import Lasso

    X, y = _regression()
    Lasso(alpha=0.05).fit(X, y)
    Lasso(alpha=0.05, fit_intercept=False).fit(X, y)
    Lasso(alpha=0.05).fit(sp.csc_matrix(X * (np.abs(X) > 1.0)), y)


def _lasso_path_cv():
    from ..linear_model import LassoCV, lasso_path

    X, y = _regression()
    lasso_path(X, y, n_alphas=5)
    LassoCV(n_alphas=5, cv=3).fit(X, y)


def _bcd_options():
    from ..linear_model import Lasso
    from ..solvers import BlockCoordinateDescent

    X, y = _regression()
    options = [dict(selection=s) for s in ("cyclic", "random", "lipschitz", "gs", "gsl", "gsd",
                                           "gsq")]
    options += [dict(selection="gsl", partition=part, block_size=4)
                for part in ("fixed", "sorted", "avg", "variable")]
    options += [dict(selection="gsl", block_size=4, update=upd) for upd in ("matrix", "newton")]
    options += [dict(working_set=False), dict(anderson=0), dict(screening=False),
                dict(polish=True), dict(selection="cyclic", working_set=False, random_state=0)]
    for opts in options:
        Lasso(alpha=0.05, solver=BlockCoordinateDescent(**opts)).fit(X, y)


def _logistic():
    from ..linear_model import SparseLogisticRegression

    X, y = _regression(n=60)
    SparseLogisticRegression(alpha=0.02).fit(X, y > 0)
    SparseLogisticRegression(alpha=0.02).fit(X, np.digitize(y, [-1.0, 1.0]))


def _group_sparse():
    from ..datasets import make_group_sparse_regression
    from ..linear_model import GroupSparseRegression

    X, y, _, groups, _ = make_group_sparse_regression(n_samples=30, n_groups=8, group_size=3,
                                                      n_groups_active=2, random_state=0)
    GroupSparseRegression(n_groups_active=2, groups=groups, alpha=0.05 * y.var()).fit(X, y)
    GroupSparseRegression(n_groups_active=2, groups=groups, alpha=0.05 * y.var(),
                          exact=False).fit(X, y)


def _glm_and_prox():
    from ..datafits import Logistic, Quadratic
    from ..linear_model import GeneralizedLinearEstimator
    from ..penalties import L1, GroupL2, GroupTopK, SparseEnvelope, WeightedGroupSparseEnvelope
    from ..solvers import BlockCoordinateDescent, ProximalGradient

    X, y = _regression()
    groups = np.repeat(np.arange(10), 3)
    penalties = [L1(0.05), GroupL2(0.05, groups), SparseEnvelope(3, alpha=0.05),
                 WeightedGroupSparseEnvelope(2, groups, alpha=0.05), GroupTopK(2, groups)]
    w = np.linspace(-1.0, 1.0, 30)
    for pen in penalties:
        pen.value(w)
        pen.prox(w, 0.5)
        if hasattr(pen, "conjugate"):
            pen.conjugate(w)
    for pen in penalties[:4]:
        GeneralizedLinearEstimator(Quadratic(), pen, solver=ProximalGradient()).fit(X, y)
    for pen in penalties:
        GeneralizedLinearEstimator(Quadratic(), pen).fit(X, y)
    GeneralizedLinearEstimator(Quadratic(), GroupL2(0.05, groups),
                               solver=BlockCoordinateDescent(selection="cyclic")).fit(X, y)
    GeneralizedLinearEstimator(Logistic(), L1(0.02)).fit(X, np.sign(y))


def _label_propagation():
    from sklearn.datasets import make_moons

    from ..semi_supervised import LabelPropagation
    from ..solvers import BlockCoordinateDescent

    X, y = make_moons(60, noise=0.05, random_state=0)
    y_obs = np.full(60, -1)
    y_obs[:6] = y[:6]
    LabelPropagation().fit(X, y_obs)
    LabelPropagation(kernel="rbf").fit(X, y_obs)
    solvers = [BlockCoordinateDescent(selection=sel, partition=part, block_size=None,
                                      update="message_passing")
               for sel in ("cyclic", "gsl") for part in ("tree", "color")]
    for solver in solvers:
        LabelPropagation(solver=solver, max_iter=50).fit(X, y_obs)


def _sbl():
    from ..bayes import SparseBayesianRegression

    X, y = _regression()
    SparseBayesianRegression(max_iter=5).fit(X, y)
    SparseBayesianRegression(max_iter=5, fit_intercept=False).fit(X, y + 0.5j * y)


def _kronecker_sbl():
    from ..bayes import KroneckerSBL, kronecker_omp
    from ..datasets import make_kronecker_sparse

    for shapes in (((6, 8), (6, 8)), ((4, 6), (4, 6), (3, 5))):
        for cplx in (False, True):
            factors, y, _ = make_kronecker_sparse(shapes, 2, 20.0, complex=cplx,
                                                  random_state=0)[:3]
            for method, structure in (("svd", "none"), ("am", "none"), ("am", "block")):
                KroneckerSBL(method, structure=structure, max_iter=3).fit(factors, y)
            kronecker_omp(factors, y, max_atoms=2)


def _colide():
    from ..dag import CoLiDE, simulate_linear_sem

    W = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, -1.5], [0.0, 0.0, 0.0]])
    X = simulate_linear_sem(W, 50, random_state=0)
    for variance in ("equal", "nonequal", "fixed"):
        CoLiDE(variance, n_stages=2, warm_iter=20, max_iter=40, check_every=10).fit(X)


def _multitask():
    from ..datasets import make_active_multitask
    from ..multitask import ActiveTaskSelector, LassoTaskRelevance, MultiTaskLinearRepresentation

    prob = make_active_multitask(n_features=8, n_components=2, n_tasks=6, n_relevant=2,
                                 n_target=10, random_state=0)
    ActiveTaskSelector(n_components=2, budget=120, random_state=0).fit(
        prob.X_target, prob.y_target, n_tasks=prob.n_tasks, sampler=prob.sample)
    rng = np.random.default_rng(0)
    pools = prob.pools(10, rng)
    X = np.vstack([Xt for Xt, _ in pools])
    y = np.concatenate([yt for _, yt in pools])
    task = np.repeat(np.arange(prob.n_tasks), 10)
    rep = MultiTaskLinearRepresentation(n_components=2, max_iter=5).fit(X, y, task=task)
    LassoTaskRelevance().fit(prob.X_target, prob.y_target, components=rep.components_,
                             task_heads=rep.task_heads_)


WARMUP_TASKS = {
    "lasso": ("Lasso (dense, sparse, with and without intercept)", _lasso),
    "lasso_path": ("lasso_path and LassoCV", _lasso_path_cv),
    "bcd": ("BlockCoordinateDescent selections, partitions, updates, working sets", _bcd_options),
    "logistic": ("SparseLogisticRegression, binary and multiclass", _logistic),
    "group": ("GroupSparseRegression (exact and convex)", _group_sparse),
    "glm": ("GeneralizedLinearEstimator, ProximalGradient, the penalties' prox", _glm_and_prox),
    "label_propagation": ("LabelPropagation (knn and rbf graphs)", _label_propagation),
    "sbl": ("SparseBayesianRegression, real and complex", _sbl),
    "kronecker": ("KroneckerSBL svd/am/block and kronecker_omp, 2 and 3 factors, real and "
                  "complex", _kronecker_sbl),
    "colide": ("CoLiDE equal, nonequal and fixed variance", _colide),
    "multitask": ("ActiveTaskSelector, MultiTaskLinearRepresentation, LassoTaskRelevance",
                  _multitask),
}
