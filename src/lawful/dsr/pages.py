"""The privacy center (/rights): ask, confirm with the code sent to the address on file, follow, download."""

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any, Literal, get_args

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from lawful import clock, i18n, jobs, processing, staff, work
from lawful.actor import Actor, ActorKind
from lawful.errors import LawfulError
from lawful.web import (
    AppKeys,
    AppSettings,
    ConsoleActor,
    Db,
    RateLimiter,
    SameOrigin,
    console_permission,
    html,
    language,
)

from . import (
    deletions,
    fees,
    form_errors,
    objections,
    officer,
    receipts,
    rules,
    service,
    steps,
    tasks,
    wording,
)
from .letters import pages as on_paper
from .models import Request as RightsRequest
from .packages import answer_files
from .schemas import ExtensionCreate, RefusalCreate, RightsAsk

pages = APIRouter(tags=["rights requests"], include_in_schema=False)
PublicKind = Literal[
    "access", "rectification", "erasure", "restriction", "objection", "portability", "question", "complaint"
]
PUBLIC_KINDS: tuple[str, ...] = get_args(PublicKind)
RESTRICTION_GROUNDS = ("accuracy_contested", "unlawful_processing", "legal_claims", "objection_pending")
PERSON = Actor(ActorKind.PUBLIC, label="privacy-center")
rights_limit = RateLimiter(limit=20, seconds=60)
LANGUAGES = ("en", "fr", "nl")
FORM_MEDIA = ("application/x-www-form-urlencoded", "multipart/form-data")


def _org(db: Db, settings: AppSettings) -> processing.Organisation:
    return processing.get_organisation(db, slug=settings.organisation)


@pages.get("/rights")
def rights_form(
    request: Request,
    db: Db,
    settings: AppSettings,
    right: Annotated[list[PublicKind] | None, Query(max_length=8)] = None,
    step: Annotated[str | None, Query(pattern="^(choose|details)$")] = None,
) -> HTMLResponse:
    """Two steps that need no script: what the person wants (?right=… for each), then only the fields
    those rights need (R-43: nothing else is asked)."""
    lang = language(request, ["en", "fr", "nl"], "en")
    chosen: list[str] = [kind for kind in PUBLIC_KINDS if kind in (right or [])]
    return _form_page(db, settings, lang, chosen, step)


def _form_page(
    db: Db,
    settings: AppSettings,
    lang: str,
    chosen: list[str],
    step: str | None,
    sent: dict[str, Any] | None = None,
    problems: list[tuple[str, str]] | None = None,
) -> HTMLResponse:
    """Either step; with `problems`, the second step again with what was sent and each error by its field."""
    org = _org(db, settings)
    unchosen = step == "details" and not chosen  # "continue" pressed with nothing ticked
    asking = chosen if step != "choose" else []  # "choose": back to the first step, the ticks kept
    refused = form_errors.refused(problems or [], asking, lang) if asking else form_errors.Refused()
    title = i18n.t("rights.title", lang)
    return html(
        "dsr/form.html",
        status_code=422 if unchosen or problems else 200,
        lang=lang,
        title=i18n.t("center.error.page_title", lang, title=title) if refused.summary else title,
        org_name=org.legal_name,
        kinds=PUBLIC_KINDS,
        chosen=chosen,
        asking=asking,
        choose_error=unchosen,
        keep=([("step", step)] if step else []) + [("right", k) for k in chosen],
        sent=dict.fromkeys(form_errors.TEXTS, "") | (sent or {}),
        errors=refused.errors,
        summary=refused.summary,
        **(_details(db, org.id, lang, asking) if asking else {}),
    )


def _details(db: Db, organisation_id: uuid.UUID, lang: str, chosen: Sequence[str]) -> dict[str, Any]:
    """The choices the chosen rights' fields offer, read from the register only when they are shown."""
    if not {"rectification", "objection"} & set(chosen):
        return {"categories": [], "activities": [], "grounds": RESTRICTION_GROUNDS}
    register = processing.current_register(db, organisation_id=organisation_id)[1]
    objectable = [
        a
        for a in register.activities
        if processing.Basis.LEGITIMATE_INTERESTS in processing.bases(a).values()
    ]  # Art. 21(1): the right to object on grounds of one's situation applies to legitimate interests
    return {
        "categories": [(c.key, c.label.get(lang) or c.key) for c in register.data_categories],
        "activities": [(a.key, a.name.get(lang) or a.key) for a in objectable],
        "grounds": RESTRICTION_GROUNDS,
    }


async def _posted(request: Request) -> FormData | None:
    """The form as the browser sent it (None: a body that is not a form)."""
    if not request.headers.get("content-type", "").startswith(FORM_MEDIA):
        return None
    return await request.form()


@pages.post("/rights")
def ask(
    request: Request,
    db: Db,
    keys: AppKeys,
    settings: AppSettings,
    posted: Annotated[FormData | None, Depends(_posted)],
) -> Response:
    """No wording or legal citation is needed; only what it takes to answer (R-43). What cannot be accepted
    sends the second step back, what was typed kept and each error beside its field; nothing is written."""
    rights_limit(request)
    sent = form_errors.sent(posted, posted.getlist("kinds") if posted is not None else [])
    try:
        form = RightsAsk.model_validate(sent)
    except ValidationError as exc:
        if posted is None:  # not a form: the error page, naming the fields
            raise RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]) from exc
        return _again(request, db, settings, sent, form_errors.from_validation(exc.errors()))
    try:
        return _ask(db, keys, settings, form)
    except LawfulError as exc:
        problems = form_errors.from_refusal(exc)
        if problems is None:
            raise
        work.fail(db, exc)  # the refused work rolled back; what a refusal keeps on record, kept
        return _again(request, db, settings, sent, problems)


def _again(
    request: Request, db: Db, settings: AppSettings, sent: dict[str, Any], problems: list[tuple[str, str]]
) -> HTMLResponse:
    lang = sent["lang"] if sent.get("lang") in LANGUAGES else language(request, list(LANGUAGES), "en")
    chosen = [kind for kind in PUBLIC_KINDS if kind in sent["kinds"]]
    return _form_page(db, settings, lang, chosen, "details", sent, problems)


def _ask(db: Db, keys: AppKeys, settings: AppSettings, form: RightsAsk) -> Response:
    organisation_id = _org(db, settings).id
    joined = receipts.open_for(db, keys, organisation_id=organisation_id, email=form.email, kinds=form.kinds)
    if joined is not None:  # the same person, the same right, still open: not a second case
        receipt = receipts.join(
            db,
            PERSON,
            keys,
            joined,
            email=form.email,
            kinds=form.kinds,
            channel="web_form",
            language=form.lang,
            base_url=settings.base_url,
        )
        return RedirectResponse(
            f"/rights/{service.status_token(keys, receipt.id)}?lang={form.lang}", status_code=303
        )
    found = service.open_request(
        db,
        PERSON,
        keys,
        organisation_id=organisation_id,
        kinds=form.kinds,
        email=form.email,
        language=form.lang,
        channel="web_form",
        base_url=settings.base_url,
        details=form.details(),
    )
    if found.status in tasks.RUNNABLE:  # an objection to marketing needs no code: it runs at once
        jobs.kick(db, tasks.run_request, str(found.id))
    return RedirectResponse(
        f"/rights/{service.status_token(keys, found.id)}?lang={form.lang}", status_code=303
    )


@pages.get("/rights/{token}")
def follow(token: str, request: Request, db: Db, keys: AppKeys, settings: AppSettings) -> HTMLResponse:
    """The request's state in words that match it (wording.py); a joined receipt reads as a new request
    until its code proves control of the address."""
    wanted = service.request_from_token(keys, token)
    error = "rights.code_wrong" if request.query_params.get("error") == "code" else None
    found = db.get(RightsRequest, wanted)
    if found is None:
        receipt = receipts.get(db, wanted)
        lang = language(request, ["en", "fr", "nl"], receipt.language)
        joined = db.get(RightsRequest, receipt.request_id) if receipt.confirmed_at else None
        shown = receipts.unconfirmed(receipt, joined=joined is not None)
        return html(
            "dsr/status.html",
            lang=lang,
            title=i18n.t("rights.status", lang, reference=shown.reference),
            org_name=_org(db, settings).legal_name,
            request=shown,
            fee=None,
            token=token,
            error=error,
            words=wording.joined(joined, lang) if joined else wording.words(shown, lang),
            **_standing(joined or shown, receipt.received_at),
        )
    lang = language(request, ["en", "fr", "nl"], found.language)
    fee = fees.quote(db, request=found, lang=lang)
    return html(
        "dsr/status.html",
        lang=lang,
        title=i18n.t("rights.status", lang, reference=found.reference),
        org_name=_org(db, settings).legal_name,
        request=found,
        fee=fee,
        token=token,
        error=error,
        words=wording.words(found, lang),
        **_standing(found, found.received_at),
    )


def _standing(shown: RightsRequest | receipts.Unconfirmed, received_at: datetime) -> dict[str, Any]:
    """The steps and the two dates the status page shows (R-44, R-45)."""
    return {
        "progress": wording.progress(shown),
        "received_on": clock.brussels_date(received_at),
        "due_on": shown.due_on,
    }


@pages.post("/rights/{token}/code")
def confirm(
    token: str,
    request: Request,
    db: Db,
    keys: AppKeys,
    settings: AppSettings,
    code: Annotated[str, Form(min_length=1, max_length=12)],
) -> Response:
    rights_limit(request)
    wanted = service.request_from_token(keys, token)
    if db.get(RightsRequest, wanted) is None:  # a receipt joined to an open request
        proved = receipts.confirm(db, PERSON, keys, receipt_id=wanted, code=code)
        lang = receipts.get(db, wanted).language
        return RedirectResponse(
            f"/rights/{token}?lang={lang}{'' if proved else '&error=code'}", status_code=303
        )
    found = service.verify(
        db,
        PERSON,
        keys,
        request_id=wanted,
        code=code,
        pause_while_identity=settings.dsr_pause_while_identity,
    )
    if found.status in tasks.RUNNABLE:  # held for a fee: the quote is a step, mailed now (not at the sweep)
        jobs.kick(db, tasks.run_request, str(found.id))
    wrong = "&error=code" if found.status == "awaiting_identity" else ""
    return RedirectResponse(f"/rights/{token}?lang={found.language}{wrong}", status_code=303)


@pages.post("/rights/{token}/fee", dependencies=[SameOrigin])
def decline_fee(
    token: str,
    request: Request,
    db: Db,
    keys: AppKeys,
    decision: Annotated[str, Form(pattern="^declined$")],
) -> Response:
    """R-48: whoever holds the request's link may decline its fee; the request closes with a letter."""
    rights_limit(request)
    found = fees.decline(db, PERSON, keys, request_id=service.request_from_token(keys, token))
    return RedirectResponse(f"/rights/{token}?lang={found.language}", status_code=303)


@pages.get("/rights/{token}/answer")
def answer(token: str, request: Request, db: Db, keys: AppKeys, settings: AppSettings) -> HTMLResponse:
    """The answer, for whoever holds the emailed link, until it expires; downloads are counted."""
    files = answer_files(db, keys, token=token)
    lang = language(request, ["en", "fr", "nl"], "en")
    return html(
        "dsr/answer.html",
        lang=lang,
        title=i18n.t("answer.title", lang),
        org_name=_org(db, settings).legal_name,
        token=token,
        files=[(f, wording.size(f.size, lang) if f.size is not None else None) for f in files],
    )


@pages.get("/rights/{token}/answer/{name}")
def answer_file(token: str, name: str, db: Db, keys: AppKeys) -> Response:
    body = steps.part(db, keys, token=token, name=name)
    media = {"json": "application/json", "csv": "text/csv", "html": "text/html", "pdf": "application/pdf"}[
        name.rsplit(".", 1)[1]
    ]
    return Response(
        body,
        media_type=media if media == "application/pdf" else f"{media}; charset=utf-8",
        headers={"Cache-Control": "no-store", "Content-Disposition": f'attachment; filename="{name}"'},
    )


console = APIRouter(prefix="/console/requests", tags=["console"], include_in_schema=False)
console.include_router(on_paper.console)  # before "/{request_id}": /intake is no request id


@console.get("/deletions")
def deletion_list(
    db: Db, actor: ConsoleActor, status: Annotated[str | None, Query(pattern="^(scheduled|done)$")] = None
) -> HTMLResponse:
    """R-62: what automatic deletions were scheduled and did, kept items with their reason (before /{id})."""
    console_permission(actor, "dsr:read")
    found = deletions.list_deletions(db, organisation_id=_console_org(actor), status=status)
    references = deletions.references(db, request_ids=[d.request_id for d in found if d.request_id])
    rows = [(d, references.get(d.request_id) if d.request_id else None) for d in found]
    return html("console/deletions.html", title="Automatic deletions", actor=actor, rows=rows)


@console.get("/{request_id}")
def request_page(request_id: uuid.UUID, db: Db, actor: ConsoleActor) -> HTMLResponse:
    """One request: status, due date, steps, owner, and the decisions staff can take on it (R-45, R-48, R-67)."""
    console_permission(actor, "dsr:read")
    found = service.get(db, request_id=request_id, organisation_id=_console_org(actor))
    owners = {u.id: u.display_name for u in staff.list_staff(db, organisation_id=found.organisation_id)}
    return html(
        "console/request.html",
        title=f"Request {found.reference}",
        actor=actor,
        request=found,
        steps=steps.list_steps(db, request_id=found.id),
        owner=owners.get(found.assignee_id) if found.assignee_id else None,
        fee=fees.find_fee(db, request_id=found.id),
        objection_open=_objection_open(found),
        closed=found.status in ("completed", "refused"),
        overdue=rules.is_overdue(found.due_on, clock.today(), completed=found.completed_at is not None),
        letters=found.outcome.get("letters", []),
        receipts=receipts.of_request(db, found.id),
        identification_due=rules.identity_request_by(
            rules.received_date(found.received_at), clock.is_working_day
        ),
    )


@console.post("/{request_id}/fee", dependencies=[SameOrigin])
def fee_form(
    request_id: uuid.UUID,
    db: Db,
    keys: AppKeys,
    actor: ConsoleActor,
    decision: Annotated[str, Form(pattern="^(paid|waived|declined)$")],
    note: Annotated[str | None, Form(max_length=2000)] = None,
) -> RedirectResponse:
    console_permission(actor, "dsr:write")
    fees.decide(db, actor, keys, request_id=request_id, decision=decision, note=note)
    tasks.resume(db, request_id)
    return RedirectResponse(f"/console/requests/{request_id}", status_code=303)


@console.post("/{request_id}/objection", dependencies=[SameOrigin])
def objection_form(
    request_id: uuid.UUID,
    db: Db,
    keys: AppKeys,
    actor: ConsoleActor,
    outcome: Annotated[str, Form(pattern="^(upheld|rejected)$")],
    grounds: Annotated[str | None, Form(max_length=10_000)] = None,
) -> RedirectResponse:
    """Art. 21(1): the privacy officer only (objections.decide refuses anyone else)."""
    console_permission(actor, "dsr:write")
    objections.decide(db, actor, keys, request_id=request_id, outcome=outcome, grounds=grounds)
    tasks.resume(db, request_id)
    deletions.tasks.kick(db)  # an upheld objection scheduled the deletion of that activity's data
    return RedirectResponse(f"/console/requests/{request_id}", status_code=303)


@console.post("/{request_id}/extension", dependencies=[SameOrigin])
def extension_form(
    request_id: uuid.UUID,
    db: Db,
    keys: AppKeys,
    actor: ConsoleActor,
    form: Annotated[ExtensionCreate, Form()],
) -> RedirectResponse:
    console_permission(actor, "dsr:write")
    officer.extend(db, actor, keys, request_id=request_id, months=form.months, reason=form.reason)
    return RedirectResponse(f"/console/requests/{request_id}", status_code=303)


@console.post("/{request_id}/refusal", dependencies=[SameOrigin])
def refusal_form(
    request_id: uuid.UUID, db: Db, keys: AppKeys, actor: ConsoleActor, form: Annotated[RefusalCreate, Form()]
) -> RedirectResponse:
    """Art. 12(5): the privacy officer only, with written reasons (officer.refuse checks both)."""
    console_permission(actor, "dsr:write")
    officer.refuse(db, actor, keys, request_id=request_id, justification=form.justification)
    return RedirectResponse(f"/console/requests/{request_id}", status_code=303)


def _console_org(actor: Actor) -> uuid.UUID:
    if actor.organisation_id is None:
        raise processing.OrganisationNotFound("your account belongs to no organisation")
    return actor.organisation_id


def _objection_open(request: RightsRequest) -> bool:
    """An objection to legitimate interests waits for the officer's decision until one is recorded."""
    return (
        "objection" in request.kinds
        and request.details.get("scope") == "legitimate_interest"
        and "objection_decision" not in request.outcome
    )
