"""Processor mode: the client controllers the company processes data for, with their DPAs (Art. 28)."""

from .errors import ClientNotFound
from .schemas import ClientRead, SubProcessorRead
from .service import get_client, list_clients

__all__ = ["ClientNotFound", "ClientRead", "SubProcessorRead", "get_client", "list_clients"]
