"""Fulfilment: each step does its work and records it in the same transaction, so a crash between
steps resumes at the first step not done, and no step is done twice (ARCHITECTURE §3.5)."""

import uuid

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from lawful import audit, clock, keystore
from lawful.actor import Actor
from lawful.db import table_of

from . import datastores, writes
from .models import Request, Step
from .packages import download_token, packages, part
from .rights import HANDLERS, ORDER

__all__ = ["download_token", "list_steps", "packages", "part", "pending_requests", "run_next"]

_STEPS = table_of(Step)
# built once: a step's statements differ only in their values
_STEPS_OF = (
    select(Step).where(Step.request_id == bindparam("request_id")).order_by(Step.updated_at, Step.kind)
)
_LOCKED = _STEPS_OF.with_for_update(skip_locked=True)
_DONE = update(_STEPS).where(_STEPS.c.id == bindparam("step_id"))


def run_next(
    db: Session, actor: Actor, keys: keystore.Keys, *, request_id: uuid.UUID, base_url: str
) -> Step | None:
    """Run the first pending step of a request; the caller commits after each one."""
    # every step of the request, locked on PostgreSQL: one worker at a time
    query = _LOCKED if db.get_bind().dialect.name == "postgresql" else _STEPS_OF
    found = list(db.scalars(query, {"request_id": request_id}))
    ordered = sorted(
        (s for s in found if s.status == "pending"),
        key=lambda s: ORDER.index(datastores.base(s.kind)) if datastores.base(s.kind) in ORDER else 99,
    )
    if not ordered:
        return None
    step, request = ordered[0], db.get(Request, request_id)
    assert request is not None
    run = HANDLERS.get(step.kind) or datastores.handler(step.kind)
    with writes.gathering(db), writes.steps_known(db, request_id, found):
        result = run(db, actor, keys, request, base_url)
        # counted with the outcome, in one UPDATE: an attempt that fails is rolled back with its work
        done = {"attempts": step.attempts + 1, "result": result, "status": "done", "updated_at": clock.now()}
        db.execute(_DONE, {"step_id": step.id, **done})
        for name, value in done.items():  # as written: the session has nothing left to flush for it
            set_committed_value(step, name, value)
        entry = audit.entry(
            actor,
            f"dsr.step_{step.kind}",
            entity=request,
            organisation_id=request.organisation_id,
            data={"step": step.kind},
        )
        writes.add(db, audit.TABLE, [entry])
        writes.write(db)
    return step


def pending_requests(db: Session) -> list[uuid.UUID]:
    return list(db.scalars(select(Step.request_id).where(Step.status == "pending").distinct()))


def list_steps(db: Session, *, request_id: uuid.UUID) -> list[Step]:
    """A request's steps in the order they run (the console shows each with its status and attempts)."""
    found = db.scalars(select(Step).where(Step.request_id == request_id).order_by(Step.updated_at, Step.kind))
    return sorted(
        found, key=lambda s: ORDER.index(datastores.base(s.kind)) if datastores.base(s.kind) in ORDER else 99
    )
