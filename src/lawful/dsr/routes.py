"""JSON API of rights requests for staff: register, queue, extend, refuse, run."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from lawful import jobs, work
from lawful.actor import Actor
from lawful.errors import Forbidden
from lawful.web import AppKeys, AppSettings, Db, require

from . import cases, deletions, fees, objections, officer, service, staff_intake, steps, tasks
from .letters import post
from .schemas import ExtensionCreate, FeeRead, RefusalCreate, RequestCreate, RequestRead

router = APIRouter(prefix="/api/dsr", tags=["rights requests"])
Reader = Annotated[Actor, Depends(require("dsr:read"))]
Writer = Annotated[Actor, Depends(require("dsr:write"))]


@router.post(
    "",
    status_code=201,
    responses={200: {"model": RequestRead, "description": "joined the person's open request (`joined`)"}},
)
def register(
    body: RequestCreate, response: Response, db: Db, keys: AppKeys, actor: Writer, settings: AppSettings
) -> RequestRead:
    """A new case (201), or, when the same person already has an open request for these rights, that
    request with the receipt that joined it (200, `joined`)."""
    made = staff_intake.register(
        db,
        actor,
        keys,
        organisation_id=_org(actor),
        kinds=body.kinds,
        email=body.email,
        language=body.language,
        channel=body.channel,
        received_at=body.received_at,
        details=body.details,
        identity_verified=body.identity_verified,
        base_url=settings.base_url,
        postal=body.postal(),
    )
    if made.joined is not None:
        response.status_code = 200
        return RequestRead.model_validate(made.request).model_copy(update={"joined": made.joined.reference})
    if made.request.status in tasks.RUNNABLE:
        jobs.kick(db, tasks.run_request, str(made.request.id))
    return RequestRead.model_validate(made.request)


@router.get("")
def queue(db: Db, actor: Reader) -> list[RequestRead]:
    """Open requests, the earliest legal due date first."""
    return [RequestRead.model_validate(r) for r in service.list_open(db, organisation_id=_org(actor))]


@router.get("/{request_id}")
def get_request(request_id: uuid.UUID, db: Db, actor: Reader) -> RequestRead:
    return RequestRead.model_validate(service.get(db, request_id=request_id, organisation_id=_org(actor)))


@router.post("/{request_id}/extension")
def extend(request_id: uuid.UUID, body: ExtensionCreate, db: Db, keys: AppKeys, actor: Writer) -> RequestRead:
    request = officer.extend(db, actor, keys, request_id=request_id, months=body.months, reason=body.reason)
    return RequestRead.model_validate(request)


@router.post("/{request_id}/refusal")
def refuse(request_id: uuid.UUID, body: RefusalCreate, db: Db, keys: AppKeys, actor: Writer) -> RequestRead:
    request = officer.refuse(db, actor, keys, request_id=request_id, justification=body.justification)
    return RequestRead.model_validate(request)


class IdentificationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    doubt: str = Field(min_length=1, max_length=2000, description="the reasonable doubt (R-46)")
    asked: str = Field(min_length=1, max_length=2000, description="what is asked; never more than is held")


class TextCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=10_000)


@router.post("/{request_id}/mandate")
def confirm_mandate(request_id: uuid.UUID, body: TextCreate, db: Db, actor: Writer) -> RequestRead:
    """R-50: what proves that the representative may act for the person."""
    request = cases.confirm_mandate(db, actor, request_id=request_id, evidence=body.text)
    if request.status in tasks.RUNNABLE:
        jobs.kick(db, tasks.run_request, str(request.id))
    return RequestRead.model_validate(request)


@router.post("/{request_id}/identification")
def ask_identification(
    request_id: uuid.UUID,
    body: IdentificationCreate,
    db: Db,
    keys: AppKeys,
    actor: Writer,
    settings: AppSettings,
) -> RequestRead:
    """R-47: a request answered on paper gets an identification letter (GET …/letters to print it)."""
    request = cases.ask_more_identification(
        db,
        actor,
        keys,
        request_id=request_id,
        doubt=body.doubt,
        asked=body.asked,
        pause_while_identity=settings.dsr_pause_while_identity,
    )
    return RequestRead.model_validate(request)


@router.post("/{request_id}/identity")
def confirm_identity(
    request_id: uuid.UUID, body: TextCreate, db: Db, actor: Writer, settings: AppSettings
) -> RequestRead:
    """Staff checked the identity (the answer to an identification letter): how, in a few words; the work
    then begins."""
    request = cases.confirm_identity(
        db,
        actor,
        request_id=request_id,
        method=body.text,
        pause_while_identity=settings.dsr_pause_while_identity,
    )
    if request.status in tasks.RUNNABLE:
        jobs.kick(db, tasks.run_request, str(request.id))
    return RequestRead.model_validate(request)


@router.post("/{request_id}/unidentified")
def close_unidentified(
    request_id: uuid.UUID, body: TextCreate, db: Db, keys: AppKeys, actor: Writer
) -> RequestRead:
    """Art. 11(2), 12(2), R-47: identity could not be established after asking; closed with a letter (409
    before more identification was asked)."""
    request = cases.close_unidentified(db, actor, keys, request_id=request_id, why=body.text)
    return RequestRead.model_validate(request)


@router.get("/{request_id}/letters")
def list_letters(request_id: uuid.UUID, db: Db, actor: Reader) -> list[dict[str, str]]:
    """The letters written for the request (R-43): name, kind, channel and when, oldest first."""
    request = service.get(db, request_id=request_id, organisation_id=_org(actor))
    return [{k: str(v) for k, v in event.items()} for event in request.outcome.get("letters", [])]


@router.get("/{request_id}/letters/{letter}")
def letter_pdf(request_id: uuid.UUID, letter: str, db: Db, keys: AppKeys, actor: Reader) -> Response:
    """One letter as a PDF to print ("latest" for the newest), or as the HTML it is printed from (….html)."""
    request = service.get(db, request_id=request_id, organisation_id=_org(actor))
    wanted = (
        None if letter in ("latest", "latest.html") else letter.removesuffix(".pdf").removesuffix(".html")
    )
    if letter.endswith(".html"):
        filename, body = post.html(db, keys, request, wanted and wanted + ".html")
    else:
        filename, body = post.pdf(db, keys, request, wanted and wanted + ".html")
    return Response(
        body,
        media_type="text/html; charset=utf-8" if filename.endswith(".html") else "application/pdf",
        headers={"Cache-Control": "no-store", "Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.post("/{request_id}/answer")
def close_case(request_id: uuid.UUID, body: TextCreate, db: Db, keys: AppKeys, actor: Writer) -> RequestRead:
    """Questions and complaints: the written answer, with the APD and the courts named (R-70)."""
    request = cases.close_case(db, actor, keys, request_id=request_id, answer=body.text)
    return RequestRead.model_validate(request)


@router.post("/{request_id}/run")
def run(request_id: uuid.UUID, db: Db, keys: AppKeys, actor: Writer, settings: AppSettings) -> RequestRead:
    """Carry out the pending steps now (the worker does the same on its own), one commit per step."""
    service.get(db, request_id=request_id, organisation_id=_org(actor))
    while steps.run_next(db, actor, keys, request_id=request_id, base_url=settings.base_url):
        work.checkpoint(db)
    return RequestRead.model_validate(service.get(db, request_id=request_id))


class FeeDecisionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: str = Field(
        pattern="^(paid|waived|declined)$",
        description="the fee was paid, is waived, or the person declined it",
    )
    note: str | None = Field(
        default=None, max_length=2000, description="payment reference, why waived, or how they declined"
    )


@router.get("/{request_id}/fee")
def get_fee(request_id: uuid.UUID, db: Db, actor: Reader) -> FeeRead:
    """The quote for a further copy (R-52), and what was decided."""
    service.get(db, request_id=request_id, organisation_id=_org(actor))
    return FeeRead.model_validate(fees.get_fee(db, request_id=request_id))


@router.post("/{request_id}/fee")
def decide_fee(
    request_id: uuid.UUID, body: FeeDecisionCreate, db: Db, keys: AppKeys, actor: Writer
) -> RequestRead:
    """Staff record the payment or waive the fee (the work then begins), or close the request as declined."""
    request = fees.decide(db, actor, keys, request_id=request_id, decision=body.decision, note=body.note)
    tasks.resume(db, request.id)
    return RequestRead.model_validate(request)


class ObjectionDecisionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: str = Field(pattern="^(upheld|rejected)$", description="the objection stands, or is overridden")
    grounds: str | None = Field(
        default=None, max_length=10_000, description="the compelling legitimate grounds, when rejected"
    )


@router.post("/{request_id}/objection")
def decide_objection(
    request_id: uuid.UUID, body: ObjectionDecisionCreate, db: Db, keys: AppKeys, actor: Writer
) -> RequestRead:
    """Art. 21(1): the privacy officer upholds an objection to legitimate interests, or rejects it with grounds."""
    request = objections.decide(
        db, actor, keys, request_id=request_id, outcome=body.outcome, grounds=body.grounds
    )
    tasks.resume(db, request.id)
    deletions.tasks.kick(db)  # an upheld objection scheduled the deletion of that activity's data
    return RequestRead.model_validate(request)


class AssigneeUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    staff_id: uuid.UUID | None = Field(description="the staff member who owns the request; null: nobody")


@router.put("/{request_id}/assignee")
def assign(request_id: uuid.UUID, body: AssigneeUpdate, db: Db, actor: Writer) -> RequestRead:
    """R-45, R-70: who owns the request."""
    request = cases.assign(db, actor, request_id=request_id, staff_id=body.staff_id)
    return RequestRead.model_validate(request)


def _org(actor: Actor) -> uuid.UUID:
    if actor.organisation_id is None:
        raise Forbidden("this key belongs to no organisation")
    return actor.organisation_id
