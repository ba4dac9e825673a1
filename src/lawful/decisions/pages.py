"""Console: find a person through a declared purpose, see only what it allows, flag their record."""

import uuid
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from lawful import clock, consent, i18n, processing, subjects
from lawful.actor import Actor
from lawful.errors import RuleViolation
from lawful.web import AppKeys, AppSettings, ConsoleActor, Db, SameOrigin, console_permission, html

from . import exports, service

pages = APIRouter(prefix="/console/subjects", tags=["console"], include_in_schema=False)
KINDS = {
    "email": subjects.IdentityKind.EMAIL,
    "phone": subjects.IdentityKind.PHONE,
    "external": subjects.IdentityKind.EXTERNAL,
}


def _org(actor: Actor) -> uuid.UUID:
    if actor.organisation_id is None:
        raise processing.OrganisationNotFound("your account belongs to no organisation")
    return actor.organisation_id


def _activities(db: Db, org: uuid.UUID) -> list[processing.Activity]:
    return list(processing.current_register(db, organisation_id=org)[1].activities)


@pages.get("")
def search_form(db: Db, actor: ConsoleActor) -> HTMLResponse:
    console_permission(actor, "personal_data:read")
    return html(
        "console/subjects.html",
        title="People",
        actor=actor,
        activities=_activities(db, _org(actor)),
        error=None,
    )


@pages.post("", dependencies=[SameOrigin])
def search(
    db: Db,
    keys: AppKeys,
    actor: ConsoleActor,
    kind: Annotated[str, Form(pattern="^(email|phone|external)$")],
    value: Annotated[str, Form(min_length=1, max_length=254)],
    purpose: Annotated[str, Form(min_length=1)],
) -> Response:
    """The identity travels in the form body, never in a URL; the record page names only an opaque id."""
    console_permission(actor, "personal_data:read")
    org = _org(actor)
    found = service.search(
        db, actor, keys, organisation_id=org, kind=KINDS[kind], value=value, purpose=purpose
    )
    if found is None:
        return html(
            "console/subjects.html",
            status_code=404,
            title="People",
            actor=actor,
            activities=_activities(db, org),
            error="No one with this identity.",
        )
    return RedirectResponse(f"/console/subjects/{found}?purpose={purpose}", status_code=303)


@pages.get("/holds")
def holds(db: Db, actor: ConsoleActor, overdue: bool = False) -> HTMLResponse:
    """R-79: the legal holds in force, or those past their review date (kept, and flagged here)."""
    console_permission(actor, "subjects:flag")
    today = clock.today()
    found = subjects.holds(db, organisation_id=_org(actor), today=today, overdue=overdue)
    return html(
        "console/holds.html",
        title="Legal holds past their review" if overdue else "Legal holds",
        actor=actor,
        holds=found,
        overdue={h.id for h in found if subjects.hold_overdue(h, today)},
        only_overdue=overdue,
    )


@pages.get("/{subject_id}")
def record(
    subject_id: uuid.UUID,
    db: Db,
    keys: AppKeys,
    actor: ConsoleActor,
    purpose: Annotated[str, Query(min_length=1, max_length=120)],
) -> HTMLResponse:
    """Only the fields the purpose allows (R-91 minimal by default); the view is audited (R-88)."""
    console_permission(actor, "personal_data:read")
    org = _org(actor)
    subject = subjects.get(db, subject_id=subject_id, organisation_id=org)
    page: dict[str, Any] = {"title": "Person", "actor": actor, "subject": subject, "purpose": purpose}
    try:
        reading = service.read(db, actor, keys, organisation_id=org, subject_id=subject_id, purpose=purpose)
    except RuleViolation as exc:  # the purpose may not see this person: nothing of the record shows
        return html("console/subject.html", **page, denied=exc.detail)
    flags = subjects.flags(db, subject_id=subject_id)
    archived = ", ".join(reading.archived)
    return html(
        "console/subject.html",
        **page,
        values=reading.values,
        denied=None,
        withheld=i18n.t("archive.withheld", "en", activities=archived) if archived else None,
        history=subjects.history(db, subject_id=subject_id),
        consents=consent.history(db, subject_id=subject_id),
        flags=flags,
        overdue={h.id for h in flags.holds if subjects.hold_overdue(h, clock.today())},
        activities=_activities(db, org),
        can_flag=actor.can("subjects:flag"),
    )


@pages.post("/{subject_id}/holds", dependencies=[SameOrigin])
def place_hold(
    subject_id: uuid.UUID,
    db: Db,
    actor: ConsoleActor,
    case_ref: Annotated[str, Form(max_length=200)],
    reason: Annotated[str, Form(max_length=5000)],
    hold_purpose: Annotated[str, Form(max_length=120)],
    review_on: Annotated[date, Form()],
    purpose: Annotated[str, Form(max_length=120)],
) -> RedirectResponse:
    console_permission(actor, "subjects:flag")
    subjects.get(db, subject_id=subject_id, organisation_id=_org(actor))
    subjects.place_hold(
        db,
        actor,
        subject_id=subject_id,
        case_ref=case_ref,
        reason=reason,
        purpose=hold_purpose,
        review_on=review_on,
    )
    return RedirectResponse(f"/console/subjects/{subject_id}?purpose={purpose}", status_code=303)


@pages.post("/{subject_id}/restrictions", dependencies=[SameOrigin])
def restrict(
    subject_id: uuid.UUID,
    db: Db,
    actor: ConsoleActor,
    ground: Annotated[subjects.RestrictionGround, Form()],
    reason: Annotated[str, Form(max_length=5000)],
    purpose: Annotated[str, Form(max_length=120)],
) -> RedirectResponse:
    console_permission(actor, "subjects:flag")
    subjects.get(db, subject_id=subject_id, organisation_id=_org(actor))
    subjects.restrict(db, actor, subject_id=subject_id, ground=ground, reason=reason)
    return RedirectResponse(f"/console/subjects/{subject_id}?purpose={purpose}", status_code=303)


@pages.post("/{subject_id}/restrictions/{restriction_id}/lift", dependencies=[SameOrigin])
def lift_restriction(
    subject_id: uuid.UUID,
    restriction_id: uuid.UUID,
    db: Db,
    actor: ConsoleActor,
    informed_at: Annotated[datetime, Form()],
    purpose: Annotated[str, Form(max_length=120)],
) -> RedirectResponse:
    console_permission(actor, "subjects:flag")
    subjects.get(db, subject_id=subject_id, organisation_id=_org(actor))
    told = informed_at if informed_at.tzinfo else informed_at.replace(tzinfo=clock.BRUSSELS)
    subjects.lift_restriction(db, actor, restriction_id=restriction_id, informed_at=told)
    return RedirectResponse(f"/console/subjects/{subject_id}?purpose={purpose}", status_code=303)


@pages.post("/{subject_id}/holds/{hold_id}/lift", dependencies=[SameOrigin])
def lift_hold(
    subject_id: uuid.UUID,
    hold_id: uuid.UUID,
    db: Db,
    actor: ConsoleActor,
    purpose: Annotated[str, Form(max_length=120)],
) -> RedirectResponse:
    console_permission(actor, "subjects:flag")
    subjects.get(db, subject_id=subject_id, organisation_id=_org(actor))
    subjects.lift_hold(db, actor, hold_id=hold_id, organisation_id=_org(actor), subject_id=subject_id)
    return RedirectResponse(f"/console/subjects/{subject_id}?purpose={purpose}", status_code=303)


export_pages = APIRouter(prefix="/console/exports", tags=["console"], include_in_schema=False)


@export_pages.get("")
def export_list(db: Db, actor: ConsoleActor) -> HTMLResponse:
    console_permission(actor, "personal_data:read")
    org = _org(actor)
    return html(
        "console/exports.html",
        title="Exports",
        actor=actor,
        exports=exports.list_exports(db, organisation_id=org),
        activities=_activities(db, org),
        can_approve=actor.can("export:approve"),
    )


@export_pages.post("", dependencies=[SameOrigin])
def export_request(
    db: Db,
    keys: AppKeys,
    actor: ConsoleActor,
    settings: AppSettings,
    purpose: Annotated[str, Form(max_length=120)],
    subject_category: Annotated[str, Form(max_length=120)] = "",
) -> RedirectResponse:
    console_permission(actor, "personal_data:read")
    exports.request(
        db,
        actor,
        keys,
        organisation_id=_org(actor),
        purpose=purpose,
        fields=[],
        subject_category=subject_category or None,
        approval_threshold=settings.export_approval_threshold,
    )
    return RedirectResponse("/console/exports", status_code=303)


@export_pages.post("/{export_id}/approval", dependencies=[SameOrigin])
def export_approve(export_id: uuid.UUID, db: Db, keys: AppKeys, actor: ConsoleActor) -> RedirectResponse:
    exports.approve(db, actor, keys, export_id=export_id)
    return RedirectResponse("/console/exports", status_code=303)


@export_pages.get("/{export_id}/file")
def export_file(export_id: uuid.UUID, db: Db, keys: AppKeys, actor: ConsoleActor) -> Response:
    body = exports.download(db, actor, keys, export_id=export_id)
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={
            "Cache-Control": "no-store",
            "Content-Disposition": f'attachment; filename="export-{export_id}.csv"',
        },
    )
