"""Art. 16 rectification, Art. 18 restriction and Art. 21 objection: changes to what is held and how it is used."""

from typing import Any

from sqlalchemy.orm import Session

from lawful import consent, keystore, subjects
from lawful.actor import Actor

from .. import letters
from ..models import Request
from ..service import contact


def rectification(
    db: Session, actor: Actor, keys: keystore.Keys, request: Request, base_url: str
) -> dict[str, Any]:
    """Art. 16: new versions of what was wrong; a supplementary statement is kept beside the record (R-54)."""
    if request.subject_id is None:
        return {"found": False}
    values = {str(k): str(v) for k, v in dict(request.details.get("values") or {}).items()}
    statement = str(request.details.get("statement") or "")
    if statement:
        values["lawful.supplementary_statement"] = statement
    subject = subjects.get(db, subject_id=request.subject_id)
    latest = subjects.history(db, subject_id=subject.id)[-1]
    identities = (
        {subjects.IdentityKind.EMAIL: values["user.contact.email"]} if "user.contact.email" in values else {}
    )
    changed = subjects.collect(
        db,
        actor,
        keys,
        organisation_id=subject.organisation_id,
        subject_category=subject.categories[0],
        identities=identities,
        values=values,
        subject_id=subject.id,
        collection=subjects.CollectionCreate(activity=latest.activity, channel=subjects.Channel.SELF_SERVICE),
    ).changed
    letters.rectification(db, keys, request, values=values, changed=list(changed))
    return {"changed": changed}


def restriction(
    db: Session, actor: Actor, keys: keystore.Keys, request: Request, base_url: str
) -> dict[str, Any]:
    if request.subject_id is None:
        return {"found": False}
    ground = subjects.RestrictionGround(str(request.details.get("ground") or "accuracy_contested"))
    row = subjects.restrict(
        db, actor, subject_id=request.subject_id, ground=ground, reason=f"rights request {request.reference}"
    )
    return {"restriction": str(row.id), "ground": str(ground)}


def objection(
    db: Session, actor: Actor, keys: keystore.Keys, request: Request, base_url: str
) -> dict[str, Any]:
    """Art. 21: to direct marketing, absolute with an exclusion entry; otherwise restricted until decided."""
    scope = str(request.details.get("scope") or "direct_marketing")
    if scope == "direct_marketing":
        address = contact(keys, request)
        consent.suppress(
            db,
            actor,
            organisation_id=request.organisation_id,
            lookup=consent.suppression_lookup(keys, address),
            reason="objection",
        )
        if request.subject_id is not None:  # every marketing purpose stops, other consents stay
            consent.object_to_marketing(
                db,
                actor,
                keys,
                subject=subjects.get(db, subject_id=request.subject_id),
                proof=consent.Proof(
                    text=f"objection {request.reference}",
                    text_version="1",
                    language=request.language,
                    channel="rights_request",
                    element="objection",
                ),
            )
        return {"scope": scope, "suppressed": True}
    if request.subject_id is None:
        return {"found": False}
    activity = str(request.details.get("activity") or "")
    subjects.record_objection(
        db, actor, subject_id=request.subject_id, kind="legitimate_interest", activity=activity or None
    )
    subjects.restrict(
        db,
        actor,
        subject_id=request.subject_id,
        ground=subjects.RestrictionGround.OBJECTION_PENDING,
        reason=f"objection {request.reference}",
        activity=activity or None,
    )
    return {"scope": scope, "activity": activity, "restricted_until_decided": True}
