"""The graph solver: forest blocks solved exactly by message passing, swept or inside CG."""

import contextlib
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from ...datafits import check_graph_matrix
from ...utils import (
    ParamsMixin,
    check_bool,
    check_choice,
    check_nonnegative,
    check_positive_int,
    check_seed,
)
from .._inputs import check_real_values
from .._result import SolverResult
from ._partition import color_partition, forest_partition
from ._pcg import ForestPCG
from ._sweeps import forest_bcd

SELECTIONS = ("cyclic", "random", "gs", "gsl")
PARTITIONS = ("tree", "color")


class ForestSolver(ParamsMixin):
    r"""Solve ``A x = b`` (``A`` sparse symmetric positive definite) with forest blocks.

    Minimises ``F(x) = x^T A x / 2 - b^T x`` (:class:`~sparseopt.datafits.GraphQuadratic`)
    by block coordinate descent whose blocks are forests of the graph of ``A``: on a forest
    the block system is solved exactly in ``O(|b|)`` by eliminating leaves towards the roots
    and substituting back (Gaussian belief propagation on a tree). With ``krylov=True`` the
    forest solves precondition conjugate gradients instead of being repeated.

    Parameters
    ----------
    selection : {'cyclic', 'random', 'gs', 'gsl'}, default='cyclic'
        Which forest to update: in turn, at random, or greedily. With ``partition='tree'``
        the greedy rules grow a fresh maximal forest at every iteration from the nodes ranked
        by ``|g_j|`` ('gs') or ``|g_j| / sqrt(A_jj)`` ('gsl'), the paper's greedy tree.
    partition : {'tree', 'color'}, default='tree'
        'tree': forests grown greedily (a node joins the first forest it keeps acyclic; a
        4-neighbour lattice needs two); 'color': independent sets (red-black on a lattice).
    block_size : int or None, default=None
        Largest forest (None: unbounded).
    krylov : bool, default=True
        Conjugate gradients preconditioned by the forest solves (``selection='cyclic'``
        only). With two forests CG runs on the Schur complement of the larger one,
        preconditioned by the other one's tree solve; with more, one symmetric sweep over the
        others is the preconditioner.
    max_iter : int or None, default=None
        CG iterations (``krylov``; None: 1000) or forest updates (None: 1000 sweeps over the
        forests).
    tol : float, default=1e-8
        Stop at ``||A x - b|| <= tol ||b||``.
    check_every_update : bool, default=False
        Check (and record) the residual after every forest update instead of every sweep.
    random_state : int or None, default=None
        Seed of ``selection='random'``.

    Notes
    -----
    Forest BCD and tree solves follow Nutini, Laradji and Schmidt, "Let's Make Block
    Coordinate Descent Converge Faster", JMLR 23(131), 2022, arXiv:1712.08859. The result's
    ``n_iter`` counts CG iterations or forest updates, ``n_updates`` the forest solves,
    ``criterion`` the final relative residual (recomputed from ``A``).

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> from sparseopt.solvers import ForestSolver
    >>> A = sp.csr_matrix(np.array([[2.0, -1.0, 0.0], [-1.0, 2.0, -1.0], [0.0, -1.0, 2.0]]))
    >>> x, res = ForestSolver(tol=1e-12).solve(A, np.array([1.0, 0.0, 1.0]))
    >>> np.round(x, 12).tolist(), res.converged
    ([1.0, 1.0, 1.0], True)
    """

    def __init__(self, selection="cyclic", partition="tree", block_size=None, *, krylov=True,
                 max_iter=None, tol=1e-8, check_every_update=False, random_state=None):
        self.selection = selection
        self.partition = partition
        self.block_size = block_size
        self.krylov = krylov
        self.max_iter = max_iter
        self.tol = tol
        self.check_every_update = check_every_update
        self.random_state = random_state

    def __repr__(self):
        return (f"ForestSolver(selection={self.selection!r}, partition={self.partition!r}, "
                f"block_size={self.block_size!r}, krylov={self.krylov!r})")

    def _validate(self):
        check_choice("selection", self.selection, SELECTIONS)
        check_choice("partition", self.partition, PARTITIONS)
        check_positive_int("block_size", self.block_size, allow_none=True)
        check_bool("krylov", self.krylov)
        check_bool("check_every_update", self.check_every_update)
        check_seed(self.random_state)
        if self.krylov and self.selection != "cyclic":
            raise ValueError(f"krylov=True sweeps the fixed forest partition symmetrically: it "
                             f"needs selection='cyclic', got selection={self.selection!r}.")
        check_positive_int("max_iter", self.max_iter, allow_none=True)
        return check_nonnegative("tol", self.tol)

    def prepare(self, A):
        """Check ``A`` and set up the partition (and the preconditioner) once, for any number
        of right-hand sides: returns a :class:`PreparedForest`."""
        tol = self._validate()
        A = check_graph_matrix(A)
        size = None if self.block_size is None else int(self.block_size)
        if self.partition == "color":
            ptr, nodes = color_partition(A)
        else:
            ptr, nodes = forest_partition(A, max_size=size)
        with _definite(A):
            return PreparedForest(self, A, ptr, nodes, tol)

    def solve(self, A, b, x0=None):
        """Solve ``A x = b``; returns ``(x, SolverResult)``.

        Parameters
        ----------
        A : sparse matrix of shape (n, n), symmetric positive definite
        b : ndarray of shape (n,)
        x0 : ndarray of shape (n,), default=None
            Warm start (not modified).

        Returns
        -------
        x : ndarray of shape (n,)
        result : SolverResult
        """
        return self.prepare(A).solve(b, x0)


@contextlib.contextmanager
def _definite(A):
    """A zero pivot of a tree elimination (a singular ``A``) becomes a ValueError naming A."""
    try:
        yield
    except ZeroDivisionError:
        raise ValueError(f"A must be positive definite: a tree elimination met a zero pivot "
                         f"(A of shape {A.shape} is singular).") from None


class PreparedForest:
    """A forest solver set up for one matrix (partition, and the CG preconditioner with
    ``krylov``); :meth:`solve` takes right-hand sides.

    Attributes
    ----------
    n_blocks : int
        Forests (or colour classes) of the partition.
    """

    def __init__(self, solver, A, block_ptr, block_nodes, tol):
        self.solver = solver
        self.A = A
        self.block_ptr, self.block_nodes = block_ptr, block_nodes
        self.n_blocks = len(block_ptr) - 1
        self.tol = tol
        self._pcg = ForestPCG(A, block_ptr, block_nodes) if solver.krylov else None

    def solve(self, b, x0=None, *, tol=None, max_iter=None):
        """Solve ``A x = b`` (``tol`` and ``max_iter`` override the solver's); returns
        ``(x, SolverResult)`` and warns (ConvergenceWarning) when ``tol`` is not reached."""
        s = self.solver
        n = self.A.shape[0]
        b = np.ascontiguousarray(check_real_values("b", b)).ravel()
        if b.shape != (n,):
            raise ValueError(f"y (the right-hand side b) must have shape ({n},), got {b.shape}.")
        if x0 is not None:
            x0 = check_real_values("x0 (w0)", x0)
            if x0.shape != (n,):
                raise ValueError(f"x0 (w0) must be an array of shape ({n},), got shape "
                                 f"{x0.shape}.")
        tol = self.tol if tol is None else check_nonnegative("tol", tol)
        max_iter = s.max_iter if max_iter is None else max_iter
        if self._pcg is not None:
            max_iter = 1000 if max_iter is None else max_iter
            with _definite(self.A):
                x, it, converged, hist = self._pcg.solve(b, x0, tol=tol, max_iter=max_iter)
            solves = self._pcg.block_solves_per_iter
        else:
            # default budget: 1000 sweeps over the forests; greedy rules grow a fresh maximal
            # forest each iteration (the paper's greedy tree), the others cycle the partition
            max_iter = 1000 * self.n_blocks if max_iter is None else max_iter
            greedy = s.selection in ("gs", "gsl") and s.partition == "tree"
            size = None if s.block_size is None else int(s.block_size)
            with _definite(self.A):
                x, it, converged, hist = forest_bcd(
                    self.A, b, x0, block_ptr=self.block_ptr, block_nodes=self.block_nodes,
                    selection=s.selection, max_iter=max_iter, tol=tol,
                    random_state=s.random_state,
                    record="every" if s.check_every_update else None,
                    greedy_tree=greedy, max_size=size)
            solves = 1
        n_blocks = max(self.n_blocks, 1)
        sweeps = it * solves
        crit = float(hist["criterion"][-1])
        result = SolverResult(n_iter=it, n_epochs=sweeps // n_blocks, n_updates=sweeps,
                              converged=converged, criterion=crit, rel_gap=crit,
                              effective_selection="cyclic+cg" if s.krylov else s.selection,
                              n_blocks=self.n_blocks, history=hist)
        if not converged:
            warnings.warn(f"{type(s).__name__} did not converge within max_iter={max_iter} to "
                          f"tol={tol}: final relative residual {crit:.3e}.",
                          ConvergenceWarning, stacklevel=3)
        return x, result
