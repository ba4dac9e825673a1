"""Audiences: only through the purpose gate (R-34..R-38); campaigns are in campaigns.py, exports in
exports.py."""

import uuid
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from lawful import decisions, keystore, processing, subjects
from lawful.errors import RuleViolation

from . import rules


class NotMarketing(RuleViolation):
    code = "not_a_marketing_purpose"


@dataclass
class Audience:
    purpose: str
    members: list[tuple[uuid.UUID, str]] = field(default_factory=list)
    excluded: Counter[str] = field(default_factory=Counter)


def build(db: Session, keys: keystore.Keys, *, organisation_id: uuid.UUID, purpose: str) -> Audience:
    """Everyone the purpose may reach now, each with the ePrivacy condition; the others counted by reason."""
    target = decisions.purpose_of(db, organisation_id=organisation_id, purpose=purpose)
    if not target.marketing:
        raise NotMarketing(f"{purpose!r} is not a marketing activity")
    register = processing.current_register(db, organisation_id=organisation_id)[1]
    ways = _sale_bases(register)
    own_offer = _own_offer(register, purpose)
    ids = subjects.ids_of(db, organisation_id=organisation_id)
    decided = decisions.decide_many(db, organisation_id=organisation_id, purpose=purpose, subject_ids=ids)
    facts = subjects.facts(
        db, organisation_id=organisation_id, subject_ids=[i for i, d in decided.items() if d.allow]
    )
    audience = Audience(purpose)
    for subject_id, decision in decided.items():
        if not decision.allow:
            audience.excluded.update(str(r) for r in decision.reasons[:1])
            continue
        fact = facts[subject_id]
        obtained = [
            rules.Obtained(way.source, way.channel, ways.get(way.activity), way.optout_offered)
            for way in fact.provenance
        ]
        consented = decision.basis == "consent"
        soft = rules.soft_opt_in(fact.categories, obtained, own_offer=own_offer)
        email = None if consented or soft else _email(db, keys, subject_id)
        basis = rules.eprivacy_basis(
            consented=consented,
            categories=fact.categories,
            obtained=obtained,
            email=email,
            own_offer=own_offer,
            objected=any(kind == "direct_marketing" for kind, _, _ in fact.objections),
            suppressed=False,  # the gate has already left out everyone on the exclusion list
        )
        if basis is None:
            audience.excluded["no_eprivacy_basis"] += 1
        else:
            audience.members.append((subject_id, basis))
    return audience


def _sale_bases(register: processing.Register) -> dict[str, str | None]:
    """The basis on which each activity collects customers' data: "contract" is a sale (T-16)."""
    found = {a.key: processing.bases(a).get("customer") for a in register.activities}
    return {key: str(basis) if basis is not None else None for key, basis in found.items()}


def _own_offer(register: processing.Register, purpose: str) -> bool:
    """The soft opt-in covers the organisation's own products: not an activity that serves partners."""
    types = {r.key: r.type for r in register.recipients}
    activity = next(a for a in register.activities if a.key == purpose)
    return not any(types.get(key) in ("independent_controller", "third_party") for key in activity.recipients)


def unarchived_values(
    db: Session, keys: keystore.Keys, *, subject_ids: list[uuid.UUID], categories: set[str]
) -> dict[uuid.UUID, list[subjects.Value]]:
    """The values of these categories marketing may use, per person: never what an archive holds (R-73,
    `archive_restricted`: excluded from every marketing use), even when the gate allows the person for
    their other, live data."""
    archived = subjects.archived(db, subject_ids=subject_ids)
    return {
        subject_id: subjects.values(
            db, keys, subject_id=subject_id, categories=categories, without=archived.get(subject_id, ())
        )
        for subject_id in subject_ids
    }


def _email(db: Session, keys: keystore.Keys, subject_id: uuid.UUID) -> str | None:
    return subjects.identity_values(db, keys, subject_id=subject_id).get("email")
