"""The Art. 30(2) record of processing carried out for client controllers (R-105)."""

from .files import write
from .record import record
from .service import processor_record

__all__ = ["processor_record", "record", "write"]
