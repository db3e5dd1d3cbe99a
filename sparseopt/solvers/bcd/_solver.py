"""``BlockCoordinateDescent``: its parameters, their validation, and the set-up of a run.

The run itself is one of three drivers: the working-set loop (:mod:`._loop`) over
coordinates (:mod:`._coordinates`), groups or rows (:mod:`._groups`), or the paper mode
(:func:`._coordinates.run_paper_mode`). Graph problems go to
:class:`~sparseopt.solvers.ForestSolver`.
"""

import math
import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning

from ...datafits import GraphQuadratic, Multinomial, QuadraticMultiTask
from ...datafits import dispatch as D
from ...penalties import L1
from ...penalties import dispatch as P
from ...utils import (
    ParamsMixin,
    check_bool,
    check_choice,
    check_nonnegative,
    check_positive_int,
    check_seed,
    progress,
)
from .._inputs import check_design, check_part, check_real_values
from .._result import SolverResult
from ..forest import ForestSolver
from ._coordinates import Coordinates, abs_row_sum_bound, run_paper_mode
from ._design import Design
from ._groups import Groups, Rows
from ._loop import run_working_sets
from ._problem import Problem, build_problem
from ._rules import PARTITIONS, SELECTION_RULES, SELECTIONS, UPDATES
from ._starts import solve_from_two_starts, wants_second_start


class BlockCoordinateDescent(ParamsMixin):
    r"""Block coordinate descent for ``min_w F(Xw) + Psi(w)`` with smooth ``F``, separable ``Psi``.

    Parameters
    ----------
    selection : {'cyclic', 'random', 'lipschitz', 'gs', 'gsl', 'gsd', 'gsq'}, default='gsl'
        Which block to update (rules of Nutini et al. 2022; see Notes for what each maximises).
    partition : {'fixed', 'order', 'sorted', 'avg', 'variable', 'tree', 'color'}, default='fixed'
        'fixed' (= 'order'): contiguous blocks; 'sorted': blocks of coordinates with similar
        Lipschitz constants (the paper's best fixed partition, recommended for greedy rules);
        'avg': blocks with similar average constants (smallest and largest interleaved);
        'variable': any ``block_size`` coordinates chosen afresh at every update.
        GraphQuadratic only: 'tree' (forests of the graph, grown greedily; with 'gs'/'gsl' a
        maximal forest is regrown every iteration, the paper's greedy tree) and 'color'
        (independent sets, red-black on a lattice); ``block_size=None`` leaves them unbounded.
    block_size : int, default=1
        Coordinates per block (the paper's tau). Must not exceed ``n_features``.
    update : {'gradient', 'matrix', 'newton', 'two_metric', 'message_passing'}, default='gradient'
        'gradient': proximal step ``1/L_b``; 'matrix': minimise the quadratic bound with the block
        matrix ``H_b`` (exact for least squares); 'newton': the block Hessian with an Armijo
        backtracking line search (identical to 'matrix' for least squares);
        'two_metric' (non-negative problems, ``L1(alpha, positive=True)``): the two-metric
        projection of Gafni and Bertsekas, a scaled gradient step on the coordinates held at
        the bound and a Newton step (block Hessian) on the others, projected onto ``w >= 0``
        with an Armijo search (the paper's 'TMP'; cheaper than the exact block QP);
        'message_passing' (GraphQuadratic, forest blocks): the exact block solve by tree
        elimination in ``O(|b|)``; a block whose graph has a cycle is refused. GraphQuadratic
        problems are handed to :class:`~sparseopt.solvers.ForestSolver`
        (see :meth:`to_forest_solver`).
    working_set : {'auto', True, False}, default='auto'
        Working-set outer loop (on for a nonzero penalty with 'auto'). Off is "paper mode": one
        iteration is one block update over all coordinates.
    p0 : int, default=10
        Smallest working-set size.
    anderson : int, default=5
        Anderson extrapolation memory for the inner solver (0 disables).
    screening : bool, default=True
        Gap Safe screening of coordinates that are zero at every optimum.
    convex_start : bool, default=True
        Nonconvex penalties with a convex surrogate (MCP, SCAD, L0.5, L2/3, log-sum: an L1
        penalty with their slope at zero; group MCP: the group lasso): besides the run from
        ``w0`` (or zero), solve the surrogate and run again from its solution, and return the
        stationary point with the lower objective (``result.start`` says which). The answer
        is never worse than the single run; it costs about three runs (``result.n_iter``,
        ``n_epochs`` and ``history`` are those of the kept run).
    polish : bool, default=False
        Least squares (Lasso): once the support and signs are unchanged for two outer
        iterations, try the exact Newton step on the support (solve
        ``X_S^T X_S v = X_S^T y - n alpha s``); kept only if the signs hold and the objective
        drops. This is the superlinear phase after active-set identification; it lands on the
        exact solution (gap ~ 1e-12) but on the benchmark designs the signs settle only near
        the end, so it is off by default (it cost up to 1.4x there).
    krylov : bool, default=False
        GraphQuadratic only (``partition='tree'`` or ``'color'``, ``selection='cyclic'``,
        ``update='message_passing'``): solve the system by conjugate gradients preconditioned
        with exact forest solves (message passing) instead of repeating the sweeps. With two
        forests (any 4-neighbour lattice) CG runs on the Schur complement of the larger
        forest, preconditioned by the other one's tree solve: two tree solves per iteration,
        ~2.5x fewer iterations than plain CG and faster than scipy's CG on a 10^6-node lattice.
        With more forests, the largest is eliminated and one symmetric sweep over the others
        (forward, then backward) is the preconditioner. Same solution, far fewer passes than
        the sweeps (about 7x on the paper's lattice); ``max_iter`` then counts CG iterations
        (None: 1000) and ``n_updates`` the forest solves.
    max_iter : int or None, default=None
        Outer iterations (working-set subproblems, each followed by a gap check, so
        ``max_iter=1`` solves one subproblem), or block updates in paper mode. None: 100
        outer iterations, or ``1000 * ceil(n_features / block_size)`` updates.
    max_epochs : int, default=50_000
        Budget of inner epochs over the whole run.
    tol : float, default=1e-6
        Stop when the duality gap is below ``tol * P0``, ``P0`` the objective at ``w = 0``
        (with the best intercept). Without penalty: gradient norm below ``tol`` times its
        initial value.
    gap_freq : int or None, default=None
        Inner epochs between gap checks (None: 10), or block updates between checks in paper
        mode (None: ``ceil(n_features / block_size)``; 1 logs every update). Multi-task least
        squares checks its subproblems after every epoch (the row steps give the criterion).
    random_state : int, Generator or None, default=None
        Seed of the random rules ('random', 'lipschitz', 'cyclic' with variable blocks).
    verbose : int, default=0
        0 silent, 1 one line per outer iteration.

    Notes
    -----
    With ``g = grad F(w)``, fixed blocks ``b`` and block constants ``L_b = lambda_max(H_b)``
    (``H_b = c X_b^T X_b / n``, ``c = 1`` least squares, ``1/4`` logistic), the greedy rules pick
    the block that maximises the progress guaranteed by their update:

    - 'gs' (Gauss-Southwell): ``||g_b||_2``;
    - 'gsl' (Gauss-Southwell-Lipschitz): ``||g_b||_2^2 / (2 L_b)``, the guaranteed decrease of
      the ``1/L_b`` gradient step;
    - 'gsd' (Gauss-Southwell-diagonal): ``sum_b g_j^2 / (2 d_j)`` with the valid diagonal bound
      ``d_j = c/n (|X|^T |X| 1)_j >= sum_i |H_ji|``;
    - 'gsq' (Gauss-Southwell-quadratic): ``g_b^T H_b^{-1} g_b / 2``, the decrease of the matrix
      step (with a penalty: of the exact proximal block model), ``H_b`` cached per fixed block.
      With variable blocks the best ``tau``-sparse step is NP-hard; it is approximated by
      greedy forward selection on the global quadratic model (orthogonal matching pursuit:
      add the coordinate with the best GS-q score at the model gradient, re-minimise the
      model over the chosen ones, repeat; ``tau`` passes over the working set's columns).
      Iterative hard thresholding of that model, started from the GS-L block, was tried
      first and never left its starting support (it reduced to 'gsl').

    With variable blocks the same per-coordinate scores are ranked and the top ``block_size``
    taken ('gsl' then uses ``d_j = L_j``, reported as ``effective_selection='gsd(L)'``).

    For a nonsmooth L1 penalty the rules are the proximal Gauss-Southwell variants
    (Nutini et al., ICML 2015): 'gs' is **GS-s** (distance of ``-g_j`` to the subdifferential);
    'gsl' and 'gsd' are **GS-q** (the decrease guaranteed by the proximal step with constant
    ``L_b``, resp. ``d_j``), summed over the block. GS-r (the step length) is not offered as a
    selection: it has no rate guarantee.

    The working-set loop computes one full gradient per outer iteration, the duality gap at the
    rescaled residual dual point (the same point for every rule, so gaps are comparable), Gap Safe
    screening, and a working set of the top GS-q scores plus the current support; the inner
    solver runs the chosen (selection, partition, update) on the working set. The same loop runs
    block penalties (:class:`~sparseopt.penalties.GroupL2`: blocks are whole groups) and the
    multinomial loss with a group penalty on the rows of the coefficient matrix
    (``solve(Multinomial(), GroupL2(alpha, groups=n_classes), X, Y)``, ``Y`` one-hot).

    References
    ----------
    .. [1] J. Nutini, I. Laradji, M. Schmidt, "Let's Make Block Coordinate Descent Converge
       Faster", JMLR 23(131), 2022, arXiv:1712.08859.
    .. [2] J. Nutini et al., "Coordinate Descent Converges Faster with the Gauss-Southwell Rule
       Than Random Selection", ICML 2015.
    .. [3] E. Ndiaye et al., "Gap Safe Screening Rules for Sparsity Enforcing Penalties",
       JMLR 18, 2017.

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.datafits import Quadratic
    >>> from sparseopt.penalties import L1
    >>> from sparseopt.solvers import BlockCoordinateDescent
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((50, 20)); y = X[:, 0] - 2 * X[:, 3]
    >>> solver = BlockCoordinateDescent(selection="gsl", partition="sorted", block_size=4)
    >>> w, res = solver.solve(Quadratic(), L1(0.1), X, y)
    >>> res.converged, np.flatnonzero(w).tolist()
    (True, [0, 3])
    """

    def __init__(self, selection="gsl", partition="fixed", block_size=1, update="gradient", *,
                 working_set="auto", p0=10, anderson=5, screening=True, convex_start=True,
                 polish=False, krylov=False, max_iter=None,
                 max_epochs=50_000, tol=1e-6, gap_freq=None, random_state=None, verbose=0):
        self.selection = selection
        self.partition = partition
        self.block_size = block_size
        self.update = update
        self.working_set = working_set
        self.p0 = p0
        self.anderson = anderson
        self.screening = screening
        self.convex_start = convex_start
        self.polish = polish
        self.krylov = krylov
        self.max_iter = max_iter
        self.max_epochs = max_epochs
        self.tol = tol
        self.gap_freq = gap_freq
        self.random_state = random_state
        self.verbose = verbose

    def __repr__(self):
        return (f"BlockCoordinateDescent(selection={self.selection!r}, "
                f"partition={self.partition!r}, block_size={self.block_size!r}, "
                f"update={self.update!r})")

    # ------------------------------------------------------------------ validation
    def _validated(self, n_features):
        check_choice("selection", self.selection, SELECTIONS)
        check_choice("partition", self.partition, PARTITIONS)
        check_choice("update", self.update, UPDATES)
        tau = check_positive_int("block_size", self.block_size)
        if tau > n_features:
            raise ValueError(f"block_size={tau} is larger than n_features={n_features}.")
        if not (isinstance(self.working_set, str) and self.working_set == "auto"
                or isinstance(self.working_set, bool | np.bool_)):
            raise ValueError(
                f"working_set={self.working_set!r} is not valid; expected 'auto', True or False.")
        check_positive_int("p0", self.p0)
        check_positive_int("anderson", self.anderson, minimum=0)
        for name in ("screening", "convex_start", "polish", "krylov"):
            check_bool(name, getattr(self, name))
        if self.random_state is not None:
            check_seed(self.random_state)
        check_positive_int("max_iter", self.max_iter, allow_none=True)
        check_positive_int("max_epochs", self.max_epochs)
        check_positive_int("gap_freq", self.gap_freq, allow_none=True)
        tol = check_nonnegative("tol", self.tol)
        return tau, tol

    def _check_penalty(self, penalty, tau):
        """The penalty must have kernels and a coordinate- or block-wise prox."""
        if getattr(penalty, "structure", None) == "vector":
            raise ValueError(
                f"penalty: {type(penalty).__name__} has a whole-vector prox (it couples all "
                "coordinates/groups), so block coordinate descent cannot use it block-wise; "
                "use sparseopt.solvers.ProximalGradient.")
        known = (P.BLOCK_CODES if getattr(penalty, "structure", None) == "block"
                 else P.SEPARABLE_CODES)
        if getattr(penalty, "code", -1) not in known or not hasattr(penalty, "kernel_params"):
            raise TypeError(
                f"penalty must be a penalty with block coordinate descent kernels (a "
                f"separable or block penalty of sparseopt.penalties) or None, got "
                f"{type(penalty).__name__}; other penalties are solved by ProximalGradient.")
        if penalty.structure == "block":
            self._check_block_options(tau)
        if self.update == "two_metric" and not (isinstance(penalty, L1)
                                                and penalty.kernel_params()[1] != 0.0):
            raise ValueError("update='two_metric' is the two-metric projection for non-negative "
                             "problems: it needs penalty=L1(alpha, positive=True).")
        return check_nonnegative("alpha", penalty.alpha)

    def _check_block_options(self, tau):
        """Block penalties run blocks = groups, cyclic, 1/L_G proximal gradient steps."""
        if self.selection != "cyclic":
            raise ValueError(
                f"selection={self.selection!r} is not available with GroupL2: blocks are whole "
                "groups updated cyclically (the working set is built greedily); use 'cyclic'.")
        if self.partition not in ("fixed", "order"):
            raise ValueError(
                f"partition={self.partition!r} is not available with GroupL2: the blocks are the "
                "penalty's groups (use 'fixed'); a block never splits a group.")
        if self.update != "gradient":
            raise ValueError(
                f"update={self.update!r} is not available with GroupL2; use 'gradient'.")
        if tau != 1:
            raise ValueError(
                f"block_size={tau}: with GroupL2 a block is one group (block_size counts groups "
                "and must be 1).")

    def _default_max_iter(self, paper_mode, n_features, tau):
        if self.max_iter is not None:
            return self.max_iter
        return 1000 * math.ceil(n_features / tau) if paper_mode else 100

    # ------------------------------------------------------------------ graphs
    def to_forest_solver(self):
        """The :class:`~sparseopt.solvers.ForestSolver` this configuration runs on
        GraphQuadratic problems (ValueError if it is not a forest configuration)."""
        if self.partition not in ("tree", "color"):
            raise ValueError(f"partition={self.partition!r}: GraphQuadratic uses forest blocks, "
                             "partition='tree' (or independent sets, 'color').")
        if self.update != "message_passing":
            raise ValueError(f"update={self.update!r}: GraphQuadratic blocks are solved exactly "
                             "by update='message_passing'.")
        forest_rules = tuple(r.name for r in SELECTION_RULES.values() if r.forest)
        if self.selection not in forest_rules:
            raise ValueError(f"selection={self.selection!r}: forest blocks support "
                             f"{', '.join(map(repr, forest_rules))}.")
        return ForestSolver(self.selection, self.partition, self.block_size,
                            krylov=self.krylov, max_iter=self.max_iter, tol=self.tol,
                            check_every_update=self.gap_freq == 1,
                            random_state=self.random_state)

    # ------------------------------------------------------------------ main entry
    def solve(self, datafit, penalty, X, y, w0=None, *, fit_intercept=False, intercept0=None,
              check_input=True):
        """Minimise ``datafit(X w + intercept) + penalty(w)``.

        Parameters
        ----------
        datafit : Quadratic, Logistic, Multinomial or GraphQuadratic
        penalty : L1, GroupL2 or None
            None is the unpenalised problem. With Multinomial: ``GroupL2(alpha,
            groups=n_classes)``, the group norm of each row of the coefficient matrix.
        X : {ndarray, sparse matrix} of shape (n_samples, n_features)
            Dense (C- or F-ordered) or any scipy sparse format (converted to CSC). With
            GraphQuadratic: the sparse SPD matrix ``A``.
        y : ndarray of shape (n_samples,), or (n_samples, n_classes) one-hot for Multinomial
            Targets (in {-1, 1} for Logistic; the right-hand side ``b`` for GraphQuadratic).
        w0 : ndarray of shape (n_features,) or (n_features, n_classes), default=None
            Warm start (not modified).
        fit_intercept : bool, default=False
            Fit an unpenalised intercept.
        intercept0 : float or ndarray of shape (n_classes,), default=None
            Initial intercept (None: 0, or the log class frequencies for Multinomial).
        check_input : bool, default=True
            Check that ``X`` is finite. The estimators, which have checked it already, pass
            False to skip a second pass over the data (scikit-learn's ``check_input``); its
            type, shape and dtype are checked either way.

        Returns
        -------
        w : ndarray of shape (n_features,), or (n_features, n_classes) for Multinomial
        result : SolverResult
        """
        check_bool("convex_start", self.convex_start)
        if wants_second_start(self, penalty):
            return solve_from_two_starts(self._solve_one, datafit, penalty, X, y, w0,
                                         fit_intercept=fit_intercept, intercept0=intercept0,
                                         check_input=check_input)
        return self._solve_one(datafit, penalty, X, y, w0, fit_intercept=fit_intercept,
                               intercept0=intercept0, check_input=check_input)

    def _solve_one(self, datafit, penalty, X, y, w0=None, *, fit_intercept=False,
                   intercept0=None, check_input=True):
        """One run of :meth:`solve` from ``w0``."""
        if isinstance(datafit, GraphQuadratic):
            return self.to_forest_solver().solve(X, y, w0)
        if self.partition in ("tree", "color") or self.update == "message_passing":
            raise ValueError(
                f"partition={self.partition!r} / update={self.update!r}: forest blocks and "
                "message passing need the GraphQuadratic datafit (a sparse SPD system).")
        check_part("datafit", datafit, ("value", "raw_grad"))
        check_part("penalty", penalty, ("value", "prox"), allow_none=True)
        X, y = check_design(X, finite=check_bool("check_input", check_input)), \
            check_real_values("y", y)
        if hasattr(datafit, "check_y"):  # targets in the datafit's domain
            datafit.check_y(y)
        w0 = None if w0 is None else check_real_values("w0", w0)
        fit_intercept = check_bool("fit_intercept", fit_intercept)
        intercept0 = None if intercept0 is None else check_real_values("intercept0", intercept0)
        n_samples, n_features = X.shape
        tau, tol = self._validated(n_features)
        penalty = L1(0.0) if penalty is None else penalty
        alpha = self._check_penalty(penalty, tau)
        penalty.check_n_features(n_features)
        penalty = penalty.for_solve() if hasattr(penalty, "for_solve") else penalty
        if isinstance(datafit, Multinomial | QuadraticMultiTask):
            return self._solve_rows(datafit, penalty, alpha, X, y, w0, fit_intercept, intercept0,
                                    tol)
        if hasattr(datafit, "with_linear_term"):  # the SVM dual: its linear term joins the box
            penalty = datafit.with_linear_term(penalty)
        offsets = None
        if hasattr(datafit, "reduce_problem"):  # sample weights: an equivalent problem
            datafit, X, y, offsets = datafit.reduce_problem(X, y, fit_intercept)
            fit_intercept = fit_intercept and offsets is None
        if getattr(datafit, "code", -1) not in D.CODES:
            raise TypeError(f"datafit must be a datafit of sparseopt.datafits with kernels, "
                            f"got {type(datafit).__name__}.")
        self._check_curvature(datafit, tau)
        y = np.ascontiguousarray(y, dtype=np.float64)
        if y.shape != (n_samples,):
            raise ValueError(f"y must have shape ({n_samples},), got {y.shape}.")
        w = np.zeros(n_features) if w0 is None else np.array(w0, dtype=np.float64, copy=True)
        if w.shape != (n_features,):
            raise ValueError(f"w0 must have shape ({n_features},), got {w.shape}.")
        paper_mode = self.working_set is False or (self.working_set == "auto" and alpha == 0.0)
        max_iter = self._default_max_iter(paper_mode, n_features, tau)
        pb, center = build_problem(datafit, penalty, alpha, X, y, w, fit_intercept, intercept0,
                                   tol, tau, self.random_state)
        result = SolverResult(effective_selection="gsd(L)" if (
            self.selection == "gsl" and self.partition == "variable" and tau > 1)
            else self.selection)
        Dg = (abs_row_sum_bound(pb.design.X, pb.parts[6]) if self.selection == "gsd"
              else np.zeros(0))
        pb.report = progress(total=None if paper_mode else max_iter, desc="BCD",
                             verbose=self.verbose)
        kw = dict(max_iter=max_iter, max_epochs=self.max_epochs, freq=self.gap_freq or 10,
                  anderson=self.anderson)
        try:
            if penalty.structure == "block":
                run_working_sets(Groups(pb, self, paper_mode), result, **kw)
            elif paper_mode:
                run_paper_mode(pb, self, result, Dg, max_iter)
            else:
                run_working_sets(Coordinates(pb, self, result, Dg), result, **kw)
        finally:
            pb.report.close()
        result.intercept = float(pb.intercept[0])
        if center is not None:
            result.intercept = center[1] - float(center[0] @ pb.w)
        if offsets is not None:
            result.intercept = offsets[1] - float(offsets[0] @ pb.w)
        return pb.w, self._finish(result, pb, max_iter)

    def _check_curvature(self, datafit, tau):
        """A datafit without a global curvature bound (Poisson, Gamma) needs proximal Newton
        steps on single coordinates."""
        if np.isfinite(datafit.curvature):
            return
        if (self.update != "newton" or self.selection != "cyclic" or tau != 1
                or self.partition == "variable"):
            raise ValueError(
                f"datafit {type(datafit).__name__} has no global curvature bound, so "
                f"update={self.update!r} / selection={self.selection!r} / block_size={tau} "
                "cannot be used: use update='newton' with selection='cyclic' and "
                "block_size=1 (proximal Newton).")

    def _finish(self, result, pb, max_iter):
        result.history = pb.history.arrays()
        result.n_extrapolations = pb.n_extrapolations
        if not result.converged:
            # name the budget that ran out: more outer iterations do not help once the
            # inner epochs are spent
            advice = (f"The budget of max_epochs={self.max_epochs} inner epochs ran out: "
                      "increase max_epochs (BlockCoordinateDescent(max_epochs=...)) or tol."
                      if getattr(result, "n_epochs", 0) >= self.max_epochs
                      else "Increase max_iter or tol.")
            warnings.warn(
                f"BlockCoordinateDescent did not converge within max_iter={max_iter}"
                f" (max_epochs={self.max_epochs}) to tol={self.tol}: final relative criterion "
                f"{result.rel_gap:.3e}. {advice}",
                ConvergenceWarning, stacklevel=4)
        return result

    def _solve_rows(self, datafit, penalty, alpha, X, Y, W0, fit_intercept, b0, tol):
        """A group penalty on the rows of ``W``: the multinomial loss (Bohning row bounds) or
        multi-task least squares (exact row steps)."""
        n, p = X.shape
        Y = np.ascontiguousarray(Y, dtype=np.float64)
        if Y.ndim != 2 or Y.shape[0] != n:
            what = "one-hot" if isinstance(datafit, Multinomial) else "2-D"
            raise ValueError(f"y must be {what} of shape ({n}, n_classes), got {Y.shape}.")
        n_classes = Y.shape[1]
        rows = np.arange(0, p * n_classes + 1, n_classes)
        if penalty.structure == "block":
            ptr, idx, _, _ = penalty.encoding(p * n_classes)
        if (penalty.structure != "block" or len(ptr) != p + 1 or np.any(ptr != rows)
                or np.any(idx != np.arange(p * n_classes))):
            raise ValueError(f"penalty: with {type(datafit).__name__} the blocks are the rows "
                             "of the (n_features, n_classes) coefficient matrix: use "
                             "GroupL2(alpha, groups=n_classes).")
        if getattr(penalty, "positive", False):
            raise ValueError(f"penalty: a sign constraint (positive=True) is not supported on "
                             f"the rows of {type(datafit).__name__}'s coefficient matrix.")
        center = None
        if fit_intercept and getattr(datafit, "is_least_squares", False) and not sp.issparse(X):
            # multi-task least squares on dense data: centre instead of an intercept variable
            center = (np.asarray(X.mean(axis=0)).ravel(), Y.mean(axis=0))
            X, Y, fit_intercept, b0 = X - center[0], Y - center[1], False, None
        design = Design.of(X)
        W = np.zeros((p, n_classes)) if W0 is None else np.array(W0, dtype=np.float64, copy=True)
        if W.shape != (p, n_classes):
            raise ValueError(f"w0 must have shape ({p}, {n_classes}), got {W.shape}.")
        null = datafit.null_intercept(Y)
        if b0 is not None:
            b = np.array(b0, dtype=np.float64, copy=True) * np.ones(n_classes)
        else:
            b = null.copy() if fit_intercept else np.zeros(n_classes)
        Z0 = np.broadcast_to(null if fit_intercept else 0.0 * null, Y.shape)
        P0 = datafit.value(Y, Z0)
        grad_ref = 1.0
        if penalty.certificate != "dual_gap":  # the fixed-point criterion's reference
            grad_ref = float(np.max(np.linalg.norm(
                np.asarray(design.X.T @ datafit.raw_grad(Y, Z0)), axis=1), initial=0.0))
        parts = (-1, np.zeros(0), False, int(penalty.code), penalty.kernel_params(),
                 bool(penalty.is_zero()), 0.5)
        pb = Problem(design=design, y=Y, y_dual=Y, datafit=datafit, penalty=penalty,
                     parts=parts, alpha=alpha, w=W,
                     z=design.affine(W, b), intercept=b,
                     kernel_intercept=bool(fit_intercept),
                     L=datafit.row_lipschitz(design.X, Y), P0=P0, tol=tol,
                     random_state=self.random_state, grad_ref=grad_ref)
        max_iter = self.max_iter or 100
        desc = "Multinomial BCD" if isinstance(datafit, Multinomial) else "Multi-task BCD"
        pb.report = progress(total=max_iter, desc=desc, verbose=self.verbose)
        result = SolverResult(effective_selection="cyclic")
        rows = Rows(pb, self, self.working_set is not False, self.gap_freq or 10)
        try:
            run_working_sets(rows, result, max_iter=max_iter,
                             max_epochs=self.max_epochs, freq=self.gap_freq or 10,
                             anderson=self.anderson)
        finally:
            pb.report.close()
        result.intercept = b if fit_intercept else np.zeros(n_classes)
        if center is not None:
            result.intercept = center[1] - center[0] @ W
        return W, self._finish(result, pb, max_iter)


def bcd_solve(datafit, penalty, X, y, *, w0=None, fit_intercept=False, **params):
    """Functional twin of :meth:`BlockCoordinateDescent.solve`.

    Parameters
    ----------
    datafit, penalty, X, y, w0, fit_intercept
        As in :meth:`BlockCoordinateDescent.solve`.
    **params
        Constructor parameters of :class:`BlockCoordinateDescent`.

    Returns
    -------
    w : ndarray of shape (n_features,)
    result : SolverResult

    Examples
    --------
    >>> import numpy as np
    >>> from sparseopt.datafits import Quadratic
    >>> from sparseopt.penalties import L1
    >>> from sparseopt.solvers import bcd_solve
    >>> X = np.eye(3); y = np.array([3.0, 0.1, -2.0])
    >>> w, res = bcd_solve(Quadratic(), L1(1 / 3), X, y, selection="cyclic", tol=1e-12)
    >>> np.round(w, 6).tolist()
    [2.0, 0.0, -1.0]
    """
    return BlockCoordinateDescent(**params).solve(datafit, penalty, X, y, w0,
                                                  fit_intercept=fit_intercept)
