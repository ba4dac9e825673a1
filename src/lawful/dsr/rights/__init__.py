"""What each right does (Art. 15-21), one function per step; steps.py runs them exactly once."""

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from lawful import keystore
from lawful.actor import Actor

from .. import cases, fees, objections
from ..models import Request
from . import access, answer, changes, client_answer, erasure, portability
from .access import access_report

__all__ = ["HANDLERS", "ORDER", "Handler", "access_report"]

Handler = Callable[[Session, Actor, keystore.Keys, Request, str], dict[str, Any]]
HANDLERS: dict[str, Handler] = {
    "acknowledge": cases.acknowledge,  # questions and complaints, before a person answers
    "fee_quote": fees.tell_quote,  # the only step of a request held for its fee (fees.py)
    "access": access.access,
    "portability": portability.portability,
    "rectification": changes.rectification,
    "restriction": changes.restriction,
    "objection": changes.objection,
    "erasure": erasure.erase,
    "notify_recipients": answer.notify_recipients,
    "answer": answer.answer,
    "client_answer": client_answer.client_answer,  # on a client controller's instruction
    objections.NOTIFY_STEP: objections.notify_decision,  # after the officer's decision (objections.py)
}
# access and portability read before erasure deletes; recipients hear before the answer goes out
ORDER = (
    "acknowledge",
    "datastore_access",  # the company's other datastores, one step each (datastores.py), before the report
    "access",
    "datastore_portability",  # likewise before the portable copy is put together
    "portability",
    "rectification",
    "restriction",
    "objection",
    "datastore_erasure",
    "erasure",
    "notify_recipients",
    "answer",
    "client_answer",
    objections.NOTIFY_STEP,
)
