"""What every penalty declares to the solvers (and its parameter-object behaviour)."""

import numpy as np

from ..utils import ParamsMixin


class Penalty(ParamsMixin):
    """Base class of the penalties: parameters, and the facts the solvers rely on.

    A penalty writes ``value`` and ``prox`` (and, when convex, ``conjugate`` / ``dual_norm``)
    in Python; a penalty that block coordinate descent can use also writes, in its own module,
    the scalar Numba kernels that :mod:`sparseopt.penalties.dispatch` forwards to. The class
    attributes tell the solvers what they may do with it:

    - ``structure``: ``'separable'`` (the prox acts coordinate-wise: coordinate and block
      updates of any shape), ``'block'`` (it acts on fixed groups: blocks are whole groups) or
      ``'vector'`` (it couples all coordinates: proximal gradient only);
    - ``convex``: a convex penalty stops on a certificate; a nonconvex one on a fixed point;
    - ``certificate``: ``'dual_gap'`` (a duality gap at the rescaled residual dual point, which
      needs ``dual_norm`` and ``alpha``), ``'fenchel_young'`` (needs ``conjugate``) or
      ``'fixed_point'`` (the relative step of the prox-gradient map);
    - ``screening``: Gap Safe screening (``safe_zeros``) is valid for it;
    - ``code``: its case in the kernel dispatch switch (-1: no kernels, so not usable by block
      coordinate descent); ``kernel_params()`` gives the float64 array the kernels receive.
    """

    structure = "separable"
    convex = True
    certificate = "fixed_point"
    screening = False
    code = -1

    def kernel_params(self):
        """Parameters passed to the kernels (a float64 array)."""
        return np.zeros(0)

    def is_zero(self):
        """The penalty is identically zero (then block models are solved by Cholesky)."""
        return False

    def for_solve(self):
        """The penalty a solver works with during one solve: itself, or (a penalty with
        parameters that are costly to validate) a shallow copy holding them validated, so a
        solve checks them once and not at every call."""
        return self

    def project(self, w):
        """Projection of ``w`` on the penalty's domain (``prox(w, 0)``: the identity without
        constraints, ``max(w, 0)`` for a non-negative penalty, clipping for a box)."""
        return self.prox(w, 0.0)

    def infimum(self, n_features):
        """The lowest value of the penalty over ``n_features`` coordinates: 0 for the
        penalties that are ``>= 0`` (all but a box with a linear term)."""
        return 0.0

    def rescaled_conjugate(self, u):
        """``Psi^*(u)`` at a dual point already rescaled into the conjugate's domain (by
        ``dual_norm``): 0 for a norm, whose conjugate is the indicator of its dual ball; a
        penalty with a smooth part (elastic net, box) returns its finite conjugate."""
        return 0.0

    def check_n_features(self, n_features):
        """Check per-coordinate parameters (weights) against ``n_features`` (ValueError);
        the solvers call it before any kernel reads them."""
