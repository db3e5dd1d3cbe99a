"""The multi-task least-squares row kernel against a plain numpy transcription of its steps."""

import numpy as np
import pytest
import scipy.sparse as sp

from sparseopt.datafits import QuadraticMultiTask
from sparseopt.penalties import GroupL2
from sparseopt.solvers.bcd._design import Design
from sparseopt.solvers.bcd._kernels_rows import quadratic_row_epochs


def _reference_epochs(X, Y, Z, W, b, fit_intercept, L, alpha, gw, order, n_epochs):
    """Cyclic exact row steps: ``W_j <- prox(W_j - X_j^T (Z - Y) / (n L_j))``, then the
    intercept step ``b -= mean(Z - Y)``; returns the last epoch's ``max(L_j ||dW_j||,
    ||intercept step||)``."""
    n = X.shape[0]
    for _ in range(n_epochs):
        worst = 0.0
        for j in order:
            xj = X[:, j]
            u = W[j] - xj @ (Z - Y) / (n * L[j])
            nrm = np.linalg.norm(u)
            scale = max(0.0, 1.0 - alpha * gw[j] / (L[j] * nrm)) if nrm > 0 else 0.0
            dw = scale * u - W[j]
            W[j] += dw
            Z += np.outer(xj, dw)
            worst = max(worst, L[j] * np.linalg.norm(dw))
        if fit_intercept:
            step = -np.mean(Z - Y, axis=0)
            b += step
            Z += step
            worst = max(worst, np.linalg.norm(step))
    return worst


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("fit_intercept", [False, True])
def test_quadratic_row_epochs_match_numpy_steps(sparse, fit_intercept):
    rng = np.random.default_rng(0)
    n, p, K, alpha = 40, 25, 3, 0.05
    X = rng.standard_normal((n, p)) * (rng.random((n, p)) < 0.4)
    X[:, 7] = 0.0  # a column without curvature is skipped
    Y = rng.standard_normal((n, K))
    W0 = rng.standard_normal((p, K)) * (rng.random((p, 1)) < 0.3)
    b0 = rng.standard_normal(K) if fit_intercept else np.zeros(K)
    gw = rng.uniform(0.5, 1.5, p)
    order = rng.permutation(p).astype(np.int64)
    design = Design.of(sp.csc_matrix(X) if sparse else np.asfortranarray(X))
    L = QuadraticMultiTask().row_lipschitz(design.X)
    pen = GroupL2(alpha, groups=K)
    W, b = W0.copy(), b0.copy()
    Z = np.ascontiguousarray(X @ W + b)
    residual = quadratic_row_epochs(design.kx, Y, Z, W, b, fit_intercept, L, int(pen.code),
                                    pen.kernel_params(), gw, order, 3)
    W_ref, b_ref = W0.copy(), b0.copy()
    Z_ref = X @ W_ref + b_ref
    keep = order[L[order] > 0]
    residual_ref = _reference_epochs(X, Y, Z_ref, W_ref, b_ref, fit_intercept, L, alpha, gw,
                                     keep, 3)
    np.testing.assert_allclose(W, W_ref, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(b, b_ref, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(Z, Z_ref, rtol=1e-10, atol=1e-12)
    assert residual == pytest.approx(residual_ref, rel=1e-9)
    assert residual > 0 and np.any(W != W0)
