"""Public notice pages: /privacy, /cookies and their versions, without login or cookies (R-08, R-115)."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from lawful import clock, i18n, processing
from lawful.web import (
    AppKeys,
    AppSettings,
    ConsoleActor,
    Db,
    Number,
    SameOrigin,
    console_permission,
    html,
    language,
)

from . import service
from .routes import mail_concerned, publish_from
from .rules import NoticeKind
from .schemas import NoticePublish

pages = APIRouter(tags=["notices"], include_in_schema=False)


def _organisation(db: Db, settings: AppSettings) -> processing.Organisation:
    return processing.get_organisation(db, slug=settings.organisation)


@pages.get("/privacy")
def privacy(request: Request, db: Db, settings: AppSettings) -> HTMLResponse:
    return _current(request, db, settings, NoticeKind.PRIVACY)


@pages.get("/cookies")
def cookies(request: Request, db: Db, settings: AppSettings) -> HTMLResponse:
    return _current(request, db, settings, NoticeKind.COOKIES)


def _current(request: Request, db: Db, settings: AppSettings, kind: NoticeKind) -> HTMLResponse:
    org = _organisation(db, settings)
    version = service.get_current(db, organisation_id=org.id, kind=kind)
    lang = language(request, version.languages, version.authoritative_language)
    upcoming = service.find_upcoming(db, organisation_id=org.id, kind=kind)
    body = service.page(version, lang, org.legal_name, upcoming)
    return HTMLResponse(body, headers={"Content-Language": lang})


@pages.get("/{kind}/versions")
def versions(kind: NoticeKind, request: Request, db: Db, settings: AppSettings) -> HTMLResponse:
    org = _organisation(db, settings)
    found = service.list_versions(db, organisation_id=org.id, kind=kind)
    enabled = found[0].languages if found else list(i18n.LANGUAGES)
    lang = language(request, enabled, found[0].authoritative_language if found else "en")
    return html(
        "notices/versions.html",
        lang=lang,
        title=i18n.t(f"notice.{kind}.title", lang),
        org_name=org.legal_name,
        kind=str(kind),
        versions=found,
        languages=enabled,
        today=clock.today(),
    )


@pages.get("/{kind}/versions/{number}")
def version(
    kind: NoticeKind, request: Request, db: Db, settings: AppSettings, number: Number
) -> HTMLResponse:
    org = _organisation(db, settings)
    found = service.get_version(db, organisation_id=org.id, kind=kind, number=number)
    lang = language(request, found.languages, found.authoritative_language)
    return HTMLResponse(service.page(found, lang, org.legal_name), headers={"Content-Language": lang})


console = APIRouter(prefix="/console/notices", tags=["console"], include_in_schema=False)


@console.get("")
def notice_versions(db: Db, actor: ConsoleActor) -> HTMLResponse:
    console_permission(actor, "register:read")
    org = processing.get_organisation_by_id(db, organisation_id=actor.organisation_id)
    groups = [
        (str(kind), service.list_versions(db, organisation_id=org.id, kind=kind)) for kind in NoticeKind
    ]
    return html(
        "console/notices.html",
        title="Notices",
        actor=actor,
        groups=groups,
        can_publish=actor.can("notice:publish"),
    )


@console.post("/{kind}", dependencies=[SameOrigin])
def publish(
    kind: NoticeKind,
    form: Annotated[NoticePublish, Form()],
    db: Db,
    actor: ConsoleActor,
    settings: AppSettings,
    keys: AppKeys,
) -> RedirectResponse:
    console_permission(actor, "notice:publish")
    if actor.organisation_id is None:
        raise processing.OrganisationNotFound("your account belongs to no organisation")
    version = publish_from(db, actor, actor.organisation_id, kind, form, settings.notice_lead_days)
    mail_concerned(db, actor, keys, version, settings.base_url)
    return RedirectResponse("/console/notices", status_code=303)
