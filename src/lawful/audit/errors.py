"""Audit errors."""

from lawful.errors import Conflict


class ChainBroken(Conflict):
    code = "audit_chain_broken"
