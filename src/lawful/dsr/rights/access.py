"""Art. 15 access: what the person is told is held, gathered from every store lawful keeps (R-51, T-19).

report.py turns these facts into the report in the person's language; this module reads them.
"""

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import clock, consent, keystore, marketing, processing, render, subjects
from lawful.actor import Actor

from .. import datastores, disclosures
from ..models import Request
from ..packages import package_parts
from ..redaction import Own
from ..service import contact, register_for
from . import report as composed
from .words import Words

DELIVERED = "delivered"  # an Art. 19 notice the recipient's endpoint accepted (dsr/recipients.py)


def current_register(db: Session, request: Request) -> processing.Register:
    """The register in force for the request's organisation, which every right reads."""
    return register_for(db, request)


def access(db: Session, actor: Actor, keys: keystore.Keys, request: Request, base_url: str) -> dict[str, Any]:
    """Art. 15: every datum held, with where it came from and why it is held (R-51, T-19), as JSON, CSV
    and HTML; the PDF is printed from the HTML when the person downloads it (packages.packages): at 60 ms
    it was most of the time an access request took, for a copy many people never open."""
    register = current_register(db, request)
    report = access_report(db, keys, request, register=register)
    html = render.render("dsr/access.html", lang=request.language, report=report)
    package_parts(
        db,
        keys,
        request,
        {
            "access.json": json.dumps(report, indent=2, ensure_ascii=False, default=str).encode(),
            "access.csv": composed.as_csv(report, Words(register, request.language)),
            "access.html": html.encode(),
        },
    )
    return {"found": report["found"], "values": len(report["data"])}


def access_report(
    db: Session, keys: keystore.Keys, request: Request, *, register: processing.Register | None = None
) -> dict[str, Any]:
    register = register or current_register(db, request)
    return composed.compose(register, request.language, facts(db, keys, request, register))


def facts(
    db: Session, keys: keystore.Keys, request: Request, register: processing.Register
) -> composed.Facts:
    """Everything lawful holds of the person: values, consents, deliveries, requests, exclusion entry."""
    email = contact(keys, request) if request.contact is not None else None
    found = composed.Facts(
        reference=request.reference,
        received_at=request.received_at,
        today=clock.now(),
        known=request.subject_id is not None,
        datastores=datastores.found(db, keys, request),
        own=Own.of([email] if email else [], []),
    )
    if email is not None:
        found.excluded_since = _excluded_since(db, keys, request, email)
    if request.subject_id is None:
        return found
    subject_id = request.subject_id
    values = subjects.values(db, keys, subject_id=subject_id)
    history = subjects.history(db, subject_id=subject_id)
    found.held = [
        composed.Held(
            category=v.category,
            value=v.value,
            version=v.version,
            activity=v.collection.activity,
            collected_at=v.collection.collected_at,
            channel=v.collection.channel,
            source=v.collection.source,
            source_name=v.collection.source_name,
            form=v.collection.form_key,
            notice=v.collection.notice_number,
            language=v.collection.language,
        )
        for v in values
    ]
    found.collected = sorted({c.activity for c in history})
    found.own = Own.of(
        [email or "", *(v.value for v in values if "email" in v.category)],
        [v.value for v in values if "phone" in v.category],
    )
    events = consent.history(db, subject_id=subject_id)
    found.consents = [
        composed.Choice(e.purpose, e.kind, e.occurred_at, e.channel, e.language) for e in events
    ]
    earlier = list(
        db.scalars(
            select(Request)
            .where(Request.subject_id == subject_id, Request.id != request.id)
            .order_by(Request.received_at)
        )
    )
    found.requests = [composed.Earlier(r.reference, tuple(r.kinds), r.received_at, r.status) for r in earlier]
    # a list can only have gone to a recipient of an activity the person is in: most people are in none
    served = {a.key for a in register.activities if a.recipients} & (
        set(found.collected) | {e.purpose for e in events}
    )
    found.sent = [
        *(_uploads(db, subject_id) if served else []),
        *_notices(earlier),
        *_disclosures(db, subject_id),
    ]
    return found


def _excluded_since(db: Session, keys: keystore.Keys, request: Request, email: str) -> Any:
    lookup = consent.suppression_lookup(keys, email)
    return db.scalar(
        select(consent.Suppression.created_at).where(
            consent.Suppression.organisation_id == request.organisation_id,
            consent.Suppression.lookup == lookup,
        )
    )


def _uploads(db: Session, subject_id: Any) -> list[composed.Sent]:
    """The lists the person was in: matched audiences uploaded to a social network (R-40, hashed) and
    contact lists exported to a platform (in the clear); each recipient received their data."""
    rows = db.execute(
        select(marketing.AudienceUpload)
        .join(marketing.AudienceMember, marketing.AudienceMember.upload_id == marketing.AudienceUpload.id)
        .where(marketing.AudienceMember.subject_id == subject_id)
        .order_by(marketing.AudienceUpload.uploaded_at)
    ).scalars()
    return [
        composed.Sent(
            u.recipient, "audience" if u.hashed else "export", u.uploaded_at, u.purpose, tuple(u.fields)
        )
        for u in rows
    ]


def _notices(earlier: list[Request]) -> list[composed.Sent]:
    """Recipients told of an earlier request (Art. 19): the notice carried the person's address."""
    return [
        composed.Sent(name, "notice", r.completed_at or r.received_at, reference=r.reference)
        for r in earlier
        for name, outcome in dict(r.outcome.get("recipients_notified") or {}).items()
        if outcome == DELIVERED
    ]


def _disclosures(db: Session, subject_id: Any) -> list[composed.Sent]:
    """Disclosures to authorities about the person, unless a legal prohibition to tell them is in force (R-89)."""
    return [
        composed.Sent(
            d.recipient or d.requester,
            "authority",
            d.disclosed_at or d.created_at,
            categories=tuple(d.disclosed_categories),
            reference=d.reference,
            party=d.requester_kind,
            named=d.requester,
            basis=d.legal_basis,
        )
        for d in disclosures.reported(db, subject_id=subject_id)
    ]
