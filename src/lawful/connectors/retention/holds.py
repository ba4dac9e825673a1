"""Which owners of past-due datastore rows a legal hold keeps (R-79, Art. 17(3)(e))."""

import uuid
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import keystore, processing, subjects

_CHUNK = 5000


def held(
    db: Session,
    keys: keystore.Keys,
    *,
    organisation_id: uuid.UUID,
    register: processing.Register,
    rule: processing.RetentionRule,
    owners: Iterable[str],
) -> set[str]:
    """The owners (as the datastore spells their address) who are people of lawful under a legal hold in
    force for an activity whose data this rule keeps: a hold keeps what it names (its purpose), and the
    rows kept under a rule serve the activities the register gives that rule. A hold past its review date
    still holds until someone lifts it: a forgotten review must not destroy a case's evidence."""
    if not rule.legal_hold_suspends:
        return set()
    served = [a.key for a in register.activities if a.retention == rule.key]
    by_lookup: dict[str, set[str]] = {}
    for owner in set(owners):
        try:
            address = subjects.normalise_for_lookup(subjects.IdentityKind.EMAIL, owner)
        except subjects.InvalidIdentity:
            continue  # no person of lawful can have it
        lookup = subjects.lookup_key(keys, subjects.IdentityKind.EMAIL, address)
        by_lookup.setdefault(lookup, set()).add(owner)
    if not by_lookup:
        return set()
    people = subjects.holders(
        db,
        organisation_id=organisation_id,
        lookups=[(subjects.IdentityKind.EMAIL, lookup) for lookup in by_lookup],
    )
    ids = sorted(set(people.values()))
    on_hold: set[uuid.UUID] = set()
    hold = subjects.LegalHold
    for start in range(0, len(ids), _CHUNK):
        on_hold |= set(
            db.scalars(
                select(hold.subject_id).where(
                    hold.organisation_id == organisation_id,
                    hold.subject_id.in_(ids[start : start + _CHUNK]),
                    hold.in_force(),
                    hold.purpose.in_(served) if served else sa.true(),  # a rule of no activity: any hold
                )
            )
        )
    return {owner for (_, lookup), sid in people.items() if sid in on_hold for owner in by_lookup[lookup]}
