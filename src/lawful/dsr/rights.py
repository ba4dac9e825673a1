"""What each right does (Art. 15-21), one function per step; steps.py runs them exactly once."""

import csv
import io
import json
from collections.abc import Callable
from typing import Any

import httpx
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from lawful import clock, consent, i18n, keystore, outbound, processing, render, subjects
from lawful.actor import Actor

from . import cases, datastores, fees, letters, objections, recipients, rules, tombstones
from .models import Request, Step
from .packages import PACKAGE_LIFETIME, download_token, package
from .service import NOTIFY_RECIPIENTS, _move, contact, tell

RETAINING_BASES = frozenset({processing.Basis.LEGAL_OBLIGATION})


def _register(db: Session, request: Request) -> processing.Register:
    return processing.current_register(db, organisation_id=request.organisation_id)[1]


def _access(
    db: Session, actor: Actor, keys: keystore.Keys, request: Request, base_url: str
) -> dict[str, Any]:
    """Art. 15: every datum held, with where it came from and why it is held (R-51, T-19)."""
    report = access_report(db, keys, request)
    package(
        db,
        keys,
        request,
        "access.json",
        json.dumps(report, indent=2, ensure_ascii=False, default=str).encode(),
    )
    html = render.render("dsr/access.html", lang=request.language, report=report)
    # the PDF is printed from this HTML when the person downloads the answer (packages.packages): at
    # 60 ms it was most of the time an access request took, for a copy many people never open
    package(db, keys, request, "access.html", html.encode())
    return {"found": report["found"], "values": len(report["data"])}


def access_report(db: Session, keys: keystore.Keys, request: Request) -> dict[str, Any]:
    register = _register(db, request)
    lang = request.language
    elsewhere = datastores.found(db, keys, request)
    if request.subject_id is None:
        return {
            "reference": request.reference,
            "found": any(d["rows"] for d in elsewhere),
            "data": [],
            "activities": [],
            "consents": [],
            "datastores": elsewhere,
        }
    values = subjects.values(db, keys, subject_id=request.subject_id)
    collected = {c.activity for c in subjects.history(db, subject_id=request.subject_id)}
    recipients = {r.key: r for r in register.recipients}
    retention = {r.key: r for r in register.retention_rules}
    activities = []
    for activity in register.activities:
        if activity.key not in collected:
            continue
        activities.append(
            {
                "activity": activity.key,
                "purpose": activity.purpose.get(lang) or activity.purpose.en,
                "legal_basis": {s: str(b) for s, b in processing.bases(activity).items()},
                "recipients": [_recipient(recipients[k]) for k in activity.recipients],
                "retention": retention[activity.retention].label.get(lang)
                or retention[activity.retention].label.en,
                "sources": [str(s) for s in activity.sources],
            }
        )
    return {
        "reference": request.reference,
        "found": True,
        "data": [
            {
                "category": v.category,
                "value": v.value,
                "version": v.version,
                "collected_at": v.collection.collected_at.isoformat(),
                "activity": v.collection.activity,
                "channel": v.collection.channel,
                "source": v.collection.source,
                "source_name": v.collection.source_name,
                "form": v.collection.form_key,
                "notice_version": v.collection.notice_number,
                "language": v.collection.language,
            }
            for v in values
        ],
        "activities": activities,
        "consents": [
            {
                "purpose": e.purpose,
                "kind": e.kind,
                "at": e.occurred_at.isoformat(),
                "language": e.language,
                "text_sha256": e.text_hash,
                "channel": e.channel,
            }
            for e in consent.history(db, subject_id=request.subject_id)
        ],
        "exclusion_list": bool(
            consent.suppressed(
                db,
                organisation_id=request.organisation_id,
                lookups=[consent.suppression_lookup(keys, contact(keys, request))],
            )
        ),
        "rights": "access, rectification, erasure, restriction, objection, portability; complaint to the APD",
        "automated_decisions": "none",
        "datastores": elsewhere,
    }


def _recipient(recipient: processing.Recipient) -> dict[str, Any]:
    transfer = recipient.transfer
    return {
        "name": recipient.name,
        "type": str(recipient.type),
        "countries": recipient.countries,
        "safeguard": f"{transfer.mechanism}: {transfer.reference}" if transfer else None,
    }


def _portability(
    db: Session, actor: Actor, keys: keystore.Keys, request: Request, base_url: str
) -> dict[str, Any]:
    """Art. 20: what the person provided, processed under consent or contract, as JSON and CSV (T-18)."""
    if request.subject_id is None:
        return {"found": False}
    register = _register(db, request)
    portable = {
        a.key
        for a in register.activities
        if {processing.Basis.CONSENT, processing.Basis.CONTRACT} & set(processing.bases(a).values())
    }
    rows = [
        {"category": v.category, "value": v.value, "collected_at": v.collection.collected_at.isoformat()}
        for v in subjects.values(db, keys, subject_id=request.subject_id)
        if v.collection.activity in portable and v.collection.provided_by_subject
    ]
    package(db, keys, request, "portability.json", json.dumps({"data": rows}, ensure_ascii=False).encode())
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=["category", "value", "collected_at"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    package(db, keys, request, "portability.csv", buffer.getvalue().encode())
    target = str(request.details.get("transmit_to") or "")
    transmitted = None
    if target:
        transmitted = _transmit(target, {"reference": request.reference, "data": rows})
    return {"items": len(rows), "transmitted": transmitted}


def _transmit(url: str, payload: dict[str, Any]) -> str:
    """Direct transmission to another controller, over HTTPS only; a failure leaves the download."""
    if not url.startswith("https://"):
        return "refused: not https"
    try:
        response = outbound.post(url, json=payload, timeout=15)
    except httpx.HTTPError as exc:
        return f"failed: {type(exc).__name__}"
    return f"status {response.status_code}"


def _rectification(
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


def _restriction(
    db: Session, actor: Actor, keys: keystore.Keys, request: Request, base_url: str
) -> dict[str, Any]:
    if request.subject_id is None:
        return {"found": False}
    ground = subjects.RestrictionGround(str(request.details.get("ground") or "accuracy_contested"))
    row = subjects.restrict(
        db, actor, subject_id=request.subject_id, ground=ground, reason=f"rights request {request.reference}"
    )
    return {"restriction": str(row.id), "ground": str(ground)}


def _objection(
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
        if request.subject_id is not None:
            subjects.record_objection(
                db, actor, subject_id=request.subject_id, kind="direct_marketing", activity=None
            )
            for state in db.scalars(
                select(consent.ConsentState).where(
                    consent.ConsentState.subject_id == request.subject_id,
                    consent.ConsentState.state == "given",
                )
            ):
                consent.record(
                    db,
                    actor,
                    organisation_id=request.organisation_id,
                    subject_id=request.subject_id,
                    purpose=state.purpose,
                    kind=consent.EventKind.WITHDRAWN,
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


def _erasure(
    db: Session, actor: Actor, keys: keystore.Keys, request: Request, base_url: str
) -> dict[str, Any]:
    """Art. 17: erased per activity unless a legal obligation or a legal hold keeps it (17(3)(b), (e))."""
    if request.subject_id is None:
        return {"found": False, "erased": [], "kept": []}
    register = _register(db, request)
    subject = subjects.get(db, subject_id=request.subject_id)
    flags = subjects.flags(db, subject_id=subject.id)
    held = {h.purpose for h in flags.holds}
    retention = {r.key: r for r in register.retention_rules}
    keep: dict[str, str] = {}
    for activity in register.activities:
        basis = {processing.bases(activity).get(c) for c in subject.categories} & RETAINING_BASES
        if basis:
            rule = retention[activity.retention]
            keep[activity.key] = f"legal obligation; {rule.label.get(request.language) or rule.label.en}"
        elif activity.key in held:
            keep[activity.key] = "legal hold"
    history = subjects.history(db, subject_id=subject.id)
    consented = {
        e.purpose for e in consent.history(db, subject_id=subject.id) if not e.purpose.startswith("cookies:")
    }
    erased_activities = sorted(({c.activity for c in history} | consented) - set(keep))
    email = contact(keys, request)
    consent.suppress(
        db,
        actor,
        organisation_id=request.organisation_id,
        lookup=consent.suppression_lookup(keys, email),
        reason="erasure",
    )  # T-01: never re-imported
    kept = sorted({c.activity for c in history} & set(keep))
    discarded = tombstones.discard_mail(  # T-05: their queued mail is a copy too
        db,
        actor,
        keys,
        organisation_id=request.organisation_id,
        lookups=[*tombstones.identity_lookups(db, subject.id), consent.suppression_lookup(keys, email)],
        request_reference=request.reference,
        entity_id=subject.id,
    )
    tombstones.record(  # before anything is destroyed, so a restored main database is erased again
        db,
        keys,
        subject=subject,
        kept=kept,
        suppression_lookup=consent.suppression_lookup(keys, email),
        request_reference=request.reference,
    )
    if not kept:
        keys.store.destroy(
            keystore.subject_owner(subject.id)
        )  # every copy, backups included, becomes unreadable
        db.delete(subject)
        db.flush()
    else:
        for collection in history:
            if collection.activity not in keep:
                db.execute(
                    delete(subjects.PersonalData).where(subjects.PersonalData.collection_id == collection.id)
                )
                db.delete(collection)
        subjects.restrict(
            db,
            actor,
            subject_id=subject.id,
            ground=subjects.RestrictionGround.RETAINED_BY_LAW,
            reason=f"kept after erasure {request.reference}",
        )
    return {
        "erased": erased_activities,
        "kept": [{"activity": a, "why": keep[a]} for a in kept],
        "key_destroyed": not kept,
        "exclusion_entry": True,
        "queued_mail_deleted": discarded,
    }


def _notify_recipients(
    db: Session, actor: Actor, keys: keystore.Keys, request: Request, base_url: str
) -> dict[str, Any]:
    """Art. 19, T-41: every recipient that received the data hears of a rectification, erasure, restriction, objection."""
    register = _register(db, request)
    done = {s.kind: s.result for s in db.scalars(select(Step).where(Step.request_id == request.id))}
    erasure = done.get("erasure", {})
    held = set(erasure.get("erased", [])) | {k["activity"] for k in erasure.get("kept", [])}
    if request.subject_id is not None and db.get(subjects.Subject, request.subject_id) is not None:
        held |= {c.activity for c in subjects.history(db, subject_id=request.subject_id)}
    kinds = [k for k in request.kinds if k in NOTIFY_RECIPIENTS]
    corrected = request.details.get("values") if "rectification" in kinds else None
    messages = recipients.payloads(
        register,
        reference=request.reference,
        events=kinds,
        activities=recipients.scope(register, kinds=kinds, details=request.details, held=held),
        email=contact(keys, request),
        values={str(k): str(v) for k, v in dict(corrected or {}).items()},
    )
    outcomes = recipients.tell(register, messages)
    request.outcome = {**request.outcome, "recipients_notified": outcomes}
    return {"recipients": outcomes}


def _answer(
    db: Session, actor: Actor, keys: keystore.Keys, request: Request, base_url: str
) -> dict[str, Any]:
    """The reply in the person's language, with an expiring link to the answer (R-49)."""
    results = {s.kind: s.result for s in db.scalars(select(Step).where(Step.request_id == request.id))}
    certificate = {
        "reference": request.reference,
        "kinds": request.kinds,
        "results": results,
        "answered_at": clock.now().isoformat(),
    }
    package(
        db, keys, request, "answer.json", json.dumps(certificate, ensure_ascii=False, default=str).encode()
    )
    lang = request.language
    expires = clock.today() + PACKAGE_LIFETIME
    url = f"{base_url}/rights/{download_token(keys, request.id)}/answer?lang={request.language}"
    tell(db, keys, request, "answer", url=url, date=i18n.long_date(expires, lang))
    request.completed_at = clock.now()
    _move(db, actor, request, rules.Status.COMPLETED)
    return {"answered": True}


Handler = Callable[[Session, Actor, keystore.Keys, Request, str], dict[str, Any]]
HANDLERS: dict[str, Handler] = {
    "acknowledge": cases.acknowledge,  # questions and complaints, before a person answers
    "fee_quote": fees.tell_quote,  # the only step of a request held for its fee (fees.py)
    "access": _access,
    "portability": _portability,
    "rectification": _rectification,
    "restriction": _restriction,
    "objection": _objection,
    "erasure": _erasure,
    "notify_recipients": _notify_recipients,
    "answer": _answer,
    objections.NOTIFY_STEP: objections.notify_decision,  # after the officer's decision (objections.py)
}
# access and portability read before erasure deletes; recipients hear before the answer goes out
ORDER = (
    "acknowledge",
    "datastore_access",  # the company's other datastores, one step each (datastores.py), before the report
    "access",
    "portability",
    "rectification",
    "restriction",
    "objection",
    "datastore_erasure",
    "erasure",
    "notify_recipients",
    "answer",
    objections.NOTIFY_STEP,
)
