"""JSON API of breach cases: /api/breaches. A processor's key (scope `breaches:report`) reports cases
and follows its own reports; `breaches:read` sees the whole register, `breaches:write` keeps it."""

import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from lawful import clock
from lawful.actor import Actor
from lawful.errors import Forbidden
from lawful.web import ApiActor, AppKeys, AppSettings, Db, require

from . import alerts, detectors, service
from .rules import Status
from .schemas import (
    AlertSent,
    AssessmentCreate,
    BreachCreate,
    BreachRead,
    BreachSummary,
    BreachUpdate,
    DecisionCreate,
    DecisionRead,
    Detected,
    DetectionCreate,
    NoteCreate,
    NoteRead,
    read,
)

router = APIRouter(prefix="/api/breaches", tags=["breaches"])
READ, WRITE, REPORT = "breaches:read", "breaches:write", service.PROCESSOR_SCOPE
Reference = Annotated[str, Path(pattern=r"^[Bb]-[1-9][0-9]{0,8}$", description="the case, e.g. B-1")]


def _any_of(*permissions: str) -> Callable[..., Awaitable[Actor]]:
    async def dependency(actor: ApiActor) -> Actor:
        if not any(actor.can(p) for p in permissions):
            raise Forbidden(f"this key lacks the {' or '.join(map(repr, permissions))} scope")
        return actor

    return dependency


Reporter = Annotated[Actor, Depends(_any_of(WRITE, REPORT))]
Reader = Annotated[Actor, Depends(_any_of(READ, REPORT))]
Writer = Annotated[Actor, Depends(require(WRITE))]


def _org(actor: Actor) -> uuid.UUID:
    assert actor.organisation_id is not None  # an API key always belongs to an organisation
    return actor.organisation_id


def _own(actor: Actor) -> uuid.UUID | None:
    """A processor's key sees only the cases it reported; a keeper or reader of the register sees them all."""
    return None if actor.can(READ) or actor.can(WRITE) else actor.id


@router.post("", status_code=201)
def open_case(body: BreachCreate, db: Db, actor: Reporter) -> BreachRead:
    """R-93: report a suspected breach; the 72-hour clock starts at `aware_at`."""
    breach = service.open_case(db, actor, organisation_id=_org(actor), facts=body)
    return read(service.case(db, breach=breach))


@router.get("")
def register(db: Db, actor: Reader, status: Annotated[Status | None, Query()] = None) -> list[BreachSummary]:
    """R-94: every case, notified or not, the newest first."""
    found = service.list_cases(db, organisation_id=_org(actor), reported_by_key_id=_own(actor), status=status)
    return [BreachSummary.model_validate(b) for b in found]


@router.post("/alerts")
def send_alerts(db: Db, keys: AppKeys, settings: AppSettings, actor: Writer) -> list[AlertSent]:
    """R-95: mail the clock's alerts due now to the privacy officers, each once, as the hourly job does;
    for the key's organisation only."""
    sent = alerts.send_alerts(
        db, actor, keys, now=clock.now(), base_url=settings.base_url, organisation_id=_org(actor)
    )
    return [AlertSent(reference=a.reference, hours=a.threshold_hours, officers=a.officers) for a in sent]


@router.post("/detections")
def detect(db: Db, keys: AppKeys, actor: Writer, body: DetectionCreate | None = None) -> list[Detected]:
    """R-93: run the detectors now (`only` those named), as the job does, over the key's organisation:
    each signal opens one case, found again rather than opened twice."""
    only = body.only if body is not None else None
    found = detectors.detect(db, actor, keys, now=clock.now(), only=only, organisation_id=_org(actor))
    return [Detected.model_validate(b) for b in found]


@router.get("/{reference}")
def show(reference: Reference, db: Db, actor: Reader) -> BreachRead:
    breach = service.get(db, organisation_id=_org(actor), reference=reference, reported_by_key_id=_own(actor))
    return read(service.case(db, breach=breach))


@router.patch("/{reference}")
def update(reference: Reference, body: BreachUpdate, db: Db, actor: Writer) -> BreachRead:
    breach = service.update(db, actor, organisation_id=_org(actor), reference=reference, changes=body)
    return read(service.case(db, breach=breach))


@router.post("/{reference}/notes", status_code=201)
def add_note(reference: Reference, body: NoteCreate, db: Db, actor: Reporter) -> NoteRead:
    """An investigation note; a processor adds them to its own reports."""
    service.get(db, organisation_id=_org(actor), reference=reference, reported_by_key_id=_own(actor))
    note = service.add_note(db, actor, organisation_id=_org(actor), reference=reference, text=body.text)
    return NoteRead.model_validate(note)


@router.post("/{reference}/assessment")
def assess(reference: Reference, body: AssessmentCreate, db: Db, actor: Writer) -> BreachRead:
    breach = service.assess(
        db,
        actor,
        organisation_id=_org(actor),
        reference=reference,
        risk=body.risk,
        rationale=body.rationale,
    )
    return read(service.case(db, breach=breach))


@router.post("/{reference}/decisions", status_code=201)
def decide(reference: Reference, body: DecisionCreate, db: Db, actor: Writer) -> DecisionRead:
    """Art. 33(5): to notify or not, always with reasons; after 72 hours with the reason for the delay."""
    made = service.decide(db, actor, organisation_id=_org(actor), reference=reference, decision=body)
    return DecisionRead.model_validate(made)


@router.post("/{reference}/close")
def close(reference: Reference, db: Db, actor: Writer) -> BreachRead:
    breach = service.close(db, actor, organisation_id=_org(actor), reference=reference)
    return read(service.case(db, breach=breach))
