"""Record consent events with their proof and keep the current state; the exclusion list."""

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from lawful import audit, clock, keystore, processing, subjects
from lawful.actor import Actor
from lawful.db import insert_new, table_of

from . import rules
from .errors import NotConsentBased, UnknownPurpose
from .models import ConsentEvent, ConsentState, Suppression
from .rules import ConsentStatus, EventKind

ALL_MARKETING = "marketing"  # the scope of an exclusion entry that covers every marketing purpose


@dataclass(frozen=True)
class Proof:
    """What the person saw when choosing (R-20, R-118): the exact text, its version and language."""

    text: str
    text_version: str
    language: str
    channel: str
    element: str
    notice_number: int | None = None
    recipients: tuple[str, ...] = ()  # the partners the text named (partners.offer_text)
    as_child: bool = False  # the person was a child when giving it (intake knows the birth date)
    controller: str | None = None  # the client controller of a page run for it; None: ourselves


def ensure_consent_purpose(
    register: processing.Register, purpose: str, subject_category: str | None = None
) -> None:
    activity = next((a for a in register.activities if a.key == purpose), None)
    if activity is None:
        raise UnknownPurpose(f"{purpose!r} is not an activity of the register")
    bases = processing.bases(activity)
    wanted = [bases.get(subject_category)] if subject_category else list(bases.values())
    if processing.Basis.CONSENT not in wanted:
        raise NotConsentBased(f"{purpose!r} does not rest on consent; there is nothing to give or withdraw")


def first_event(
    actor: Actor,
    *,
    organisation_id: uuid.UUID,
    subject_id: uuid.UUID,
    purpose: str,
    kind: EventKind,
    proof: Proof,
    now: datetime,
) -> list[tuple[Table, list[dict[str, Any]]]]:
    """The rows of the first event of a person for a purpose (a new person: no state to read)."""
    event = {
        "id": uuid.uuid4(),
        "organisation_id": organisation_id,
        "subject_id": subject_id,
        "consent_id": None,
        "purpose": purpose,
        "kind": str(kind),
        "text_hash": hashlib.sha256(proof.text.encode()).hexdigest(),
        "text_version": proof.text_version,
        "language": proof.language,
        "notice_number": proof.notice_number,
        "channel": proof.channel,
        "element": proof.element,
        "occurred_at": now,
        "actor_label": actor.label,
        "recipients": list(proof.recipients),
        "as_child": proof.as_child,
        "controller": proof.controller,
    }
    state = {
        "id": uuid.uuid4(),
        "organisation_id": organisation_id,
        "subject_id": subject_id,
        "purpose": purpose,
        "state": str(rules.next_state(ConsentStatus.NEVER_GIVEN, kind)),
        "event_id": event["id"],
        "updated_at": now,
    }
    entry = audit.entry(
        actor,
        f"consent.{kind}",
        entity_type="ConsentEvent",
        entity_id=event["id"],
        organisation_id=organisation_id,
        data=_audited(subject_id, purpose, proof, proof.as_child),
    )
    return [(_EVENTS, [event]), (_STATES, [state]), (audit.TABLE, [entry])]


def _audited(subject_id: uuid.UUID, purpose: str, proof: Proof, as_child: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {"subject_id": str(subject_id), "purpose": purpose}
    if proof.recipients:
        data["recipients"] = list(proof.recipients)
    if as_child:
        data["as_child"] = True
    return data


_EVENTS, _STATES = table_of(ConsentEvent), table_of(ConsentState)


def record(
    db: Session,
    actor: Actor,
    *,
    organisation_id: uuid.UUID,
    subject_id: uuid.UUID,
    purpose: str,
    kind: EventKind,
    proof: Proof,
) -> ConsentEvent:
    """Append one event and update the current state in the same transaction (D2, T-08, T-09)."""
    state = db.scalars(
        select(ConsentState).where(
            ConsentState.organisation_id == organisation_id,
            ConsentState.subject_id == subject_id,
            ConsentState.purpose == purpose,
        )
    ).first()
    current = ConsentStatus(state.state) if state else ConsentStatus.NEVER_GIVEN
    new = rules.next_state(current, kind)
    now = clock.now()
    event = ConsentEvent(
        organisation_id=organisation_id,
        subject_id=subject_id,
        purpose=purpose,
        kind=str(kind),
        text_hash=hashlib.sha256(proof.text.encode()).hexdigest(),
        text_version=proof.text_version,
        language=proof.language,
        notice_number=proof.notice_number,
        channel=proof.channel,
        element=proof.element,
        occurred_at=now,
        actor_label=actor.label,
        recipients=list(proof.recipients),
        as_child=proof.as_child or _flagged_child(db, subject_id),
        controller=proof.controller,
    )
    db.add(event)
    db.flush()
    if state is None:
        db.add(
            ConsentState(
                organisation_id=organisation_id,
                subject_id=subject_id,
                purpose=purpose,
                state=str(new),
                event_id=event.id,
                updated_at=now,
            )
        )
    else:
        state.state, state.event_id, state.updated_at = str(new), event.id, now
    audit.record(
        db,
        actor,
        f"consent.{kind}",
        entity=event,
        organisation_id=organisation_id,
        data=_audited(subject_id, purpose, proof, event.as_child),
    )
    return event


def _flagged_child(db: Session, subject_id: uuid.UUID) -> bool:
    """R-110, R-111: consent recorded for someone flagged as a child was given as a child."""
    return bool(db.scalar(select(subjects.Subject.child).where(subjects.Subject.id == subject_id)))


def states(
    db: Session, *, organisation_id: uuid.UUID, subject_ids: list[uuid.UUID], purpose: str
) -> dict[uuid.UUID, ConsentStatus]:
    """Current consent of many people for one purpose (absent = never given)."""
    found: dict[uuid.UUID, ConsentStatus] = {}
    for start in range(0, len(subject_ids), 2000):
        rows = db.execute(
            select(ConsentState.subject_id, ConsentState.state).where(
                ConsentState.organisation_id == organisation_id,
                ConsentState.purpose == purpose,
                ConsentState.subject_id.in_(subject_ids[start : start + 2000]),
            )
        )
        found |= {sid: ConsentStatus(state) for sid, state in rows}
    return found


def history(db: Session, *, subject_id: uuid.UUID) -> list[ConsentEvent]:
    query = (
        select(ConsentEvent).where(ConsentEvent.subject_id == subject_id).order_by(ConsentEvent.occurred_at)
    )
    return list(db.scalars(query))


def suppression_lookup(keys: keystore.Keys, email: str) -> str:
    """The exclusion list matches on the same keyed hash as the email identity (normalised address)."""
    return subjects.lookup_key(keys, subjects.IdentityKind.EMAIL, email)


def suppress(
    db: Session,
    actor: Actor,
    *,
    organisation_id: uuid.UUID,
    lookup: str,
    reason: str,
    scope: str = "marketing",
) -> Suppression:
    """An exclusion-list entry for `lookup` and `scope` (every marketing purpose, or one purpose's key),
    written once: an entry already there is kept as it is."""
    values = {
        "id": uuid.uuid4(),
        "organisation_id": organisation_id,
        "lookup": lookup,
        "scope": scope,
        "reason": reason,
        "created_at": clock.now(),
    }
    statement = insert_new(
        db.get_bind().dialect, Suppression, values, unique=["organisation_id", "lookup", "scope"]
    )
    row: Suppression | None = db.scalars(statement).first()
    if row is None:  # on the list already
        existing = db.scalars(
            select(Suppression).where(
                Suppression.organisation_id == organisation_id,
                Suppression.lookup == lookup,
                Suppression.scope == scope,
            )
        ).one()
        return existing
    audit.record(
        db,
        actor,
        "consent.suppressed",
        entity=row,
        organisation_id=organisation_id,
        data={"reason": reason, "scope": scope},
    )
    return row


def suppressed(
    db: Session, *, organisation_id: uuid.UUID, lookups: list[str], purpose: str | None = None
) -> set[str]:
    """The lookups on the exclusion list: for `purpose`, an entry for every marketing purpose or for that
    one; without it, any entry."""
    found: set[str] = set()
    scoped = [Suppression.scope.in_([ALL_MARKETING, purpose])] if purpose is not None else []
    for start in range(0, len(lookups), 2000):
        found |= set(
            db.scalars(
                select(Suppression.lookup).where(
                    Suppression.organisation_id == organisation_id,
                    Suppression.lookup.in_(lookups[start : start + 2000]),
                    *scoped,
                )
            )
        )
    return found
