"""JSON API of the disclosure log (R-89): record an authority's request, approve it, carry it out with
the minimum data, lift a prohibition to tell the person; every call needs `disclosures:approve`."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from lawful.actor import Actor
from lawful.errors import Forbidden
from lawful.web import AppKeys, Db, require

from . import service
from .models import Disclosure
from .rules import APPROVE
from .schemas import DisclosedRead, DisclosureCreate, DisclosureRead

router = APIRouter(prefix="/api/dsr/disclosures", tags=["disclosures"])
Approver = Annotated[Actor, Depends(require(APPROVE))]


@router.post("", status_code=201)
def create(body: DisclosureCreate, db: Db, actor: Approver) -> DisclosureRead:
    """Record a request: requester, legal basis and reference, people and data categories, date received,
    and whether a legal prohibition forbids telling the person (422 naming each field at fault)."""
    row = service.create(db, actor, organisation_id=_org(actor), **body.model_dump())
    return _read(db, row)


@router.get("")
def list_all(
    db: Db,
    actor: Approver,
    status: Annotated[str | None, Query(pattern="^(requested|approved|disclosed)$")] = None,
) -> list[DisclosureRead]:
    """The log, newest first."""
    rows = service.list_disclosures(db, organisation_id=_org(actor), status=status)
    people = service.people_of(db, disclosure_ids=[r.id for r in rows])
    return [DisclosureRead.of(r, people[r.id]) for r in rows]


@router.get("/{disclosure_id}")
def one(disclosure_id: uuid.UUID, db: Db, actor: Approver) -> DisclosureRead:
    return _read(db, service.get(db, disclosure_id=disclosure_id, organisation_id=_org(actor)))


@router.post("/{disclosure_id}/approve")
def approve(disclosure_id: uuid.UUID, db: Db, actor: Approver) -> DisclosureRead:
    _org(actor)
    return _read(db, service.approve(db, actor, disclosure_id=disclosure_id))


@router.post("/{disclosure_id}/disclose")
def disclose(disclosure_id: uuid.UUID, db: Db, keys: AppKeys, actor: Approver) -> DisclosedRead:
    """409 unless approved. The answer carries the values that went, once; the log keeps categories."""
    _org(actor)
    done = service.disclose(db, actor, keys, disclosure_id=disclosure_id)
    read = _read(db, done.disclosure)
    return DisclosedRead(**read.model_dump(), data=done.data)


@router.post("/{disclosure_id}/lift-prohibition")
def lift_prohibition(disclosure_id: uuid.UUID, db: Db, keys: AppKeys, actor: Approver) -> DisclosureRead:
    """The prohibition to tell the person ended: a disclosure made is told to them now (409: none in force)."""
    _org(actor)
    return _read(db, service.lift_prohibition(db, actor, keys, disclosure_id=disclosure_id))


def _read(db: Session, row: Disclosure) -> DisclosureRead:
    return DisclosureRead.of(row, service.people_of(db, disclosure_ids=[row.id])[row.id])


def _org(actor: Actor) -> uuid.UUID:
    if actor.organisation_id is None:
        raise Forbidden("this key belongs to no organisation")
    return actor.organisation_id
