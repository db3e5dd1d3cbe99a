"""
Kronecker SBL on synthetic Kronecker-sparse problems
====================================================

Two real 16 x 32 factors (256 measurements, 1024 unknowns) and a vector whose support is a 3 x 3
grid (:func:`~sparseopt.datasets.make_kronecker_sparse`). We compare the median NMSE and the fit
time of SVD-KroSBL, AM-KroSBL and classical SBL on the dense 256 x 1024 dictionary as the SNR
grows, with the noise variance known. The size follows the environment variable
``SPARSEOPT_EXAMPLE_SIZE``: unset (or ``gallery``) 5 trials per SNR, ``small`` one trial at two
SNRs with 8 x 16 factors (used by the tests), ``full`` 20 trials per SNR for smoother curves.
"""

# %%
import os
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np

from sparseopt.bayes import KroneckerSBL, SparseBayesianRegression
from sparseopt.datasets import make_kronecker_sparse
from sparseopt.operators import KroneckerOperator

SIZE = os.environ.get("SPARSEOPT_EXAMPLE_SIZE", "gallery")  # "small", "gallery" or "full"
N_TRIALS = {"small": 1, "gallery": 5, "full": 20}[SIZE]
SNRS = [10, 30] if SIZE == "small" else [10, 20, 30]
SHAPES = [(8, 16), (8, 16)] if SIZE == "small" else [(16, 32), (16, 32)]
methods = ["SVD-KroSBL", "AM-KroSBL", "classical SBL"]
nmse = {m: np.zeros((len(SNRS), N_TRIALS)) for m in methods}
times = {m: [] for m in methods}
for i, snr in enumerate(SNRS):
    for trial in range(N_TRIALS):
        factors, y, x, s2 = make_kronecker_sparse(SHAPES, 3, snr,
                                                  random_state=trial)
        H = KroneckerOperator(factors)
        estimators = {
            "SVD-KroSBL": (KroneckerSBL("svd", noise_variance=s2), H),
            "AM-KroSBL": (KroneckerSBL("am", noise_variance=s2), H),
            "classical SBL": (SparseBayesianRegression(fit_intercept=False, noise_variance=s2),
                              H.toarray()),
        }
        for m, (est, design) in estimators.items():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                t0 = time.perf_counter()
                coef = est.fit(design, y).coef_
                times[m].append(time.perf_counter() - t0)
            nmse[m][i, trial] = 10 * np.log10(np.sum((coef - x) ** 2) / np.sum(x**2))
for m in methods:
    print(f"{m:14s} median NMSE (dB) " + " ".join(f"{v:6.1f}" for v in np.median(nmse[m], 1))
          + f"   median time {np.median(times[m]):.3f} s")

# %%
fig, ax = plt.subplots(figsize=(6, 4))
for m in methods:
    ax.plot(SNRS, np.median(nmse[m], axis=1), "o-", label=m)
ax.set_xlabel("SNR (dB)")
ax.set_ylabel("median NMSE (dB)")
ax.legend()
plt.tight_layout()
plt.show()
