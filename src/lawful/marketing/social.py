"""Matched audiences on social networks (R-40): off by default, consent only, through the gate, recorded."""

import uuid
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import insert
from sqlalchemy.orm import Session

from lawful import audit, clock, decisions, keystore, outbound, processing, subjects
from lawful.actor import Actor

from . import rules
from .errors import PlatformUnreachable, RecipientRefused, UnknownRecipient
from .exports import ensure_may_flow, hold_unnotified
from .models import AudienceMember, AudienceUpload
from .service import Audience, unarchived_values


@dataclass(frozen=True)
class UploadResult:
    upload_id: uuid.UUID
    recipient: str
    recipient_type: str
    people: int
    fields: list[str]
    hashed: bool
    status: int
    excluded: dict[str, int]


def upload(
    db: Session,
    actor: Actor,
    keys: keystore.Keys,
    *,
    organisation_id: uuid.UUID,
    purpose: str,
    recipient: str,
) -> UploadResult:
    """Send the consenting, unsuppressed people of `purpose` to a platform's audience, whitelisted fields only."""
    decisions.purpose_of(db, organisation_id=organisation_id, purpose=purpose)  # unknown purpose: 404
    register = processing.current_register(db, organisation_id=organisation_id)[1]
    target = next((r for r in register.recipients if r.key == recipient), None)
    if target is None:
        raise UnknownRecipient(f"recipient: {recipient!r} is not a recipient in the register")
    activity = next(a for a in register.activities if a.key == purpose)
    rules.ensure_audience_upload(
        recipient=recipient,
        declared=target.audience_upload is not None,
        enabled=target.audience_upload is not None and target.audience_upload.enabled,
        recipient_type=str(target.type),
        dpa_ref=target.dpa_ref,
        joint_arrangement=any(j.name == target.name for j in register.organisation.joint_controllers),
        listed=recipient in activity.recipients,
        bases=[str(b) for b in processing.bases(activity).values()],
    )
    if target.endpoint is None:
        raise RecipientRefused(f"recipient: {recipient!r} has no endpoint in the register")
    ensure_may_flow(db, actor, register, organisation_id, purpose, target)
    hashed = target.audience_upload is not None and target.audience_upload.hashed
    fields = sorted(set(target.fields) & set(activity.data_categories))
    members, excluded = _audience(db, organisation_id=organisation_id, purpose=purpose, fields=fields)
    told = Audience(purpose, [(m, "consent") for m in members], excluded)
    hold_unnotified(db, told)  # not before the Art. 14 notice
    members = [m for m, _ in told.members]
    contacts, sent = [], []
    found = unarchived_values(db, keys, subject_ids=list(members), categories=set(fields))
    for subject_id in members:
        held = found[subject_id]
        if held:
            contacts.append({v.category: rules.match_value(v.category, v.value, hashed=hashed) for v in held})
            sent.append(subject_id)
    body = {"purpose": purpose, "hashing": "sha256" if hashed else None, "contacts": contacts}
    try:
        response = outbound.post(target.endpoint, json=body, timeout=30)
    except outbound.OutboundError as exc:
        raise PlatformUnreachable(f"recipient: {recipient!r} could not be reached ({exc.category})") from exc
    row = AudienceUpload(
        organisation_id=organisation_id,
        purpose=purpose,
        recipient=recipient,
        recipient_type=str(target.type),
        people=len(sent),
        fields=fields,
        hashed=hashed,
        status=response.status_code,
        excluded=dict(excluded),
        uploaded_at=clock.now(),
    )
    db.add(row)
    db.flush()
    if sent:
        db.execute(insert(AudienceMember), [{"upload_id": row.id, "subject_id": s} for s in sent])
    audit.record(
        db,
        actor,
        "marketing.audience_uploaded",
        entity=row,
        organisation_id=organisation_id,
        purpose=purpose,
        outcome=str(response.status_code),
        data={
            "recipient": recipient,
            "recipient_type": str(target.type),
            "people": len(sent),
            "fields": fields,
            "hashed": hashed,
            "excluded": dict(excluded),
        },
    )
    return UploadResult(
        row.id, recipient, str(target.type), len(sent), fields, hashed, response.status_code, dict(excluded)
    )


def _audience(
    db: Session, *, organisation_id: uuid.UUID, purpose: str, fields: list[str]
) -> tuple[list[uuid.UUID], Counter[str]]:
    """The gate decides (consent in force, no suppression, objection or restriction); others by reason."""
    ids = subjects.ids_of(db, organisation_id=organisation_id)
    decided = decisions.decide_many(
        db, organisation_id=organisation_id, purpose=purpose, subject_ids=ids, fields=frozenset(fields)
    )
    members: list[uuid.UUID] = []
    excluded: Counter[str] = Counter()
    for subject_id, decision in decided.items():
        if decision.allow and decision.basis == rules.UPLOAD_BASIS:
            members.append(subject_id)
        else:
            excluded[str(decision.reasons[0]) if decision.reasons else "not_consent"] += 1
    return members, excluded
