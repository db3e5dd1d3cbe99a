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

Vector functions (the whole sample vector at once): ``grad_fill`` (``u_i = loss'(y_i, z_i)``),
``grad_hess_fill`` (also ``h_i = loss''(y_i, z_i)``), ``value_sum`` (``sum_i loss(y_i, z_i)``)
and ``diff_sum`` (``sum_i loss(y_i, z_i + t v_i) - loss(y_i, z_i)``). They switch once and run
the datafit's own scalar kernel in a loop with no branch on the code inside (a switch per
sample keeps the compiler from vectorising the loop: Huber's epochs ran 1.7x slower that way).
A datafit that couples the samples (Cox: risk sets) has vector kernels instead of scalar ones
and is reached only through these functions, by the solver paths that use nothing else (the
proximal Newton steps and the fixed-point criterion).

The multinomial datafit (a row of scores per sample) has one kernel, ``softmax_row``.
"""

from ..utils import njit
from . import _cox as cox
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
COX = cox.CODE
# checked in Python before any kernel runs
CODES = (QUADRATIC, LOGISTIC, HUBER, POISSON, GAMMA, SIGNED_LOGISTIC, COX)

__all__ = ["diff_sum", "grad_fill", "grad_hess_fill", "loss", "loss_conjugate", "loss_diff",
           "loss_grad", "loss_hess", "softmax_row", "value_sum"]


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
def grad_fill(code, params, y, z, u):
    """``u_i = loss'(y_i, z_i)`` for every sample: the switch once, then a loop per datafit
    with no branch on the code inside (so the compiler can vectorise it)."""
    n = z.shape[0]
    if code == COX:
        cox.grad_fill(params, y, z, u)
    elif code == LOGISTIC:
        for i in range(n):
            u[i] = logistic.loss_grad(params, y[i], z[i])
    elif code == HUBER:
        for i in range(n):
            u[i] = huber.loss_grad(params, y[i], z[i])
    elif code == POISSON:
        for i in range(n):
            u[i] = poisson.loss_grad(params, y[i], z[i])
    elif code == GAMMA:
        for i in range(n):
            u[i] = gamma.loss_grad(params, y[i], z[i])
    elif code == SIGNED_LOGISTIC:
        for i in range(n):
            u[i] = signed_logistic.loss_grad(params, y[i], z[i])
    else:  # QUADRATIC
        for i in range(n):
            u[i] = quadratic.loss_grad(params, y[i], z[i])


@njit(cache=True, inline="always")
def grad_hess_fill(code, params, y, z, u, h):
    """``u_i = loss'(y_i, z_i)`` and ``h_i = loss''(y_i, z_i)`` for every sample (Cox: the
    gradient and the Hessian's diagonal of ``n f``)."""
    if code == COX:
        cox.grad_hess_fill(params, y, z, u, h)
        return
    grad_fill(code, params, y, z, u)
    for i in range(z.shape[0]):
        h[i] = loss_hess(code, params, y[i], z[i])


@njit(cache=True, inline="always")
def value_sum(code, params, y, z):
    """``sum_i loss(y_i, z_i)`` (Cox: ``n f(z)``)."""
    if code == COX:
        return cox.value_sum(params, y, z)
    out = 0.0
    for i in range(z.shape[0]):
        out += loss(code, params, y[i], z[i])
    return out


@njit(cache=True, inline="always")
def diff_sum(code, params, y, z, v, t):
    """``sum_i loss(y_i, z_i + t v_i) - loss(y_i, z_i)`` without cancellation (Cox:
    ``n (f(z + t v) - f(z))``)."""
    if code == COX:
        return cox.diff_sum(params, y, z, v, t)
    out = 0.0
    for i in range(z.shape[0]):
        out += loss_diff(code, params, y[i], z[i], t * v[i])
    return out
