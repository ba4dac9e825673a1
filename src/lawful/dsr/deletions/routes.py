"""JSON API of what rights requests delete on their own, for the key's organisation only: the automatic
deletions (R-62), the sweep of what requests leave behind (R-81, R-82) and the tombstones that erase again
after a restore (R-59). Mounted before /api/dsr/{request_id}: `deletions` and `tombstones` are no ids."""

import dataclasses
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from lawful import clock, work
from lawful.actor import Actor
from lawful.errors import Forbidden
from lawful.web import AppKeys, AppSettings, Db, require

from .. import deletions, housekeeping, tombstones
from ..errors import DeletionNotFound
from .schemas import DeletionRead, DeletionRun

router = APIRouter(prefix="/api/dsr", tags=["rights requests"])
Reader = Annotated[Actor, Depends(require("dsr:read"))]
Writer = Annotated[Actor, Depends(require("dsr:write"))]


@router.get("/deletions")
def list_deletions(
    db: Db,
    actor: Reader,
    status: Annotated[str | None, Query(pattern="^(scheduled|done)$")] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 200,
) -> list[DeletionRead]:
    """Scheduled and executed automatic deletions, newest first: what went, what stayed and why."""
    found = deletions.list_deletions(db, organisation_id=_org(actor), status=status, limit=limit)
    references = deletions.references(db, request_ids=[d.request_id for d in found if d.request_id])
    return [DeletionRead.of(d, references.get(d.request_id) if d.request_id else None) for d in found]


@router.get("/deletions/{deletion_id}")
def show_deletion(deletion_id: uuid.UUID, db: Db, actor: Reader) -> DeletionRead:
    """One automatic deletion item by item: each category deleted, or kept with its reason and end date."""
    row = deletions.get(db, deletion_id=deletion_id, organisation_id=_org(actor))
    if row is None:
        raise DeletionNotFound("no such automatic deletion")
    references = deletions.references(db, request_ids=[row.request_id] if row.request_id else [])
    return DeletionRead.of(row, references.get(row.request_id) if row.request_id else None)


@router.post("/deletions/run")
def run_deletions(db: Db, keys: AppKeys, actor: Writer) -> DeletionRun:
    """Schedule what new withdrawals and objections call for and carry out what is due (what the worker
    does every five minutes), each deletion committed on its own."""
    organisation_id = _org(actor)
    planned = deletions.plan(db, actor, organisation_id=organisation_id)
    work.checkpoint(db)
    done = 0
    for deletion_id in deletions.due(db, now=clock.now(), organisation_id=organisation_id):
        done += deletions.execute(db, actor, keys, deletion_id=deletion_id) is not None
        work.checkpoint(db)  # each deletion durable on its own, as in the worker
    return DeletionRun(scheduled=planned, carried_out=done)


@router.post("/sweep")
def sweep(db: Db, keys: AppKeys, actor: Writer) -> dict[str, int]:
    """Delete what requests leave behind (R-81, R-82): answers a day after their link expired, used or
    expired codes, closed requests past the register's keeping period (what the worker does hourly)."""
    swept = housekeeping.sweep(db, actor, keys, organisation_id=_org(actor))
    return dataclasses.asdict(swept)


@router.get("/tombstones")
def tombstone_status(keys: AppKeys, actor: Reader, settings: AppSettings) -> dict[str, Any]:
    """How many erasures are remembered, the newest, and how long they are kept."""
    count, newest = tombstones.status(keys, organisation_id=_org(actor))
    return {
        "count": count,
        "newest": newest.isoformat() if newest else None,
        "kept_days": settings.backup_rotation_days,
    }


class TombstonesApply(BaseModel):
    model_config = ConfigDict(extra="forbid")

    dry_run: bool = Field(default=False, description="say what would be erased, change nothing")


@router.post("/tombstones/apply")
def apply_tombstones(body: TombstonesApply, db: Db, keys: AppKeys, actor: Writer) -> dict[str, int | bool]:
    """After restoring the main database: erase again everyone erased since that backup. A dry run that
    finds some answers 200 with `found_some` (the command's exit status 1)."""
    found = tombstones.apply(db, actor, keys, dry_run=body.dry_run, organisation_id=_org(actor))
    return found.summary()


@router.post("/tombstones/sweep")
def sweep_tombstones(db: Db, keys: AppKeys, actor: Writer, settings: AppSettings) -> dict[str, int]:
    """Drop the tombstones older than the backup rotation: no backup that needs them is left."""
    dropped = tombstones.sweep_recorded(
        db, actor, keys, rotation_days=settings.backup_rotation_days, organisation_id=_org(actor)
    )
    return {"dropped": dropped}


def _org(actor: Actor) -> uuid.UUID:
    if actor.organisation_id is None:
        raise Forbidden("this key belongs to no organisation")
    return actor.organisation_id
