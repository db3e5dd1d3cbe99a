"""Linear DAG structure learning: CoLiDE (and DAGMA's baseline), simulation and metrics."""

from ._acyclicity import acyclicity, acyclicity_grad, is_dag, threshold_to_dag
from ._baselines import sort_n_regress
from ._benchmark import DagBenchmark, benchmark_dags
from ._colide import CoLiDE
from ._metrics import count_accuracy, varsortability
from ._path import DAGMA_DEFAULTS, DagPathResult, colide_solve
from ._simulate import (
    linear_sem_covariance,
    simulate_dag,
    simulate_linear_sem,
    simulate_noise_scales,
    simulate_parameter,
)

__all__ = [
    "DAGMA_DEFAULTS",
    "CoLiDE",
    "DagBenchmark",
    "DagPathResult",
    "acyclicity",
    "acyclicity_grad",
    "benchmark_dags",
    "colide_solve",
    "count_accuracy",
    "is_dag",
    "linear_sem_covariance",
    "simulate_dag",
    "simulate_linear_sem",
    "simulate_noise_scales",
    "simulate_parameter",
    "sort_n_regress",
    "threshold_to_dag",
    "varsortability",
]
