"""IRS-MIMO channel simulation: array responses, angular dictionaries, pilots, metrics and
Monte-Carlo NMSE curves."""

from ._curves import NMSECurves, nmse_vs_snr, support_oracle
from ._irs import (
    IRSChannel,
    IRSMIMOScenario,
    angular_dictionary,
    array_response,
    nmse,
    nmse_db,
    qpsk_pilots,
    ser_qpsk,
    upa_response,
)

__all__ = [
    "IRSChannel",
    "IRSMIMOScenario",
    "NMSECurves",
    "angular_dictionary",
    "array_response",
    "nmse",
    "nmse_db",
    "nmse_vs_snr",
    "qpsk_pilots",
    "ser_qpsk",
    "support_oracle",
    "upa_response",
]
