"""Audiences and exports to marketing platforms: only through the purpose gate (R-34..R-40); campaigns
are in campaigns.py."""

import uuid
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from lawful import audit, decisions, keystore, outbound, processing, subjects
from lawful.actor import Actor
from lawful.errors import RuleViolation

from . import rules
from .errors import PlatformUnreachable, RecipientRefused


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
    # T-16: only data obtained from a customer in the context of a sale count for the soft opt-in
    sales = {
        a.key for a in register.activities if processing.bases(a).get("customer") is processing.Basis.CONTRACT
    }
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
        bought = any(activity in sales for activity in fact.last_collected)
        email = None if decision.basis == "consent" or bought else _email(db, keys, subject_id)
        basis = rules.eprivacy_basis(
            consented=decision.basis == "consent", categories=fact.categories, bought=bought, email=email
        )
        if basis is None:
            audience.excluded["no_eprivacy_basis"] += 1
        else:
            audience.members.append((subject_id, basis))
    return audience


def _email(db: Session, keys: keystore.Keys, subject_id: uuid.UUID) -> str | None:
    return subjects.identity_values(db, keys, subject_id=subject_id).get("email")


@dataclass(frozen=True)
class ExportResult:
    recipient: str
    people: int
    fields: list[str]
    status: int


def export(
    db: Session,
    actor: Actor,
    keys: keystore.Keys,
    *,
    organisation_id: uuid.UUID,
    purpose: str,
    recipient: str,
) -> ExportResult:
    """Send an audience to a platform: only the fields its whitelist allows (R-06), only under a DPA (R-90)."""
    register = processing.current_register(db, organisation_id=organisation_id)[1]
    target = next((r for r in register.recipients if r.key == recipient), None)
    if target is None or target.endpoint is None:
        raise RecipientRefused(f"{recipient!r} is not a recipient with an endpoint in the register")
    if target.audience_upload is not None:
        raise RecipientRefused(
            f"{recipient!r} is a social network: lists go to it only as audience uploads (R-40)"
        )
    if target.type in ("processor", "sub_processor") and not target.dpa_ref:
        raise RecipientRefused(f"{recipient!r} has no DPA on record; nothing may flow to it (Art. 28)")
    activity = next(a for a in register.activities if a.key == purpose)
    if target.type in ("independent_controller", "third_party"):
        policy = register.organisation.third_party_marketing
        if policy == "forbidden":
            raise RecipientRefused(
                "the organisation's policy forbids sharing data for others' marketing (R-39)"
            )
        if set(processing.bases(activity).values()) != {processing.Basis.CONSENT}:
            raise RecipientRefused(
                "sharing for a partner's marketing needs a consent-based activity naming it"
            )
    if recipient not in activity.recipients:
        raise RecipientRefused(f"{recipient!r} is not a recipient of {purpose!r} in the register")
    allowed = sorted(set(target.fields) & set(activity.data_categories))
    audience = build(db, keys, organisation_id=organisation_id, purpose=purpose)
    rows = []
    for subject_id, _ in audience.members:
        held = subjects.values(db, keys, subject_id=subject_id, categories=set(allowed))
        rows.append({value.category: value.value for value in held})
    try:
        response = outbound.post(target.endpoint, json={"purpose": purpose, "contacts": rows}, timeout=30)
    except outbound.OutboundError as exc:
        raise PlatformUnreachable(f"recipient: {recipient!r} could not be reached ({exc.category})") from exc
    audit.record(
        db,
        actor,
        "marketing.exported",
        entity_type="Recipient",
        entity_id=recipient,
        organisation_id=organisation_id,
        purpose=purpose,
        outcome=str(response.status_code),
        data={"people": len(rows), "fields": allowed, "excluded": dict(audience.excluded)},
    )
    return ExportResult(recipient, len(rows), allowed, response.status_code)
