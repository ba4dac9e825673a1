"""Exports of an audience to a marketing platform or a partner: whitelisted fields only, under a DPA for
processors, and for a partner's own marketing only the people whose consent named it (R-06, R-33, R-39)."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from lawful import audit, clients, clock, consent, decisions, keystore, outbound, processing, subjects
from lawful.actor import Actor

from .errors import PlatformUnreachable, RecipientRefused
from .models import AudienceMember, AudienceUpload
from .service import Audience, build, unarchived_values


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
    if not processing.dpa_complete(target):
        raise RecipientRefused(f"{recipient!r} has no DPA on record; nothing may flow to it (Art. 28)")
    activity = next((a for a in register.activities if a.key == purpose), None)
    if activity is None:
        raise decisions.UnknownPurpose(f"{purpose!r} is not an activity of the register")
    partner = target.type in consent.partners.PARTNER_TYPES
    if partner:
        _ensure_partner_allowed(actor, register, organisation_id, purpose, recipient)
    if recipient not in activity.recipients:
        raise RecipientRefused(f"{recipient!r} is not a recipient of {purpose!r} in the register")
    ensure_may_flow(db, actor, register, organisation_id, purpose, target)
    allowed = sorted(set(target.fields) & set(activity.data_categories))
    if partner:
        audience = _partner_audience(db, actor, organisation_id, purpose, recipient)
    else:
        audience = build(db, keys, organisation_id=organisation_id, purpose=purpose)
    hold_unnotified(db, audience)
    found = unarchived_values(
        db, keys, subject_ids=[subject_id for subject_id, _ in audience.members], categories=set(allowed)
    )
    rows = [
        {value.category: value.value for value in found[subject_id]} for subject_id, _ in audience.members
    ]
    try:
        response = outbound.post(target.endpoint, json={"purpose": purpose, "contacts": rows}, timeout=30)
    except outbound.OutboundError as exc:
        raise PlatformUnreachable(f"recipient: {recipient!r} could not be reached ({exc.category})") from exc
    if response.is_success:  # who was in the list, so each person's access report names the recipient
        sent = AudienceUpload(
            organisation_id=organisation_id,
            purpose=purpose,
            recipient=recipient,
            recipient_type=target.type,
            people=len(rows),
            fields=allowed,
            hashed=False,  # a contact list, in the clear: an export, not a matched audience
            status=response.status_code,
            excluded=dict(audience.excluded),
            uploaded_at=clock.now(),
        )
        db.add(sent)
        db.flush()
        members = [{"upload_id": sent.id, "subject_id": subject_id} for subject_id, _ in audience.members]
        if members:
            db.execute(insert(AudienceMember), members)
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


def hold_unnotified(db: Session, audience: Audience) -> None:
    """R-09: data obtained from someone else are not disclosed before the person had the Art. 14 notice
    (Art. 14(3)(c)); they are counted apart and go with the next export once the hourly run has told them."""
    ids = [subject_id for subject_id, _ in audience.members]
    owed: set[uuid.UUID] = set()
    model = subjects.Subject
    for start in range(0, len(ids), 1000):
        owed |= set(db.scalars(select(model.id).where(
            model.id.in_(ids[start : start + 1000]), model.art14_due.is_not(None), model.art14_done_at.is_(None),
        )))  # fmt: skip
    if owed:
        audience.members = [(s, basis) for s, basis in audience.members if s not in owed]
        audience.excluded["art14_notice_pending"] += len(owed)


def ensure_may_flow(
    db: Session,
    actor: Actor,
    register: processing.Register,
    organisation_id: uuid.UUID,
    purpose: str,
    target: processing.Recipient,
) -> None:
    """R-114, R-104: the one rule of every lane (clients.flows); the refusal is on record."""
    client = processing.client_of(register, purpose)
    found = clients.flows.held(
        db, organisation_id=organisation_id, recipient=target, client=client.key if client else None
    )
    if found is not None:
        raise RecipientRefused(
            f"recipient: {found.reason}",
            record=_refusal(actor, organisation_id, purpose, target.key, found.reason, found.outcome),
        )


def _ensure_partner_allowed(
    actor: Actor, register: processing.Register, organisation_id: uuid.UUID, purpose: str, recipient: str
) -> None:
    """R-39: the organisation's policy, then an activity resting on consent alone (R-33)."""
    activity = next(a for a in register.activities if a.key == purpose)
    if register.organisation.third_party_marketing == "forbidden":
        reason = "the organisation's policy forbids sharing data for others' marketing (R-39)"
    elif set(processing.bases(activity).values()) != {processing.Basis.CONSENT}:
        reason = (
            f"sharing with {recipient!r} for its own marketing needs an activity resting on consent (R-33)"
        )
    else:
        return
    raise RecipientRefused(
        f"recipient: {reason}", record=_refusal(actor, organisation_id, purpose, recipient, reason)
    )


def _partner_audience(
    db: Session, actor: Actor, organisation_id: uuid.UUID, purpose: str, recipient: str
) -> Audience:
    """Who the gate allows for the purpose and whose consent in force named this partner (R-33, R-39): a
    consent to the newsletter, or to other partners, is not one to this partner. The partner, not the
    organisation, then writes to them: its own ePrivacy condition is its business. Nobody: refused, on record."""
    ids = subjects.ids_of(db, organisation_id=organisation_id)
    decided = decisions.decide_many(db, organisation_id=organisation_id, purpose=purpose, subject_ids=ids)
    audience = Audience(purpose)
    for decision in decided.values():
        if not decision.allow:
            audience.excluded.update(str(r) for r in decision.reasons[:1])
    allowed = [subject_id for subject_id, decision in decided.items() if decision.allow]
    named = consent.partners.consented_to(
        db, organisation_id=organisation_id, purpose=purpose, recipient=recipient, subject_ids=allowed
    )
    audience.members = [(subject_id, "consent") for subject_id in allowed if subject_id in named]
    if len(named) < len(allowed):
        audience.excluded["no_consent_to_recipient"] += len(allowed) - len(named)
    if not audience.members:
        reason = (
            f"nobody has a consent in force naming {recipient!r} for {purpose!r}; nothing was sent (R-33)"
        )
        raise RecipientRefused(
            f"recipient: {reason}", record=_refusal(actor, organisation_id, purpose, recipient, reason)
        )
    return audience


def _refusal(
    actor: Actor,
    organisation_id: uuid.UUID,
    purpose: str,
    recipient: str,
    reason: str,
    outcome: str = "refused",
) -> Callable[[Session], object]:
    def record(db: Session) -> object:
        return audit.record(
            db,
            actor,
            "marketing.export_refused",
            entity_type="Recipient",
            entity_id=recipient,
            organisation_id=organisation_id,
            purpose=purpose,
            outcome=outcome,
            data={"reason": reason},
        )

    return record
