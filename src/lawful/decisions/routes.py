"""JSON API of the purpose gate: /api/decisions, and reading a person's data through it."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Response
from sqlalchemy.orm import Session

from lawful import subjects
from lawful.actor import Actor
from lawful.errors import Forbidden
from lawful.keystore import Keys
from lawful.web import AppKeys, AppSettings, Db, require

from . import exports, service
from .rules import Decision
from .schemas import (
    BatchCreate,
    BatchRead,
    DecisionCreate,
    DecisionRead,
    ExportCreate,
    ExportRead,
    ReadCreate,
    ReadResult,
    SubjectRef,
)

router = APIRouter(prefix="/api", tags=["decisions"])
Asker = Annotated[Actor, Depends(require("decisions:ask"))]
Reader = Annotated[Actor, Depends(require("personal_data:read"))]
KINDS = {
    "email": subjects.IdentityKind.EMAIL,
    "phone": subjects.IdentityKind.PHONE,
    "external_id": subjects.IdentityKind.EXTERNAL,
}


@router.post("/decisions")
def decide(body: DecisionCreate, db: Db, keys: AppKeys, actor: Asker) -> DecisionRead:
    """May this purpose use this person's data now, and which of the wanted fields?"""
    org = _org(actor)
    subject_id = _resolve(db, keys, org, body.subject)
    decision = service.decide(
        db, organisation_id=org, purpose=body.purpose, subject_id=subject_id, fields=frozenset(body.fields)
    )
    return _read(decision, actor)


@router.post("/decisions/batch")
def decide_batch(body: BatchCreate, db: Db, keys: AppKeys, actor: Asker) -> BatchRead:
    """The same question for many people at once (audiences, exports); answers keep the request order."""
    org = _org(actor)
    ids = [_resolve(db, keys, org, ref) for ref in body.subjects]
    known = [i for i in ids if i is not None]
    decided = service.decide_many(
        db, organisation_id=org, purpose=body.purpose, subject_ids=known, fields=frozenset(body.fields)
    )
    results = [_read(decided[i] if i is not None else service.UNKNOWN, actor) for i in ids]
    allowed = sum(r.decision == "allow" for r in results)
    return BatchRead(purpose=body.purpose, allowed=allowed, denied=len(results) - allowed, results=results)


@router.post("/subjects/read")
def read_subject(body: ReadCreate, db: Db, keys: AppKeys, actor: Reader) -> ReadResult:
    """A person's data for a declared purpose: only the fields the gate allows; the read is audited."""
    org = _org(actor)
    subject_id = _resolve(db, keys, org, body.subject)
    if subject_id is None:
        raise subjects.SubjectNotFound("no such subject")
    reading = service.read(
        db,
        actor,
        keys,
        organisation_id=org,
        subject_id=subject_id,
        purpose=body.purpose,
        fields=frozenset(body.fields),
    )
    db.commit()
    return ReadResult(subject_id=subject_id, purpose=body.purpose, values=[_value(v) for v in reading.values])


@router.post("/exports", status_code=201)
def request_export(
    body: ExportCreate, db: Db, keys: AppKeys, actor: Reader, settings: AppSettings
) -> ExportRead:
    """A bulk export for a declared purpose (R-91); above the threshold it waits for approval."""
    export = exports.request(
        db,
        actor,
        keys,
        organisation_id=_org(actor),
        purpose=body.purpose,
        fields=body.fields,
        subject_category=body.subject_category,
        approval_threshold=settings.export_approval_threshold,
    )
    db.commit()
    return ExportRead.model_validate(export)


@router.get("/exports/{export_id}")
def get_export(export_id: uuid.UUID, db: Db, actor: Reader) -> ExportRead:
    return ExportRead.model_validate(exports.get(db, export_id=export_id, organisation_id=_org(actor)))


@router.post("/exports/{export_id}/approval")
def approve_export(export_id: uuid.UUID, db: Db, keys: AppKeys, actor: Reader) -> ExportRead:
    export = exports.approve(db, actor, keys, export_id=export_id)
    db.commit()
    return ExportRead.model_validate(export)


@router.get("/exports/{export_id}/file")
def download_export(export_id: uuid.UUID, db: Db, keys: AppKeys, actor: Reader) -> Response:
    body = exports.download(db, actor, keys, export_id=export_id)
    db.commit()
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="export-{export_id}.csv"',
            "Cache-Control": "no-store",
        },
    )


def _value(v: subjects.Value) -> subjects.ValueRead:
    c = v.collection
    return subjects.ValueRead(
        category=v.category,
        value=v.value,
        version=v.version,
        collected_at=c.collected_at,
        activity=c.activity,
        channel=c.channel,
        source=c.source,
        form_key=c.form_key,
        notice_number=c.notice_number,
        language=c.language,
    )


def _resolve(db: Session, keys: Keys, org: uuid.UUID, ref: SubjectRef) -> uuid.UUID | None:
    if ref.subject_id is not None:
        try:
            return subjects.get(db, subject_id=ref.subject_id, organisation_id=org).id
        except subjects.SubjectNotFound:
            return None
    kind, value = next((KINDS[name], getattr(ref, name)) for name in KINDS if getattr(ref, name) is not None)
    return service.find_subject(db, keys, organisation_id=org, kind=kind, value=value)


def _read(decision: Decision, actor: Actor) -> DecisionRead:
    """Without `subjects:read`, a deny says only 'denied': it must not tell who is known (R-10)."""
    reasons = [str(r) for r in decision.reasons]
    if not decision.allow and not actor.can("subjects:read"):
        reasons = ["denied"]
    return DecisionRead(
        decision="allow" if decision.allow else "deny",
        reasons=reasons,
        fields=list(decision.fields),
        basis=decision.basis if decision.allow else None,
    )


def _org(actor: Actor) -> uuid.UUID:
    if actor.organisation_id is None:
        raise Forbidden("this key belongs to no organisation")
    return actor.organisation_id
