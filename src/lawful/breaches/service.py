"""Breach cases: open (staff, a processor's key, or a detector), complete the facts, note the investigation,
assess the risk, record each notification decision with its reasons, close. Every write is audited."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lawful import audit, clock
from lawful.actor import Actor, ActorKind
from lawful.errors import Conflict

from . import rules
from .errors import BreachClosed, BreachNotFound, BreachRefused, CloseRefused, DecisionRefused
from .models import Breach, BreachAlert, BreachDecision, BreachNote
from .rules import Audience, Reporter, Risk, Status
from .schemas import BreachCreate, BreachUpdate, DecisionCreate

PROCESSOR_SCOPE = "breaches:report"  # a processor's key: reports breaches, follows its own reports only
_TIMES = ("occurred_at", "detected_at", "aware_at")
_NUMBERING_ATTEMPTS = 5


@dataclass(frozen=True)
class Case:
    """A case with what the register shows of it."""

    breach: Breach
    notes: list[BreachNote]
    decisions: list[BreachDecision]
    alerts: list[BreachAlert]


def reporter_of(actor: Actor) -> Reporter:
    """Who reports: a processor through its own key (scope `breaches:report`), lawful itself, or staff."""
    if actor.kind is ActorKind.SYSTEM:
        return Reporter.SYSTEM
    if actor.kind is ActorKind.API_KEY and PROCESSOR_SCOPE in actor.permissions:
        return Reporter.PROCESSOR
    return Reporter.SYSTEM if actor.kind is ActorKind.API_KEY else Reporter.STAFF


def open_case(
    db: Session,
    actor: Actor,
    *,
    organisation_id: uuid.UUID,
    facts: BreachCreate,
    detector: str | None = None,
    signal_key: str | None = None,
    signal: dict[str, Any] | None = None,
) -> Breach:
    """R-93: a new case, numbered B-n in its organisation; the 72-hour clock starts at `aware_at`. A
    detector's signal opens one case only, however often it is seen (`signal_key`)."""
    now = clock.now()
    _ensure_not_future({name: getattr(facts, name) for name in _TIMES}, now)
    if signal_key is not None and (found := _by_signal(db, organisation_id, signal_key)) is not None:
        return found
    values = facts.model_dump(mode="json", exclude=set(_TIMES) | {"nature"})
    breach = Breach(
        organisation_id=organisation_id,
        **values,
        nature=[str(n) for n in facts.nature],
        occurred_at=facts.occurred_at,
        occurred_recorded_by=actor.label if facts.occurred_at else None,
        detected_at=facts.detected_at,
        detected_recorded_by=actor.label if facts.detected_at else None,
        aware_at=facts.aware_at,
        aware_recorded_by=actor.label,
        deadline_at=rules.deadline(facts.aware_at),
        client_deadline_at=rules.client_deadline(facts.aware_at) if facts.client_controller else None,
        reported_by_kind=str(reporter_of(actor)),
        reported_by=actor.label[:200],
        reported_by_key_id=actor.id if actor.kind is ActorKind.API_KEY else None,
        detector=detector,
        signal_key=signal_key,
        signal=dict(signal or {}),
        status=str(Status.OPEN),
        created_at=now,
        updated_at=now,
    )
    if not _insert_numbered(db, breach):
        found = _by_signal(db, organisation_id, signal_key) if signal_key else None
        if found is None:  # other cases kept taking the next number: a burst; the caller may retry
            raise Conflict("the case could not be numbered now; try again")
        return found
    audit.record(
        db,
        actor,
        "breach.opened",
        entity=breach,
        organisation_id=organisation_id,
        data={"reference": breach.reference, "reporter": breach.reported_by_kind, "detector": detector},
    )
    return breach


def update(
    db: Session, actor: Actor, *, organisation_id: uuid.UUID, reference: str, changes: BreachUpdate
) -> Breach:
    """Facts learnt since the case opened; each time says who recorded it. Only the fields sent change."""
    breach = _writable(db, organisation_id, reference)
    sent = changes.model_fields_set
    cleared = [
        _missing(name) for name in ("title", "aware_at") if name in sent and getattr(changes, name) is None
    ]
    if cleared:  # a case always has its title, and its clock its awareness time
        raise BreachRefused("these cannot be emptied: " + _paths(cleared), problems=cleared)
    _ensure_not_future({name: getattr(changes, name) for name in _TIMES if name in sent}, clock.now())
    dumped = changes.model_dump(mode="json", include=sent)
    changed = []
    for name in sorted(sent):
        value = getattr(changes, name) if name in _TIMES else dumped[name]
        if name == "nature":
            value = [str(n) for n in changes.nature]
        if getattr(breach, name) != value:
            setattr(breach, name, value)
            changed.append(name)
            if name in _TIMES:
                setattr(breach, name.replace("_at", "_recorded_by"), actor.label if value else None)
    if "aware_at" in changed:
        breach.deadline_at = rules.deadline(breach.aware_at)
    if {"aware_at", "client_controller"} & set(changed):
        aware = breach.aware_at
        breach.client_deadline_at = rules.client_deadline(aware) if breach.client_controller else None
    if changed:
        breach.updated_at = clock.now()
        db.flush()
        audit.record(db, actor, "breach.updated", entity=breach, data=_about(breach, fields=changed))
    return breach


def add_note(
    db: Session, actor: Actor, *, organisation_id: uuid.UUID, reference: str, text: str
) -> BreachNote:
    """R-93: a step of the investigation into the cause, kept with its author and time."""
    breach = get(db, organisation_id=organisation_id, reference=reference)
    note = BreachNote(
        breach_id=breach.id, author=actor.label[:200], author_id=actor.id, at=clock.now(), text=text
    )
    db.add(note)
    db.flush()
    audit.record(db, actor, "breach.noted", entity=note, organisation_id=organisation_id, data=_about(breach))
    return note


def assess(
    db: Session, actor: Actor, *, organisation_id: uuid.UUID, reference: str, risk: Risk, rationale: str
) -> Breach:
    """Art. 33(1), 34(1): the risk to people and why; it decides what must be notified (rules.obligations)."""
    breach = _writable(db, organisation_id, reference)
    if not rationale.strip():
        raise BreachRefused("a risk level needs its rationale", problems=[_missing("rationale")])
    before = breach.risk
    breach.risk, breach.risk_rationale = str(risk), rationale
    breach.assessed_at, breach.assessed_by = clock.now(), actor.label[:200]
    if breach.status == Status.OPEN:
        breach.status = str(Status.ASSESSED)
    breach.updated_at = clock.now()
    db.flush()
    audit.record(
        db, actor, "breach.assessed", entity=breach, data=_about(breach, before=before, risk=str(risk))
    )
    return breach


def decide(
    db: Session, actor: Actor, *, organisation_id: uuid.UUID, reference: str, decision: DecisionCreate
) -> BreachDecision:
    """Art. 33(5): a decision to notify or not, always with reasons (T-26); late ones with the reason for
    the delay; phased notification as initial then follow-ups (Art. 33(4))."""
    breach = _writable(db, organisation_id, reference)
    now = clock.now()
    at = decision.decided_at or now
    _ensure_not_future({"decided_at": at}, now)
    facts = rules.DecisionFacts(
        audience=decision.audience,
        notify=decision.notify,
        reasons=decision.reasons,
        phase=decision.phase,
        decided_at=at,
        late_reason=decision.late_reason,
        exemption=decision.exemption,
        public_notice_url=decision.public_notice_url,
    )
    problems = rules.decision_problems(
        facts, aware_at=breach.aware_at, risk=Risk(breach.risk) if breach.risk else None
    )
    if problems:
        raise DecisionRefused("the decision cannot be recorded: " + _paths(problems), problems=problems)
    row = BreachDecision(
        breach_id=breach.id,
        **decision.model_dump(mode="json", exclude={"decided_at"}),
        decided_at=at,
        decided_by=actor.label[:200],
        decided_by_id=actor.id,
    )
    db.add(row)
    if decision.notify and decision.audience in (Audience.AUTHORITY, Audience.PEOPLE):
        breach.status = str(Status.NOTIFIED)
    breach.updated_at = now
    db.flush()
    late = decision.audience is Audience.AUTHORITY and rules.is_late(breach.aware_at, at)
    data = _about(breach, audience=str(decision.audience), notify=decision.notify, phase=str(decision.phase))
    audit.record(
        db, actor, "breach.decided", entity=row, organisation_id=organisation_id, data=data | {"late": late}
    )
    return row


def close(db: Session, actor: Actor, *, organisation_id: uuid.UUID, reference: str) -> Breach:
    """R-94: closed with its assessment and decisions; the case stays in the register."""
    breach = _writable(db, organisation_id, reference)
    decided = {Audience(d.audience) for d in _decisions(db, breach.id)}
    problems = rules.close_problems(risk=Risk(breach.risk) if breach.risk else None, decided=decided)
    if problems:
        raise CloseRefused("the case cannot be closed yet: " + _paths(problems), problems=problems)
    breach.status, breach.closed_at, breach.closed_by = str(Status.CLOSED), clock.now(), actor.label[:200]
    breach.updated_at = breach.closed_at
    db.flush()
    audit.record(db, actor, "breach.closed", entity=breach, data=_about(breach))
    return breach


def find(db: Session, *, organisation_id: uuid.UUID, reference: str) -> Breach | None:
    query = select(Breach).where(
        Breach.organisation_id == organisation_id, Breach.reference == reference.strip().upper()
    )
    return db.scalars(query).first()


def get(
    db: Session, *, organisation_id: uuid.UUID, reference: str, reported_by_key_id: uuid.UUID | None = None
) -> Breach:
    """The case; with `reported_by_key_id`, only if that key reported it (a processor sees its own)."""
    breach = find(db, organisation_id=organisation_id, reference=reference)
    if breach is None or (reported_by_key_id is not None and breach.reported_by_key_id != reported_by_key_id):
        raise BreachNotFound("no such breach case")
    return breach


def list_cases(
    db: Session,
    *,
    organisation_id: uuid.UUID,
    reported_by_key_id: uuid.UUID | None = None,
    status: str | None = None,
) -> list[Breach]:
    """R-94: the register, every case notified or not, the newest first."""
    query = select(Breach).where(Breach.organisation_id == organisation_id).order_by(Breach.number.desc())
    if reported_by_key_id is not None:
        query = query.where(Breach.reported_by_key_id == reported_by_key_id)
    if status is not None:
        query = query.where(Breach.status == status)
    return list(db.scalars(query))


def case(db: Session, *, breach: Breach) -> Case:
    notes = db.scalars(select(BreachNote).where(BreachNote.breach_id == breach.id).order_by(BreachNote.at))
    alerts = db.scalars(
        select(BreachAlert).where(BreachAlert.breach_id == breach.id).order_by(BreachAlert.threshold_hours)
    )
    return Case(breach, list(notes), _decisions(db, breach.id), list(alerts))


def _decisions(db: Session, breach_id: uuid.UUID) -> list[BreachDecision]:
    query = select(BreachDecision).where(BreachDecision.breach_id == breach_id)
    return list(db.scalars(query.order_by(BreachDecision.decided_at)))


def _writable(db: Session, organisation_id: uuid.UUID, reference: str) -> Breach:
    breach = get(db, organisation_id=organisation_id, reference=reference)
    if breach.status == Status.CLOSED:
        raise BreachClosed(f"{breach.reference} is closed; its record is kept as it was closed")
    return breach


def _insert_numbered(db: Session, breach: Breach) -> bool:
    """Number the case after the organisation's last; a concurrent opening of the same number (or of the
    same signal) fails its savepoint, and the next number is tried. False: the signal was already there."""
    for _ in range(_NUMBERING_ATTEMPTS):
        last = db.scalar(
            select(func.max(Breach.number)).where(Breach.organisation_id == breach.organisation_id)
        )
        breach.number = (last or 0) + 1
        breach.reference = rules.reference(breach.number)
        try:
            with db.begin_nested():
                db.add(breach)
                db.flush()
            return True
        except IntegrityError:
            if breach.signal_key and _by_signal(db, breach.organisation_id, breach.signal_key):
                return False
    return False


def _by_signal(db: Session, organisation_id: uuid.UUID, signal_key: str) -> Breach | None:
    query = select(Breach).where(Breach.organisation_id == organisation_id, Breach.signal_key == signal_key)
    return db.scalars(query).first()


def _ensure_not_future(times: dict[str, datetime | None], now: datetime) -> None:
    problems = [
        {"path": name, "message": "this time is in the future"}
        for name, value in times.items()
        if value is not None and value > now
    ]
    if problems:
        raise BreachRefused(
            "a breach's times cannot be in the future: " + _paths(problems), problems=problems
        )


def _about(breach: Breach, **data: Any) -> dict[str, Any]:
    """What the audit keeps: the case's reference and field names or levels, never the facts' text."""
    return {"reference": breach.reference, **data}


def _missing(path: str) -> dict[str, str]:
    return {"path": path, "message": "required"}


def _paths(problems: Sequence[dict[str, str]]) -> str:
    return ", ".join(p["path"] for p in problems)
