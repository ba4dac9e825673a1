"""The flags that limit the use of a person's data: restriction, legal hold, objection, the child flag."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import audit, clock
from lawful.actor import Actor

from . import rules
from .errors import HoldRefused, RestrictionRefused, SubjectNotFound
from .models import LegalHold, Objection, Restriction, Subject
from .schemas import RestrictionGround
from .service import get


def restrict(
    db: Session,
    actor: Actor,
    *,
    subject_id: uuid.UUID,
    ground: RestrictionGround,
    reason: str,
    activity: str | None = None,
) -> Restriction:
    """Art. 18: from now on only storage (for `activity`, or for everything)."""
    subject = get(db, subject_id=subject_id)
    if not reason.strip():
        raise RestrictionRefused("a restriction needs its reason")
    row = Restriction(
        subject_id=subject.id,
        organisation_id=subject.organisation_id,
        activity=activity,
        ground=str(ground),
        reason=reason,
        placed_at=clock.now(),
        placed_by=actor.label,
    )
    db.add(row)
    db.flush()
    audit.record(
        db,
        actor,
        "subjects.restricted",
        entity=row,
        organisation_id=subject.organisation_id,
        data={"subject_id": str(subject.id), "ground": str(ground), "activity": activity},
    )
    return row


def lift_restriction(
    db: Session, actor: Actor, *, restriction_id: uuid.UUID, informed_at: datetime | None
) -> Restriction:
    """Art. 18(3): the person is told before a restriction is lifted; without that, it stays."""
    row = db.get(Restriction, restriction_id)
    if row is None or row.lifted_at is not None:
        raise SubjectNotFound("no such active restriction")
    if informed_at is None or informed_at > clock.now():
        raise RestrictionRefused(
            "inform the person before lifting the restriction (Art. 18(3)), then record when"
        )
    row.informed_at, row.lifted_at, row.lifted_by = informed_at, clock.now(), actor.label
    audit.record(
        db,
        actor,
        "subjects.restriction_lifted",
        entity=row,
        organisation_id=row.organisation_id,
        data={"subject_id": str(row.subject_id)},
    )
    return row


def place_hold(
    db: Session,
    actor: Actor,
    *,
    subject_id: uuid.UUID,
    case_ref: str,
    reason: str,
    purpose: str,
    review_on: date | None,
) -> LegalHold:
    subject = get(db, subject_id=subject_id)
    if problem := rules.hold_problem(reason, case_ref, review_on, clock.today()):
        raise HoldRefused(problem)
    assert review_on is not None
    row = LegalHold(
        subject_id=subject.id,
        organisation_id=subject.organisation_id,
        case_ref=case_ref,
        reason=reason,
        purpose=purpose,
        review_on=review_on,
        placed_at=clock.now(),
        placed_by=actor.label,
    )
    db.add(row)
    db.flush()
    audit.record(
        db,
        actor,
        "subjects.hold_placed",
        entity=row,
        organisation_id=subject.organisation_id,
        data={"subject_id": str(subject.id), "purpose": purpose, "review_on": review_on.isoformat()},
    )
    return row


def lift_hold(
    db: Session,
    actor: Actor,
    *,
    hold_id: uuid.UUID,
    organisation_id: uuid.UUID | None = None,
    subject_id: uuid.UUID | None = None,
) -> LegalHold:
    """R-79: only the caller's own organisation's hold (and the person's, when named) can be lifted."""
    row = db.get(LegalHold, hold_id)
    if (
        row is None
        or row.lifted_at is not None
        or organisation_id not in (None, row.organisation_id)
        or subject_id not in (None, row.subject_id)
    ):
        raise SubjectNotFound("no such active legal hold")
    row.lifted_at = clock.now()
    audit.record(
        db,
        actor,
        "subjects.hold_lifted",
        entity=row,
        organisation_id=row.organisation_id,
        data={"subject_id": str(row.subject_id)},
    )
    return row


def holds(db: Session, *, organisation_id: uuid.UUID, today: date, overdue: bool = False) -> list[LegalHold]:
    """The holds in force of an organisation (R-79), or only those past their review date, oldest review
    first; `rules.hold_in_force` and `rules.hold_overdue` decide, the query only narrows."""
    query = select(LegalHold).where(LegalHold.organisation_id == organisation_id, LegalHold.in_force())
    if overdue:
        query = query.where(LegalHold.review_on < today)
    wanted = rules.hold_overdue if overdue else rules.hold_in_force
    return [
        h for h in db.scalars(query.order_by(LegalHold.review_on, LegalHold.case_ref)) if wanted(h, today)
    ]


def record_objection(
    db: Session, actor: Actor, *, subject_id: uuid.UUID, kind: str, activity: str | None
) -> Objection:
    """Art. 21(2)-(3): to direct marketing, absolute; to legitimate interests, pending a decision."""
    subject = get(db, subject_id=subject_id)
    row = Objection(
        subject_id=subject.id,
        organisation_id=subject.organisation_id,
        kind=kind,
        activity=activity,
        received_at=clock.now(),
    )
    db.add(row)
    db.flush()
    audit.record(
        db,
        actor,
        "subjects.objected",
        entity=row,
        organisation_id=subject.organisation_id,
        data={"subject_id": str(subject.id), "kind": kind, "activity": activity},
    )
    return row


def decide_objection(db: Session, actor: Actor, *, objection_id: uuid.UUID, outcome: str) -> Objection:
    """Art. 21(1): the privacy officer's decision on an objection to legitimate interests, once."""
    row = db.get(Objection, objection_id)
    if row is None or row.outcome is not None:
        raise SubjectNotFound("no such undecided objection")
    row.outcome, row.decided_at = outcome, clock.now()
    audit.record(
        db,
        actor,
        "subjects.objection_decided",
        entity=row,
        organisation_id=row.organisation_id,
        data={"subject_id": str(row.subject_id), "outcome": outcome, "activity": row.activity},
    )
    return row


ChildHook = Callable[[Session, Actor, Subject], object]
_child_hooks: list[ChildHook] = []


def on_child_flagged(hook: ChildHook) -> None:
    """Call `hook(db, actor, subject)` in the transaction of every child flag: the domains above subjects
    (marketing's queued mail, the automatic deletions) act in the same unit of work."""
    if hook not in _child_hooks:
        _child_hooks.append(hook)


def flag_child(db: Session, actor: Actor, *, subject_id: uuid.UUID) -> Subject:
    """R-110: a child discovered: every consent-based use and all marketing stop at once (the gate reads
    this flag), queued marketing mail is taken back and the deletion of their data is scheduled (hooks)."""
    subject = get(db, subject_id=subject_id)
    subject.child = True
    audit.record(db, actor, "subjects.flagged_child", entity=subject, organisation_id=subject.organisation_id)
    for hook in _child_hooks:
        hook(db, actor, subject)
    return subject


@dataclass(frozen=True)
class Flags:
    restrictions: list[Restriction]
    holds: list[LegalHold]
    objections: list[Objection]


def flags(db: Session, *, subject_id: uuid.UUID) -> Flags:
    """Active restrictions and holds, and every objection, for the record view."""
    return Flags(
        restrictions=list(
            db.scalars(
                select(Restriction).where(
                    Restriction.subject_id == subject_id, Restriction.lifted_at.is_(None)
                )
            )
        ),
        holds=[
            hold
            for hold in db.scalars(
                select(LegalHold).where(LegalHold.subject_id == subject_id, LegalHold.in_force())
            )
            if rules.hold_in_force(hold, clock.today())
        ],
        objections=list(db.scalars(select(Objection).where(Objection.subject_id == subject_id))),
    )
