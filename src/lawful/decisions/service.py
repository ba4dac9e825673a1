"""Load the facts for one person or many, ask the rule, and read personal data only through it."""

import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session

from lawful import audit, clock, consent, keystore, processing, subjects
from lawful.actor import Actor

from . import rules
from .errors import PurposeDenied, UnknownPurpose
from .rules import Decision, Person, Purpose, Reason

UNKNOWN = Decision(False, (Reason.UNKNOWN_SUBJECT,))


def purpose_of(db: Session, *, organisation_id: uuid.UUID, purpose: str) -> Purpose:
    version = processing.get_version(db, organisation_id=organisation_id)
    cached = _purposes.get((version.id, purpose))
    if cached is None:
        if len(_purposes) > 1024:
            _purposes.clear()
        cached = _purposes[(version.id, purpose)] = _purpose(processing.register_of(version), purpose)
    return cached


# Register versions never change, so a purpose read from one is cached by (version, key).
_purposes: dict[tuple[uuid.UUID, str], Purpose] = {}


def _purpose(register: processing.Register, key: str) -> Purpose:
    activity = next((a for a in register.activities if a.key == key), None)
    if activity is None:
        raise UnknownPurpose(f"{key!r} is not an activity of the register")
    rule = next(r for r in register.retention_rules if r.key == activity.retention)
    return Purpose(
        key=activity.key,
        bases={subject: str(basis) for subject, basis in processing.bases(activity).items()},
        data_categories=frozenset(activity.data_categories),
        marketing=activity.data_use.startswith(("marketing", "personalize")),
        role=str(activity.role),
        retention_trigger=str(rule.trigger),
        retention_period=rule.duration,
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
    target = purpose_of(db, organisation_id=organisation_id, purpose=purpose)
    facts = subjects.facts(db, organisation_id=organisation_id, subject_ids=subject_ids)
    states = consent.states(db, organisation_id=organisation_id, subject_ids=list(facts), purpose=purpose)
    lookups = [lookup for fact in facts.values() for lookup in fact.email_lookups]
    suppressed = (
        consent.suppressed(db, organisation_id=organisation_id, lookups=lookups)
        if target.marketing
        else set()
    )
    now = clock.now()
    decided = {}
    for subject_id in subject_ids:
        fact = facts.get(subject_id)
        if fact is None:
            decided[subject_id] = UNKNOWN
            continue
        person = Person(
            categories=tuple(fact.categories),
            role=fact.role,
            consent=str(states.get(subject_id, consent.ConsentStatus.NEVER_GIVEN)),
            objections=tuple(fact.objections),
            restricted=any(activity in (None, purpose) for activity in fact.restrictions),
            suppressed=bool(suppressed.intersection(fact.email_lookups)),
            child=fact.child,
            holds=tuple(fact.holds),
            last_collected=fact.last_collected.get(purpose),
        )
        decided[subject_id] = rules.decide(target, person, fields, now)
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


@dataclass(frozen=True)
class Reading:
    decision: Decision
    values: list[subjects.Value]


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
    audit.record(
        db,
        actor,
        "decisions.read",
        entity_type="Subject",
        entity_id=subject_id,
        purpose=purpose,
        organisation_id=organisation_id,
        outcome="allowed" if decision.allow else "denied",
        data={"fields": list(decision.fields), "reasons": [str(r) for r in decision.reasons]},
    )
    if not decision.allow:
        raise PurposeDenied(
            "this purpose may not use this person's data now: " + ", ".join(str(r) for r in decision.reasons)
        )
    found = subjects.values(db, keys, subject_id=subject_id, categories=set(decision.fields))
    return Reading(decision, found)
