"""IRS-MIMO channel simulation: array responses, angular dictionaries, pilots and metrics."""

from ._irs import (
    IRSChannel,
    IRSMIMOScenario,
    angular_dictionary,
    array_response,
    nmse,
    nmse_db,
    qpsk_pilots,
    upa_response,
)

__all__ = [
    "IRSChannel",
    "IRSMIMOScenario",
    "angular_dictionary",
    "array_response",
    "nmse",
    "nmse_db",
    "qpsk_pilots",
    "upa_response",
]
