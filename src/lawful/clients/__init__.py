"""Processor mode: the client controllers the company processes data for, with their DPAs (Art. 28)."""

from . import ending, flows, instructions, subprocessors, vault
from .ending.models import ContractEnd
from .errors import ClientNotFound
from .schemas import ClientRead, SubProcessorRead
from .service import get_client, list_clients
from .subprocessors import SubProcessorChange

__all__ = [
    "ClientNotFound",
    "ClientRead",
    "ContractEnd",
    "SubProcessorChange",
    "SubProcessorRead",
    "ending",
    "flows",
    "get_client",
    "instructions",
    "list_clients",
    "subprocessors",
    "vault",
]
