"""Statistics for reporting: aggregates only, small cells suppressed, no identifiers (R-80)."""

from .rules import DEFAULT_MIN_CELL, Cell, Table, suppress
from .service import Dimension, consent_figures, request_figures, subject_figures

__all__ = [
    "DEFAULT_MIN_CELL",
    "Cell",
    "Dimension",
    "Table",
    "consent_figures",
    "request_figures",
    "subject_figures",
    "suppress",
]
