"""The proof of a consent that ended, kept without the person once its period ran out (R-82, T-08).

A consent that was withdrawn, refused or expired keeps its proof linked to the person for the register's
`organisation.records.consent_evidence` (default P5Y) after its end: long enough to show that earlier
processing was lawful (Art. 7(1)). Then each event of that consent keeps what proves it (when, which text
by its hash and version, in which language, through which channel and element, what kind of event) and
loses what points to the person: the subject id, a banner consent id, and a `subject:<id>` actor label.

This is the one write to the ledger besides appending, and it is the same as the one the database makes
when an erasure deletes the person (`subject_id` ON DELETE SET NULL): whole consents only, never part
of one, so the fold over what remains of a person's events still gives their state. The materialised
state of that consent goes with it, and the person's state for the purpose reads "never given", as a
fold over no events does. A person under a legal hold keeps their evidence linked (R-79).
"""

import uuid
from dataclasses import asdict, astuple, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import CursorResult, case, delete, select, update
from sqlalchemy.orm import Session

from lawful import audit, clock, processing, subjects
from lawful.actor import Actor

from . import rules
from .models import ConsentEvent, ConsentState
from .rules import ConsentStatus

BATCH = 500


@dataclass(frozen=True)
class Pseudonymised:
    consents: int = 0  # consents of a person for a purpose whose proof was unlinked
    events: int = 0

    def __add__(self, other: "Pseudonymised") -> "Pseudonymised":
        return Pseudonymised(*(a + b for a, b in zip(astuple(self), astuple(other), strict=True)))


def pseudonymise_evidence(
    db: Session, actor: Actor, *, now: datetime | None = None, organisation_id: uuid.UUID | None = None
) -> Pseudonymised:
    """Unlink from the person the proof of every consent that ended more than its period ago; each
    organisation's count audited (no ids). A second run at the same time finds nothing."""
    now, total = now or clock.now(), Pseudonymised()
    for organisation in processing.list_organisations(db):
        if organisation_id is not None and organisation.id != organisation_id:
            continue
        try:
            _, register = processing.current_register(db, organisation_id=organisation.id)
        except processing.RegisterNotFound:
            continue
        period = register.organisation.records.consent_evidence
        done = _pseudonymise(db, organisation.id, period, now)
        if done.consents:
            audit.record(
                db,
                actor,
                "consent.evidence_pseudonymised",
                organisation_id=organisation.id,
                data=asdict(done) | {"period": period},
            )
        total += done
    return total


def _pseudonymise(db: Session, organisation_id: uuid.UUID, period: str, now: datetime) -> Pseudonymised:
    due = _due(db, organisation_id, period, now)
    done = Pseudonymised()
    for start in range(0, len(due), BATCH):
        batch = due[start : start + BATCH]
        # the state first, and only if it is still the ended one read above: a consent given again in
        # the meantime keeps its whole history linked
        gone = db.execute(
            delete(ConsentState)
            .where(
                ConsentState.id.in_([state_id for state_id, _ in batch]),
                ConsentState.state.in_([str(s) for s in rules.ENDED]),
                ConsentState.updated_at <= max(ended for _, ended in batch),
            )
            .returning(ConsentState.subject_id, ConsentState.purpose, ConsentState.updated_at)
            .execution_options(synchronize_session=False)
        ).all()
        if not gone:
            continue
        ended = max(at for _, _, at in gone)
        by_purpose: dict[str, list[uuid.UUID]] = {}
        for subject_id, purpose, _ in gone:
            by_purpose.setdefault(purpose, []).append(subject_id)
        events = sum(_unlink(db, organisation_id, purpose, ids, ended) for purpose, ids in by_purpose.items())
        done += Pseudonymised(consents=len(gone), events=events)
    return done


def _unlink(
    db: Session, organisation_id: uuid.UUID, purpose: str, subject_ids: list[uuid.UUID], ended: datetime
) -> int:
    """The events of these people's consents for one purpose, without the person (by purpose, so the
    (subject, purpose) index finds them)."""
    result: CursorResult[Any] = db.execute(  # type: ignore[assignment]
        update(ConsentEvent)
        .where(
            ConsentEvent.organisation_id == organisation_id,
            ConsentEvent.purpose == purpose,
            ConsentEvent.subject_id.in_(subject_ids),
            ConsentEvent.occurred_at <= ended,
        )
        .values(
            subject_id=None,
            consent_id=None,
            actor_label=case(
                (ConsentEvent.actor_label.startswith(rules.SUBJECT_ACTOR + ":"), rules.SUBJECT_ACTOR),
                else_=ConsentEvent.actor_label,
            ),
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def _due(
    db: Session, organisation_id: uuid.UUID, period: str, now: datetime
) -> list[tuple[uuid.UUID, datetime]]:
    """(state id, end) of the ended consents whose evidence period ran out, people under a hold excepted."""
    held = select(subjects.LegalHold.subject_id).where(
        subjects.LegalHold.organisation_id == organisation_id, subjects.LegalHold.in_force()
    )
    candidates = db.execute(  # the period's shortest length first, then the calendar for each
        select(ConsentState.id, ConsentState.state, ConsentState.updated_at).where(
            ConsentState.organisation_id == organisation_id,
            ConsentState.state.in_([str(s) for s in rules.ENDED]),
            ConsentState.updated_at <= now - processing.shortest(period),
            ConsentState.subject_id.not_in(held),
        )
    ).all()
    return [
        (state_id, ended)
        for state_id, state, ended in candidates
        if not rules.evidence_linked(ConsentStatus(state), processing.add_period(ended, period), now)
    ]
