"""Selection kernels of block coordinate descent and the block-update loop that uses them.

The rule codes and their properties come from the rule table (:mod:`._rules`): the kernels
receive the code and whether the rule is greedy, never infer one from the other.
"""

import numpy as np

from ...penalties import dispatch as P
from ...utils import njit
from ._kernels_block import (
    block_matrix,
    gradient_delta,
    gsq_block,
    lambda_max,
    model_delta,
    two_metric_delta,
)
from ._kernels_cd import column_axpy, column_dot, column_grad, grad_subset, intercept_step
from ._rules import (
    SEL_CYCLIC,
    SEL_GS,
    SEL_GSD,
    SEL_GSL,
    SEL_GSQ,
    SEL_LIPSCHITZ,
    SEL_RANDOM,
    UPD_GRADIENT,
    UPD_NEWTON,
    UPD_TMP,
)


@njit(cache=True, inline="always")
def _is_lower(score, a, b):
    """Position ``a`` ranks below ``b``: a smaller score, or a tie at a larger position."""
    return score[a] < score[b] or (score[a] == score[b] and a > b)


@njit(cache=True)
def top_tau(score, m, tau, out):
    """Positions of the ``tau`` largest scores (ties to the lower position); returns count."""
    cnt = 0
    min_k = 0
    for k in range(m):
        if cnt < tau:
            out[cnt] = k
            cnt += 1
        elif score[k] > score[out[min_k]]:
            out[min_k] = k
        else:
            continue
        if cnt == tau:
            min_k = 0
            for c in range(1, cnt):
                if _is_lower(score, out[c], out[min_k]):
                    min_k = c
    return cnt


@njit(cache=True)
def weighted_choice(weights, total):
    """An index drawn with probability ``weights[k] / total`` (the last positive if rounding
    runs past the end)."""
    u = np.random.random() * total
    acc = 0.0
    last = -1
    for k in range(weights.shape[0]):
        if weights[k] > 0.0:
            last = k
            acc += weights[k]
            if u < acc:
                return k
    return last


@njit(cache=True)
def greedy_block(kx, ws, gvec, L, curv, inv_n, tau, score, bpos, w, pen, pp):
    """GSQ with variable blocks: greedy forward selection on the global quadratic model.

    Approximately maximises the decrease of ``g^T d + d^T H d / 2 + psi(w + d) - psi(w)`` over
    ``tau``-sparse ``d`` (H the global bound, ``H_jj = L_j``): starting from ``d = 0``, add
    the coordinate whose proximal 1-D step on the model gradient ``r = g + H d`` decreases
    the model most (the GS-q score at ``r``, so the first pick is GS-L's), then re-minimise
    the model over the chosen coordinates (cyclic proximal coordinate passes with the
    columns of ``H``), and repeat (orthogonal matching pursuit on the model). ``score`` (GS-q
    at ``g``) pads the block if the model stops decreasing. Costs ``tau`` passes over the
    working set's columns.
    """
    m = ws.shape[0]
    d = np.zeros(m)
    r = gvec[:m].copy()
    chosen = np.zeros(m, dtype=np.bool_)
    Hc = np.empty((tau, m))
    t = np.zeros(int(1.0 / inv_n + 0.5))  # one entry per sample
    nb = 0
    for _ in range(tau):
        best = -1
        best_score = 0.0
        for k in range(m):
            j = ws[k]
            if chosen[k] or L[j] <= 0.0:
                continue
            sk = P.gsq_1d(pen, pp, w[j] + d[k], r[k], L[j], j)
            if sk > best_score:
                best_score = sk
                best = k
        if best < 0:
            break
        chosen[best] = True
        bpos[nb] = best
        # column of H for the new coordinate, over the working set
        for i in range(t.shape[0]):
            t[i] = 0.0
        column_axpy(kx, ws[best], 1.0, t)
        for k in range(m):
            Hc[nb, k] = curv * inv_n * column_dot(kx, ws[k], t)
        nb += 1
        for _ in range(50):  # re-minimise the model over the chosen coordinates
            moved = 0.0
            for a in range(nb):
                k = bpos[a]
                j = ws[k]
                c = Hc[a, k]
                if c <= 0.0:
                    continue
                new = P.prox_1d(pen, pp, w[j] + d[k] - r[k] / c, 1.0 / c, j) - w[j]
                delta = new - d[k]
                if delta != 0.0:
                    d[k] = new
                    for i in range(m):
                        r[i] += delta * Hc[a, i]
                    moved = max(moved, c * delta * delta)
            if moved <= 1e-30:
                break
    if nb < tau:
        order = np.argsort(-score)
        for k in order:
            if nb >= tau:
                break
            if not chosen[k]:
                chosen[k] = True
                bpos[nb] = k
                nb += 1
    return nb


@njit(cache=True, inline="always")
def _greedy_scores(sel, variable, ws, w, gvec, L, Dg, pen, pp, score):
    """Per-coordinate greedy scores: GS-s ('gs'), GS-q with ``d_j`` ('gsd'), GS-q with
    ``L_j`` ('gsl' and the padding of 'gsq' with variable blocks)."""
    for k in range(ws.shape[0]):
        j = ws[k]
        if sel == SEL_GS:
            score[k] = P.subdiff_distance_1d(pen, pp, w[j], gvec[k], j)
        elif sel == SEL_GSD:
            score[k] = P.gsq_1d(pen, pp, w[j], gvec[k], Dg[j], j)
        elif variable:
            score[k] = P.gsq_1d(pen, pp, w[j], gvec[k], L[j], j)


@njit(cache=True, inline="always")
def _best_fixed_block(sel, ws, w, gvec, plan, score, pen, pp, smooth, gb, wb, jb):
    """The fixed block with the largest greedy score (sum of coordinate scores; 'gsl' with
    the block constant; 'gsq' the exact block model with the cached ``H_b``)."""
    ws_, blk_ptr, blk_pos, Lb, L, Dg, Hcache = plan
    best = -1.0
    blk = -1
    ref = 0.0  # GS: block norms of the scores relative to the largest (no underflow)
    if sel == SEL_GS:
        for k in range(score.shape[0]):
            if score[k] > ref:
                ref = score[k]
    if ref == 0.0:
        ref = 1.0
    for b in range(blk_ptr.shape[0] - 1):
        s = 0.0
        if sel == SEL_GSQ:
            nbk = blk_ptr[b + 1] - blk_ptr[b]
            for a in range(nbk):
                k = blk_pos[blk_ptr[b] + a]
                gb[a] = gvec[k]
                wb[a] = w[ws[k]]
                jb[a] = ws[k]
            s = gsq_block(Hcache[b], nbk, gb, wb, jb, pen, pp, smooth)
        else:
            for t in range(blk_ptr[b], blk_ptr[b + 1]):
                k = blk_pos[t]
                if sel == SEL_GS:
                    s += (score[k] / ref) * (score[k] / ref)
                elif sel == SEL_GSL:
                    s += P.gsq_1d(pen, pp, w[ws[k]], gvec[k], Lb[b], ws[k])
                else:
                    s += score[k]
        if s > best:
            best = s
            blk = b
    return blk


@njit(cache=True, inline="always")
def _random_block(sel, variable, it, n_blocks, tau, plan, bpos, perm, weights, cum):
    """Non-greedy choice: returns ``(nb, blk)``; variable blocks fill ``bpos`` (blk = -1)."""
    ws, blk_ptr, blk_pos, Lb, L, Dg, Hcache = plan
    m = ws.shape[0]
    nb = 0
    blk = -1
    if variable:
        if sel == SEL_CYCLIC:
            pos = it % n_blocks
            if pos == 0:
                fresh = np.random.permutation(m)
                for k in range(m):
                    perm[k] = fresh[k]
            start = pos * tau
            nb = min(tau, m - start)
            for a in range(nb):
                bpos[a] = perm[start + a]
        elif sel == SEL_RANDOM:
            nb = min(tau, m)
            for a in range(nb):
                r = a + np.random.randint(m - a)
                tmp = perm[a]
                perm[a] = perm[r]
                perm[r] = tmp
                bpos[a] = perm[a]
        else:  # lipschitz, without replacement, P(j) proportional to L_j
            total = 0.0
            for k in range(m):
                weights[k] = L[ws[k]]
                total += weights[k]
            for _ in range(min(tau, m)):
                if total <= 0.0:
                    break
                k = weighted_choice(weights, total)
                bpos[nb] = k
                nb += 1
                total -= weights[k]
                weights[k] = 0.0
    elif sel == SEL_CYCLIC:
        blk = it % n_blocks
    elif sel == SEL_RANDOM:
        blk = np.random.randint(n_blocks)
    else:
        u = np.random.random() * cum[n_blocks - 1]
        blk = np.searchsorted(cum[:n_blocks], u, side="right")
        if blk >= n_blocks:
            blk = n_blocks - 1
    return nb, blk


@njit(cache=True, inline="always")
def _block_constant(kx, js, nb, blk, plan, upd, hessian, y, z, parts, H, scratch):
    """``L_b`` of the chosen block: cached (fixed blocks), ``L_j`` (one coordinate), or the
    largest eigenvalue of the bound (variable blocks; ``H`` is left holding what the update
    needs)."""
    df, dfp, lsq, pen, pp, smooth, curv = parts
    Lb, L = plan[3], plan[4]
    if blk >= 0:
        return Lb[blk]
    if nb == 1:
        return L[js[0]]
    Lblk = 0.0
    if upd == UPD_GRADIENT or upd == UPD_TMP or hessian:
        if hessian:  # the gradient fallback needs the bound, not the Hessian
            block_matrix(kx, js, nb, y, z, df, dfp, False, curv, H, scratch)
        Lblk = lambda_max(H, nb)
        if hessian:
            block_matrix(kx, js, nb, y, z, df, dfp, True, curv, H, scratch)
    return Lblk


@njit(cache=True)
def bcd_updates(kx, model, parts, plan, rule, gram, upd, fit_intercept, n_updates, seed):
    """Run ``n_updates`` block updates of BCD restricted to the coordinates ``ws``.

    - ``model = (y, z, w, intercept)``; ``parts = (df, dfp, lsq, pen, pp, smooth, curv)``;
    - ``plan = (ws, blk_ptr, blk_pos, Lb, L, Dg, Hcache)``: fixed blocks as positions into
      ``ws`` with constants ``Lb``; coordinate constants ``L`` and the diagonal bounds ``Dg``
      of 'gsd' (indexed globally); ``Hcache`` the block bounds of 'gsq' with fixed blocks;
    - ``rule = (sel, greedy, variable, tau)``: the selection code and its properties from the
      rule table; ``variable`` re-chooses ``tau`` coordinates at every update;
    - ``gram = (use_gram, G, gvec)``: with ``use_gram`` (least squares, no intercept
      coordinate) ``G = X_ws^T X_ws / n`` keeps the working-set gradient ``gvec`` current in
      O(|ws| tau) per update; otherwise greedy rules recompute it at each update.

    An epoch is ``ceil(|ws| / tau)`` updates; the intercept (if any) is refreshed after every
    epoch.
    """
    y, z, w, intercept = model
    df, dfp, lsq, pen, pp, smooth, curv = parts
    ws, blk_ptr, blk_pos, Lb, L, Dg, Hcache = plan
    sel, greedy, variable, tau = rule
    use_gram, G, gvec = gram
    np.random.seed(seed)
    m = ws.shape[0]
    n = y.shape[0]
    inv_n = 1.0 / n
    n_blocks = (m + tau - 1) // tau if variable else blk_ptr.shape[0] - 1
    bpos = np.empty(tau, dtype=np.int64)
    js = np.empty(tau, dtype=np.int64)
    gb = np.empty(tau)
    wb = np.empty(tau)
    H = np.empty((tau, tau))
    scratch = np.empty(n)
    work = (np.empty(tau), np.empty(tau), np.empty(tau), np.empty(n))
    delta = work[0]
    perm = np.arange(m)
    score = np.zeros(m)
    weights = np.empty(m)
    cum = np.empty(max(n_blocks, 1))
    if not variable and sel == SEL_LIPSCHITZ:
        acc = 0.0
        for b in range(n_blocks):
            acc += Lb[b]
            cum[b] = acc
    if use_gram:
        grad_subset(kx, y, z, df, dfp, lsq, ws, gvec)
    have_g = use_gram
    hessian = (upd == UPD_NEWTON or upd == UPD_TMP) and not lsq
    for it in range(n_updates):
        nb = 0
        blk = -1
        if greedy:
            if not use_gram:
                grad_subset(kx, y, z, df, dfp, lsq, ws, gvec)
                have_g = True
            _greedy_scores(sel, variable, ws, w, gvec, L, Dg, pen, pp, score)
            if not variable:
                blk = _best_fixed_block(sel, ws, w, gvec, plan, score, pen, pp, smooth, gb, wb,
                                        js)
            elif sel == SEL_GSQ:
                nb = greedy_block(kx, ws, gvec, L, curv, inv_n, tau, score, bpos, w, pen, pp)
            else:
                nb = top_tau(score, m, tau, bpos)
        else:
            nb, blk = _random_block(sel, variable, it, n_blocks, tau, plan, bpos, perm,
                                    weights, cum)
        if blk >= 0:
            nb = blk_ptr[blk + 1] - blk_ptr[blk]
            for a in range(nb):
                bpos[a] = blk_pos[blk_ptr[blk] + a]
        if nb == 0:
            continue
        for a in range(nb):
            js[a] = ws[bpos[a]]
            wb[a] = w[js[a]]
            gb[a] = gvec[bpos[a]] if have_g else column_grad(kx, js[a], y, z, df, dfp, lsq, inv_n)
        if upd != UPD_GRADIENT or (blk < 0 and nb > 1):
            if use_gram and not hessian:
                for a in range(nb):
                    for c in range(nb):
                        H[a, c] = curv * G[bpos[a], bpos[c]]
            else:
                block_matrix(kx, js, nb, y, z, df, dfp, hessian, curv, H, scratch)
        Lblk = _block_constant(kx, js, nb, blk, plan, upd, hessian, y, z, parts, H, scratch)
        if upd == UPD_GRADIENT:
            moved = gradient_delta(nb, wb, js, gb, Lblk, pen, pp, delta)
        elif upd == UPD_TMP:
            moved = two_metric_delta(kx, js, nb, wb, gb, H, Lblk, y, z, parts, work)
        else:
            moved = model_delta(kx, js, nb, wb, gb, H, Lblk, hessian, y, z, parts, work)
        if not moved:
            continue
        for a in range(nb):
            if delta[a] != 0.0:
                w[js[a]] = wb[a] + delta[a]
                column_axpy(kx, js[a], delta[a], z)
                if use_gram:
                    pa = bpos[a]
                    for k in range(m):
                        gvec[k] += G[k, pa] * delta[a]
        if not use_gram:
            have_g = False
        if fit_intercept and (it + 1) % n_blocks == 0:
            intercept_step(df, dfp, lsq, curv, y, z, intercept)
