"""Anderson extrapolation of the inner iterates (Bertrand and Massias, AISTATS 2021)."""

import numpy as np


class Anderson:
    """Offers an extrapolated point every ``memory + 1`` recorded iterates.

    With the last iterates ``x_0..x_k`` and their differences ``U`` (k rows), the weights
    ``c = (U U^T + eps I)^{-1} 1 / (1^T (U U^T + eps I)^{-1} 1)`` combine ``x_1..x_k``;
    ``eps = 1e-12 trace(U U^T)`` keeps the solve defined when the differences are (nearly)
    collinear, and weights that are not finite or sum to zero give no point. The caller keeps
    the point only if it lowers the objective, so extrapolation never slows the descent.

    Parameters
    ----------
    memory : int
        Number of differences (0 disables).
    """

    def __init__(self, memory):
        self.memory = int(memory)
        self._buffer = []

    def push(self, x):
        """Record an iterate (kept as given: pass a fresh array); returns the extrapolated
        point or None."""
        if self.memory <= 0:
            return None
        self._buffer.append(x)
        if len(self._buffer) < self.memory + 1:
            return None
        W = np.array(self._buffer)  # (memory + 1, size)
        self._buffer = []
        U = np.diff(W, axis=0)
        C = U @ U.T
        C += 1e-12 * np.trace(C) * np.eye(C.shape[0])
        try:
            c = np.linalg.solve(C, np.ones(C.shape[0]))
        except np.linalg.LinAlgError:
            return None
        if not np.all(np.isfinite(c)) or c.sum() == 0:
            return None
        c /= c.sum()
        return c @ W[1:]
