"""The one datafit switch of the compiled solvers: ``(code, params)`` to the datafit's kernel.

Solvers' kernels never compute a loss themselves: they call these functions with the datafit's
``code`` and its float64 ``params`` array (``datafit.kernel_params()``), and each function
forwards to the kernel that the datafit's own module defines next to its class. A new datafit
adds one module and one case per function below; no solver signature changes.

Per-sample functions (``loss(y_i, z_i)`` with ``F(w) = (1/n) sum_i loss(y_i, (Xw)_i)``):

- ``loss``, ``loss_grad``, ``loss_hess``: the loss and its first two derivatives in ``z``;
- ``loss_diff(..., z, delta) = loss(y, z + delta) - loss(y, z)``, without cancellation (line
  searches compare such differences);
- ``loss_conjugate(..., y, u) = sup_z u z - loss(y, z)`` (``+inf`` outside its domain); the
  Fenchel dual at ``theta`` is ``-(1/n) sum_i loss^*(y_i, -n theta_i)``.

The codes are checked in Python (``CODES``) before any kernel runs, so each switch ends on its
first datafit. The switches and the datafits' kernels are inlined into the solver
loops that call them (``inline="always"``): per-sample loops make no function calls.

Vector functions, for the hot loops of coordinate descent: they switch once and run the
datafit's own ``loss_grad`` in a loop with no branch on the code inside (a switch per sample
keeps the compiler from vectorising the loop: Huber's epochs ran 1.7x slower that way).

- ``grad_dot`` (``grad_dot_sparse``): ``sum_i x_i loss'(y_i, z_i)`` over one dense (CSC)
  column ``x``;
- ``grad_fill``: ``u_i = loss'(y_i, z_i)`` for every sample;
- ``axpy_grad`` (``axpy_grad_sparse``): ``z += a x`` for one column and ``u = loss'(y, z)``
  refreshed on the rows it touches, in one pass.

The multinomial datafit (a row of scores per sample) has one kernel, ``softmax_row``.
"""

from ..utils import njit
from . import _gamma as gamma
from . import _huber as huber
from . import _logistic as logistic
from . import _poisson as poisson
from . import _quadratic as quadratic
from . import _weighted_logistic as signed_logistic
from ._multinomial import softmax_row

QUADRATIC = quadratic.CODE
LOGISTIC = logistic.CODE
HUBER = huber.CODE
POISSON = poisson.CODE
GAMMA = gamma.CODE
SIGNED_LOGISTIC = signed_logistic.CODE
# checked in Python before any kernel runs
CODES = (QUADRATIC, LOGISTIC, HUBER, POISSON, GAMMA, SIGNED_LOGISTIC)

__all__ = ["axpy_grad", "axpy_grad_sparse", "grad_dot", "grad_dot_sparse", "grad_fill", "loss",
           "loss_conjugate", "loss_diff", "loss_grad", "loss_hess", "softmax_row"]


@njit(cache=True, inline="always")
def loss(code, params, y, z):
    """``loss(y, z)`` of one sample."""
    if code == LOGISTIC:
        return logistic.loss(params, y, z)
    if code == HUBER:
        return huber.loss(params, y, z)
    if code == POISSON:
        return poisson.loss(params, y, z)
    if code == GAMMA:
        return gamma.loss(params, y, z)
    if code == SIGNED_LOGISTIC:
        return signed_logistic.loss(params, y, z)
    return quadratic.loss(params, y, z)  # QUADRATIC


@njit(cache=True, inline="always")
def loss_grad(code, params, y, z):
    """``d loss(y, z) / dz``."""
    if code == LOGISTIC:
        return logistic.loss_grad(params, y, z)
    if code == HUBER:
        return huber.loss_grad(params, y, z)
    if code == POISSON:
        return poisson.loss_grad(params, y, z)
    if code == GAMMA:
        return gamma.loss_grad(params, y, z)
    if code == SIGNED_LOGISTIC:
        return signed_logistic.loss_grad(params, y, z)
    return quadratic.loss_grad(params, y, z)  # QUADRATIC


@njit(cache=True, inline="always")
def loss_hess(code, params, y, z):
    """``d^2 loss(y, z) / dz^2``."""
    if code == LOGISTIC:
        return logistic.loss_hess(params, y, z)
    if code == HUBER:
        return huber.loss_hess(params, y, z)
    if code == POISSON:
        return poisson.loss_hess(params, y, z)
    if code == GAMMA:
        return gamma.loss_hess(params, y, z)
    if code == SIGNED_LOGISTIC:
        return signed_logistic.loss_hess(params, y, z)
    return quadratic.loss_hess(params, y, z)  # QUADRATIC


@njit(cache=True, inline="always")
def loss_diff(code, params, y, z, delta):
    """``loss(y, z + delta) - loss(y, z)`` without cancellation."""
    if code == LOGISTIC:
        return logistic.loss_diff(params, y, z, delta)
    if code == HUBER:
        return huber.loss_diff(params, y, z, delta)
    if code == POISSON:
        return poisson.loss_diff(params, y, z, delta)
    if code == GAMMA:
        return gamma.loss_diff(params, y, z, delta)
    if code == SIGNED_LOGISTIC:
        return signed_logistic.loss_diff(params, y, z, delta)
    return quadratic.loss_diff(params, y, z, delta)  # QUADRATIC


@njit(cache=True, inline="always")
def loss_conjugate(code, params, y, u):
    """``loss^*(y, u)``, ``+inf`` outside the conjugate's domain."""
    if code == LOGISTIC:
        return logistic.loss_conjugate(params, y, u)
    if code == HUBER:
        return huber.loss_conjugate(params, y, u)
    if code == POISSON:
        return poisson.loss_conjugate(params, y, u)
    if code == GAMMA:
        return gamma.loss_conjugate(params, y, u)
    if code == SIGNED_LOGISTIC:
        return signed_logistic.loss_conjugate(params, y, u)
    return quadratic.loss_conjugate(params, y, u)  # QUADRATIC


@njit(cache=True, inline="always")
def _grad_dot(loss_grad, params, x, off, y, z):
    """``sum_i x[off + i] loss_grad(params, y_i, z_i)`` with one datafit's ``loss_grad``."""
    s = 0.0
    for i in range(z.shape[0]):
        s += x[off + i] * loss_grad(params, y[i], z[i])
    return s


@njit(cache=True, inline="always")
def _grad_dot_sparse(loss_grad, params, data, indices, lo, hi, y, z):
    """``sum_k data[k] loss_grad(params, y_i, z_i)``, ``i = indices[k]``, ``lo <= k < hi``."""
    s = 0.0
    for k in range(lo, hi):
        i = indices[k]
        s += data[k] * loss_grad(params, y[i], z[i])
    return s


@njit(cache=True, inline="always")
def grad_dot(code, params, x, off, y, z):
    """``sum_i x[off + i] loss'(y_i, z_i)``: a dense column (from offset ``off`` of the
    flattened design ``x``) against the loss gradients at ``z``."""
    if code == LOGISTIC:
        return _grad_dot(logistic.loss_grad, params, x, off, y, z)
    if code == HUBER:
        return _grad_dot(huber.loss_grad, params, x, off, y, z)
    if code == POISSON:
        return _grad_dot(poisson.loss_grad, params, x, off, y, z)
    if code == GAMMA:
        return _grad_dot(gamma.loss_grad, params, x, off, y, z)
    if code == SIGNED_LOGISTIC:
        return _grad_dot(signed_logistic.loss_grad, params, x, off, y, z)
    return _grad_dot(quadratic.loss_grad, params, x, off, y, z)  # QUADRATIC


@njit(cache=True, inline="always")
def grad_dot_sparse(code, params, data, indices, lo, hi, y, z):
    """:func:`grad_dot` for the CSC column ``data[lo:hi]`` (rows ``indices[lo:hi]``)."""
    if code == LOGISTIC:
        return _grad_dot_sparse(logistic.loss_grad, params, data, indices, lo, hi, y, z)
    if code == HUBER:
        return _grad_dot_sparse(huber.loss_grad, params, data, indices, lo, hi, y, z)
    if code == POISSON:
        return _grad_dot_sparse(poisson.loss_grad, params, data, indices, lo, hi, y, z)
    if code == GAMMA:
        return _grad_dot_sparse(gamma.loss_grad, params, data, indices, lo, hi, y, z)
    if code == SIGNED_LOGISTIC:
        return _grad_dot_sparse(signed_logistic.loss_grad, params, data, indices, lo, hi, y,
                                z)
    return _grad_dot_sparse(quadratic.loss_grad, params, data, indices, lo, hi, y, z)


@njit(cache=True, inline="always")
def _grad_fill(loss_grad, params, y, z, u):
    for i in range(z.shape[0]):
        u[i] = loss_grad(params, y[i], z[i])


@njit(cache=True, inline="always")
def grad_fill(code, params, y, z, u):
    """``u_i = loss'(y_i, z_i)`` for every sample."""
    if code == LOGISTIC:
        _grad_fill(logistic.loss_grad, params, y, z, u)
    elif code == HUBER:
        _grad_fill(huber.loss_grad, params, y, z, u)
    elif code == POISSON:
        _grad_fill(poisson.loss_grad, params, y, z, u)
    elif code == GAMMA:
        _grad_fill(gamma.loss_grad, params, y, z, u)
    elif code == SIGNED_LOGISTIC:
        _grad_fill(signed_logistic.loss_grad, params, y, z, u)
    else:  # QUADRATIC
        _grad_fill(quadratic.loss_grad, params, y, z, u)


@njit(cache=True, inline="always")
def _axpy_grad(loss_grad, params, a, x, off, y, z, u):
    for i in range(z.shape[0]):
        zi = z[i] + a * x[off + i]
        z[i] = zi
        u[i] = loss_grad(params, y[i], zi)


@njit(cache=True, inline="always")
def axpy_grad(code, params, a, x, off, y, z, u):
    """``z += a x[off:off + n]`` and ``u = loss'(y, z)`` (one dense column, one pass)."""
    if code == LOGISTIC:
        _axpy_grad(logistic.loss_grad, params, a, x, off, y, z, u)
    elif code == HUBER:
        _axpy_grad(huber.loss_grad, params, a, x, off, y, z, u)
    elif code == POISSON:
        _axpy_grad(poisson.loss_grad, params, a, x, off, y, z, u)
    elif code == GAMMA:
        _axpy_grad(gamma.loss_grad, params, a, x, off, y, z, u)
    elif code == SIGNED_LOGISTIC:
        _axpy_grad(signed_logistic.loss_grad, params, a, x, off, y, z, u)
    else:  # QUADRATIC
        _axpy_grad(quadratic.loss_grad, params, a, x, off, y, z, u)


@njit(cache=True, inline="always")
def _axpy_grad_sparse(loss_grad, params, a, data, indices, lo, hi, y, z, u):
    for k in range(lo, hi):
        i = indices[k]
        zi = z[i] + a * data[k]
        z[i] = zi
        u[i] = loss_grad(params, y[i], zi)


@njit(cache=True, inline="always")
def axpy_grad_sparse(code, params, a, data, indices, lo, hi, y, z, u):
    """:func:`axpy_grad` for the CSC column ``data[lo:hi]`` (rows ``indices[lo:hi]``)."""
    if code == LOGISTIC:
        _axpy_grad_sparse(logistic.loss_grad, params, a, data, indices, lo, hi, y, z, u)
    elif code == HUBER:
        _axpy_grad_sparse(huber.loss_grad, params, a, data, indices, lo, hi, y, z, u)
    elif code == POISSON:
        _axpy_grad_sparse(poisson.loss_grad, params, a, data, indices, lo, hi, y, z, u)
    elif code == GAMMA:
        _axpy_grad_sparse(gamma.loss_grad, params, a, data, indices, lo, hi, y, z, u)
    elif code == SIGNED_LOGISTIC:
        _axpy_grad_sparse(signed_logistic.loss_grad, params, a, data, indices, lo, hi, y, z,
                          u)
    else:  # QUADRATIC
        _axpy_grad_sparse(quadratic.loss_grad, params, a, data, indices, lo, hi, y, z, u)
