"""Load the facts for one person or many, ask the rule, and read personal data only through it."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from lawful import audit, clients, clock, i18n, keystore, notices, processing, subjects
from lawful.actor import Actor

from . import batch, facts, rules
from .errors import PurposeDenied, UnknownPurpose
from .rules import CLIENT_INSTRUCTION, Decision, Purpose, Reason

UNKNOWN = Decision(False, (Reason.UNKNOWN_SUBJECT,))


def purpose_of(
    db: Session, *, organisation_id: uuid.UUID, purpose: str, version_id: uuid.UUID | None = None
) -> Purpose:
    """The purpose as the gate needs it, read from the current register version (or the one given)."""
    if version_id is None:
        version_id = processing.current_version_id(db, organisation_id=organisation_id)
    cached = _purposes.get((version_id, purpose))
    if cached is None:
        register = processing.register_by_id(db, version_id=version_id)
        found = _purpose(register, purpose)
        if processing.notice_required(register, purpose):  # not cached: a notice may be published any day
            found = replace(found, notice_from=_notice_from(db, organisation_id, purpose))
            return _suspensions(db, organisation_id, found)
        if len(_purposes) > 1024:
            _purposes.clear()
        cached = _purposes[(version_id, purpose)] = found
    return _suspensions(db, organisation_id, cached)


def _suspensions(db: Session, organisation_id: uuid.UUID, found: Purpose) -> Purpose:
    """R-100: a client's purpose with the client's instructions suspended now (not cached: flagged any day)."""
    if found.instructions is None:
        return found
    client = found.role.partition(":")[2]
    held = clients.instructions.suspended(db, organisation_id=organisation_id, client=client)
    return replace(found, suspended=held) if held else found


def _notice_from(db: Session, organisation_id: uuid.UUID, purpose: str) -> date:
    """The day the first privacy notice naming `purpose` takes effect; date.max while none does."""
    for version in reversed(
        notices.list_versions(db, organisation_id=organisation_id, kind=notices.NoticeKind.PRIVACY)
    ):
        told = processing.register_by_id(db, version_id=version.register_version_id)
        if any(a.key == purpose for a in told.activities):
            return version.effective_from
    return date.max


# Register versions never change, so a purpose read from one is cached by (version, key).
_purposes: dict[tuple[uuid.UUID, str], Purpose] = {}


def _purpose(register: processing.Register, key: str) -> Purpose:
    activity = next((a for a in register.activities if a.key == key), None)
    if activity is None:
        raise UnknownPurpose(f"{key!r} is not an activity of the register")
    rule = next(r for r in register.retention_rules if r.key == activity.retention)
    client = processing.client_of(register, activity.key)
    bases = {subject: str(basis) for subject, basis in processing.bases(activity).items()}
    if client is not None and not bases:  # Art. 28(3)(a), 29: the client's documented instructions
        bases = dict.fromkeys(activity.subjects, CLIENT_INSTRUCTION)
    return Purpose(
        key=activity.key,
        bases=bases,
        data_categories=frozenset(activity.data_categories),
        marketing=activity.data_use.startswith(("marketing", "personalize")),
        role=subjects.space(str(activity.role), client.key if client else None),
        retention_trigger=str(rule.trigger),
        retention_period=rule.duration,
        retention=rule.key,
        instructions=tuple(activity.instructions) if client is not None else None,
    )


def decide_many(
    db: Session,
    *,
    organisation_id: uuid.UUID,
    purpose: str,
    subject_ids: list[uuid.UUID],
    fields: frozenset[str] = frozenset(),
) -> dict[uuid.UUID, Decision]:
    """One decision per person, with the facts loaded in bulk (audiences, exports, batch API)."""
    decided = decide_each(
        db, organisation_id=organisation_id, purpose=purpose, subject_ids=subject_ids, fields=fields
    )
    return dict(zip(subject_ids, decided, strict=True))


def decide_each(
    db: Session,
    *,
    organisation_id: uuid.UUID,
    purpose: str,
    subject_ids: Sequence[uuid.UUID],
    fields: frozenset[str] = frozenset(),
) -> list[Decision]:
    """decide_many's answers as a list in the order of `subject_ids` (the batch API keeps that order).

    People with the same facts get the same answer: the rule runs once per distinct set of facts
    (decisions.batch groups the people by their facts).
    """
    target = purpose_of(db, organisation_id=organisation_id, purpose=purpose)
    now = clock.now()
    decided = [UNKNOWN] * len(subject_ids)
    bounds = rules.retention_bounds(target, now)
    for shared, positions in batch.groups(
        db, organisation_id=organisation_id, purpose=purpose, subject_ids=subject_ids, bounds=bounds
    ):
        answer = rules.decide(target, facts.person(shared), fields, now)
        for position in positions:
            decided[position] = answer
    return decided


def decide(
    db: Session,
    *,
    organisation_id: uuid.UUID,
    purpose: str,
    subject_id: uuid.UUID | None,
    fields: frozenset[str] = frozenset(),
) -> Decision:
    if subject_id is None:
        purpose_of(db, organisation_id=organisation_id, purpose=purpose)  # an unknown purpose is still a 404
        return UNKNOWN
    return decide_many(
        db, organisation_id=organisation_id, purpose=purpose, subject_ids=[subject_id], fields=fields
    )[subject_id]


@dataclass(frozen=True)
class Question:
    """May `purpose` use the data of the person with this identity, and which of `fields`?"""

    organisation_id: uuid.UUID
    purpose: str
    kind: subjects.IdentityKind
    value: str
    fields: frozenset[str] = frozenset()

    def lookup(self, keys: keystore.Keys) -> str | None:
        """The identity's keyed hash, or None when it does not normalise (then it finds no one)."""
        try:
            return subjects.lookup_key(keys, self.kind, subjects.normalise_for_lookup(self.kind, self.value))
        except subjects.InvalidIdentity:
            return None


def decide_for(db: Session, keys: keystore.Keys, question: Question) -> Decision:
    """The hot path: a person named by an identity, found and judged in one statement."""
    org, purpose, lookup = question.organisation_id, question.purpose, question.lookup(keys)
    if lookup is None:
        purpose_of(db, organisation_id=org, purpose=purpose)  # an unknown purpose is still a 404
        return UNKNOWN
    connection = db.connection()
    found = facts.by_lookup(
        connection.connection.driver_connection,
        connection.dialect,
        organisation_id=org,
        purpose=purpose,
        kind=str(question.kind),
        lookup=lookup,
        details=db,
    )
    assert found is not None  # with `details`, the facts are always complete
    person, version_id = found
    target = purpose_of(db, organisation_id=org, purpose=purpose, version_id=version_id)
    if person is None:
        return UNKNOWN
    return rules.decide(target, person, question.fields, clock.now())


def decide_quick(
    connection: Any, dialect: Dialect, keys: keystore.Keys, question: Question
) -> Decision | None:
    """`decide_for` in one round trip on a DB-API connection, for the common case only.

    None whenever the ordinary path is needed: an identity that does not normalise, nobody found,
    objections or holds to read, or a register version whose purpose is not cached yet.
    """
    lookup = question.lookup(keys)
    if lookup is None:
        return None
    found = facts.by_lookup(
        connection,
        dialect,
        organisation_id=question.organisation_id,
        purpose=question.purpose,
        kind=str(question.kind),
        lookup=lookup,
    )
    return quick_answer(found, question)


def quick_statement(dialect: Dialect, keys: keystore.Keys, question: Question) -> tuple[str, Any] | None:
    """decide_quick's one statement, for a caller with a connection of its own; None: ordinary path."""
    lookup = question.lookup(keys)
    if lookup is None:
        return None
    return facts.lookup_statement(
        dialect,
        organisation_id=question.organisation_id,
        purpose=question.purpose,
        kind=str(question.kind),
        lookup=lookup,
    )


def quick_answer(found: tuple[Any, uuid.UUID | None] | None, question: Question) -> Decision | None:
    """The decision from what the statement found (facts.from_row); None: ordinary path."""
    if found is None:
        return None
    person, version_id = found
    target = _purposes.get((version_id, question.purpose)) if version_id is not None else None
    if target is None:
        return None
    if person is None:  # answered as fast as a known person's: the time tells nothing (issue 14)
        return UNKNOWN
    return rules.decide(target, person, question.fields, clock.now())


def find_subject(
    db: Session, keys: keystore.Keys, *, organisation_id: uuid.UUID, kind: subjects.IdentityKind, value: str
) -> uuid.UUID | None:
    """The person behind an identity, or None (an invalid identity simply finds no one)."""
    try:
        normalised = subjects.normalise(kind, value)
    except subjects.InvalidIdentity:
        return None
    found = subjects.find_by_identity(db, keys, organisation_id=organisation_id, kind=kind, value=normalised)
    return found.id if found else None


def search(
    db: Session,
    actor: Actor,
    keys: keystore.Keys,
    *,
    organisation_id: uuid.UUID,
    kind: subjects.IdentityKind,
    value: str,
    purpose: str,
) -> uuid.UUID | None:
    """A staff search for a person by identity, for a declared purpose; audited found or not (R-88: a
    search is a read), with the kind of identity and never its value."""
    purpose_of(db, organisation_id=organisation_id, purpose=purpose)
    found = find_subject(db, keys, organisation_id=organisation_id, kind=kind, value=value)
    audit.record(
        db,
        actor,
        "decisions.searched",
        entity_type="Subject",
        entity_id=found,
        purpose=purpose,
        organisation_id=organisation_id,
        outcome="found" if found else "not_found",
        data={"kind": str(kind)},
    )
    return found


@dataclass(frozen=True)
class Reading:
    decision: Decision
    values: list[subjects.Value]
    archived: tuple[str, ...] = ()  # archived activities whose data were withheld from this reader


def withheld(db: Session, actor: Actor, decision: Decision, subject_id: uuid.UUID) -> tuple[str, ...]:
    """R-73: archived data are read only with `archive:read` (finance, legal), and then only for what the
    archive is kept for (the gate's `hidden`); everyone else is told that some are archived, not what."""
    if actor.can("archive:read"):
        return decision.hidden
    return tuple(sorted(subjects.archived(db, subject_ids=[subject_id]).get(subject_id, frozenset())))


def read(
    db: Session,
    actor: Actor,
    keys: keystore.Keys,
    *,
    organisation_id: uuid.UUID,
    subject_id: uuid.UUID,
    purpose: str,
    fields: frozenset[str] = frozenset(),
) -> Reading:
    """Read personal data for a declared purpose: only what the gate allows, and every read audited (R-10, R-88)."""
    decision = decide(
        db, organisation_id=organisation_id, purpose=purpose, subject_id=subject_id, fields=fields
    )
    archived = withheld(db, actor, decision, subject_id) if decision.allow else ()

    def record(db: Session) -> None:
        audit.record(
            db,
            actor,
            "decisions.read",
            entity_type="Subject",
            entity_id=subject_id,
            purpose=purpose,
            organisation_id=organisation_id,
            outcome="allowed" if decision.allow else "denied",
            data={
                "fields": list(decision.fields),
                "reasons": [str(r) for r in decision.reasons],
                "archived_withheld": list(archived),
            },
        )

    record(db)
    if not decision.allow:  # the refused read stays on record (lawful.work)
        why = ", ".join(str(r) for r in decision.reasons)
        if Reason.ARCHIVED in decision.reasons:  # what an archive is, for the reader who meets one
            why += f" ({i18n.t('gate.reason.archived', 'en')})"
        raise PurposeDenied(f"this purpose may not use this person's data now: {why}", record=record)
    found = subjects.values(
        db, keys, subject_id=subject_id, categories=set(decision.fields), without=archived
    )
    return Reading(decision, found, archived)
