"""Active multi-task source selection with Lasso-estimated task relevance."""

from ._curves import TaskSelectionCurves, task_selection_curves
from ._design import allocation_error, apportion, l1_relevance, l2_relevance, optimal_allocation
from ._relevance import LassoTaskRelevance
from ._representation import MultiTaskLinearRepresentation, fit_shared_representation
from ._selector import ActiveTaskSelector, epoch_budgets, n_epochs_auto

__all__ = [
    "ActiveTaskSelector",
    "LassoTaskRelevance",
    "MultiTaskLinearRepresentation",
    "TaskSelectionCurves",
    "allocation_error",
    "apportion",
    "epoch_budgets",
    "fit_shared_representation",
    "l1_relevance",
    "l2_relevance",
    "n_epochs_auto",
    "optimal_allocation",
    "task_selection_curves",
]
