"""Numba kernels of the sparse envelope (SEF / WGSEF): radii prox and group rescaling.

The O(m log m) sort stays in NumPy (its SIMD sort beats Numba's); the kernels sweep sorted
breakpoints in O(m) and apply closed forms, so the prox is exact (no iterative tolerance).
"""

import numpy as np

from ..utils import njit


@njit(cache=True)
def radii_unit_sorted(v_desc, k, lam):
    """tau for unit weights, given the positive radii sorted decreasingly.

    psi(tau) = #{v >= (1+lam) tau} + sum_{lam tau < v < (1+lam) tau} (v/tau - lam) equals k on
    the returned tau. Breakpoints are v/(1+lam) (entry turns 'top') and v/lam (entry turns
    'active'); both streams are sorted like ``v_desc``, so one merge sweep finds the piece.
    Returns (tau, n_top, n_mid_start, n_mid_end): top = [0, n_top), mid = [n_top, n_mid_end).
    """
    m = v_desc.shape[0]
    # sweep tau downward through the merged breakpoints; state: top = [0, i_top),
    # active (top or mid) = [0, i_act)
    i_top = 0
    i_act = 0
    A = 0.0  # sum of mid radii
    while True:
        # next breakpoint (largest remaining)
        b_act = v_desc[i_act] / lam if i_act < m else -1.0
        b_top = v_desc[i_top] / (1.0 + lam) if i_top < m else -1.0
        tau_b = b_act if b_act >= b_top else b_top
        if tau_b <= 0.0:
            break
        n_mid = i_act - i_top
        psi_b = i_top + A / tau_b - lam * n_mid
        if psi_b >= k:
            break
        if b_act >= b_top:
            A += v_desc[i_act]
            i_act += 1
        else:
            A -= v_desc[i_top]
            i_top += 1
    # the root lies on the piece just above tau_b: recompute A directly (no drift)
    A = 0.0
    for i in range(i_top, i_act):
        A += v_desc[i]
    denom = k - i_top + lam * (i_act - i_top)
    if A > 0.0 and denom > 0.0:
        tau = A / denom
    else:
        tau = tau_b
    return tau


@njit(cache=True)
def radii_map(v, w, lam, tau, out):
    """r_j = v_j/(1+lam d_j) on the top set, max(v_j - lam w_j tau, 0) elsewhere."""
    for j in range(v.shape[0]):
        wj = w[j]
        dj = wj * wj
        if wj * v[j] >= tau * (1.0 + lam * dj):
            out[j] = v[j] / (1.0 + lam * dj)
        else:
            t = v[j] - lam * wj * tau
            out[j] = t if t > 0.0 else 0.0


@njit(cache=True)
def radii_weighted_tau(v, w, k, lam, order, bps, kinds):
    """tau for general weights by a sweep over the 2m breakpoints sorted decreasingly.

    ``bps[order]`` are decreasing breakpoints; ``kinds`` says for each breakpoint which entry it
    concerns and whether it turns the entry 'active' (kind 0: tau = v_j/(lam w_j)) or 'top'
    (kind 1: tau = w_j v_j/(1 + lam d_j)).
    """
    m = v.shape[0]
    n_top = 0
    A = 0.0
    D = 0.0
    state = np.zeros(m, dtype=np.int8)  # 0 out, 1 mid, 2 top
    tau_b = 0.0
    for t in range(order.shape[0]):
        e = order[t]
        tau_b = bps[e]
        if tau_b <= 0.0:
            break
        psi_b = n_top + A / tau_b - lam * D
        if psi_b >= k:
            break
        j = kinds[e]
        if e < m:  # entry j becomes active (mid)
            if state[j] == 0:
                state[j] = 1
                A += w[j] * v[j]
                D += w[j] * w[j]
        else:  # entry j becomes top
            if state[j] == 1:
                A -= w[j] * v[j]
                D -= w[j] * w[j]
            state[j] = 2
            n_top += 1
    A = 0.0
    D = 0.0
    for j in range(m):
        if state[j] == 1:
            A += w[j] * v[j]
            D += w[j] * w[j]
    denom = k - n_top + lam * D
    if A > 0.0 and denom > 0.0:
        return A / denom
    return tau_b


@njit(cache=True)
def group_norms(x, grp_ptr, grp_indices, out):
    """out[j] = ||x_{G_j}||_2."""
    for j in range(grp_ptr.shape[0] - 1):
        s = 0.0
        for t in range(grp_ptr[j], grp_ptr[j + 1]):
            xi = x[grp_indices[t]]
            s += xi * xi
        out[j] = np.sqrt(s)


@njit(cache=True)
def group_rescale(x, grp_ptr, grp_indices, v, r, out):
    """out_{G_j} = (r_j / v_j) x_{G_j} (0 when v_j = 0)."""
    for j in range(grp_ptr.shape[0] - 1):
        c = r[j] / v[j] if v[j] > 0.0 else 0.0
        for t in range(grp_ptr[j], grp_ptr[j + 1]):
            i = grp_indices[t]
            out[i] = c * x[i]
