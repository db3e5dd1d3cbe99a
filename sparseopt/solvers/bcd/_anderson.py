"""Anderson extrapolation of the inner iterates (Bertrand and Massias, AISTATS 2021)."""

import numpy as np

from ...utils import njit


class Anderson:
    """Offers an extrapolated point every ``memory + 1`` recorded iterates.

    With the last iterates ``x_0..x_k`` and their differences ``U`` (k rows), the weights
    ``c = (U U^T + eps I)^{-1} 1 / (1^T (U U^T + eps I)^{-1} 1)`` combine ``x_1..x_k``;
    ``eps = 1e-12 trace(U U^T)`` keeps the solve defined when the differences are (nearly)
    collinear, and weights that are not finite or sum to zero give no point. The caller keeps
    the point only if it lowers the objective, so extrapolation never slows the descent.

    The iterates go into a preallocated buffer: :meth:`slots` hands out the rows still free
    (a compiled inner solver writes its iterates there directly), :meth:`filled` counts
    them in, and :meth:`push` copies one iterate.

    Parameters
    ----------
    memory : int
        Number of differences (0 disables).
    """

    def __init__(self, memory):
        self.memory = int(memory)
        self._buffer = None
        self._count = 0

    def room(self):
        """How many iterates are still to be recorded before the next extrapolation."""
        return self.memory + 1 - self._count

    def slots(self, n, size):
        """The next ``n <= room()`` free rows of the buffer (iterates of length ``size``),
        to be written and then counted with :meth:`filled`."""
        if self._buffer is None or self._buffer.shape[1] != size:
            self._buffer = np.empty((self.memory + 1, size))
            self._count = 0
        return self._buffer[self._count:self._count + n]

    def filled(self, n):
        """Count ``n`` rows written into :meth:`slots`; returns the extrapolated point once
        ``memory + 1`` iterates are recorded, else None."""
        self._count += n
        if self._count < self.memory + 1:
            return None
        self._count = 0
        return self._extrapolate(self._buffer)

    def push(self, x):
        """Record one iterate (copied); returns the extrapolated point or None."""
        if self.memory <= 0:
            return None
        x = np.asarray(x, dtype=np.float64).ravel()
        self.slots(1, x.size)[0] = x
        return self.filled(1)

    @staticmethod
    def _extrapolate(W):
        out = np.empty(W.shape[1])
        return out if anderson_point(W, out) else None


@njit(cache=True)
def anderson_point(W, out):
    """Write the extrapolation of the iterates ``W`` (rows) to ``out``; False if the
    weights are undefined (see :class:`Anderson`). Gaussian elimination with partial
    pivoting on the small ``(k, k)`` system."""
    k, m = W.shape[0] - 1, W.shape[1]
    U = np.empty((k, m))
    for r in range(k):
        for j in range(m):
            U[r, j] = W[r + 1, j] - W[r, j]
    A = np.empty((k, k + 1))
    trace = 0.0
    for r in range(k):
        for q in range(r, k):
            v = 0.0
            for j in range(m):
                v += U[r, j] * U[q, j]
            A[r, q] = v
            A[q, r] = v
        trace += A[r, r]
        A[r, k] = 1.0
    for r in range(k):
        A[r, r] += 1e-12 * trace
    for col in range(k):  # forward elimination
        piv = col
        for r in range(col + 1, k):
            if abs(A[r, col]) > abs(A[piv, col]):
                piv = r
        if A[piv, col] == 0.0 or not np.isfinite(A[piv, col]):
            return False
        if piv != col:
            for q in range(k + 1):
                A[col, q], A[piv, q] = A[piv, q], A[col, q]
        for r in range(col + 1, k):
            f = A[r, col] / A[col, col]
            for q in range(col, k + 1):
                A[r, q] -= f * A[col, q]
    c = np.empty(k)
    total = 0.0
    for r in range(k - 1, -1, -1):  # back substitution
        v = A[r, k]
        for q in range(r + 1, k):
            v -= A[r, q] * c[q]
        c[r] = v / A[r, r]
        total += c[r]
    if total == 0.0 or not np.isfinite(total):
        return False
    for j in range(m):
        v = 0.0
        for r in range(k):
            v += c[r] * W[r + 1, j]
        out[j] = v / total
    return True
