"""Public links from emails: confirm a subscription (with a button), unsubscribe in one click (no login,
no cookie)."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, PlainTextResponse

from lawful import i18n, processing
from lawful.actor import Actor, ActorKind
from lawful.errors import NotFound
from lawful.web import AppKeys, ConsoleActor, Db, console_permission, html, language

from . import banner, optin, stats

pages = APIRouter(tags=["consent"], include_in_schema=False)
LINK = Actor(ActorKind.PUBLIC, label="email-link")


def _person_language(request: Request, stored: str) -> str:
    """R-119: an explicit choice, then the language the person subscribed in, before the browser's."""
    return i18n.negotiate(request.query_params.get("lang"), None, i18n.LANGUAGES, stored)


@pages.get("/u/confirm/{token}")
def confirm_page(token: str, request: Request, db: Db, keys: AppKeys) -> HTMLResponse:
    """The link in the mail only shows the question: mail scanners open links, so a GET confirms nothing."""
    found = optin.pending(db, keys, token=token)
    lang = _person_language(request, found.language)
    org = processing.get_organisation_by_id(db, organisation_id=found.organisation_id)
    return html(
        "consent/confirm.html",
        lang=lang,
        title=i18n.t("optin.confirm_title", lang),
        org_name=org.legal_name,
        text=found.text,
        token=token,
    )


@pages.post("/u/confirm/{token}")
def confirm(token: str, request: Request, db: Db, keys: AppKeys) -> HTMLResponse:
    """The person pressed the button: the affirmative act that records the consent (R-21)."""
    collected = optin.confirm(db, LINK, keys, token=token)
    lang = _person_language(request, collected.subject.language or "en")
    org = processing.get_organisation_by_id(db, organisation_id=collected.subject.organisation_id)
    return html(
        "consent/message.html",
        lang=lang,
        title=i18n.t("optin.done", lang),
        org_name=org.legal_name,
        message=i18n.t("optin.done", lang),
    )


@pages.get("/u/{token}")
def unsubscribe_link(token: str, request: Request, db: Db, keys: AppKeys) -> HTMLResponse:
    """R-22: the link itself unsubscribes, at once, and says so in the person's language."""
    done = optin.unsubscribe(db, LINK, keys, token=token)
    lang = language(request, ["en", "fr", "nl"], done.subject.language or "en")
    org = processing.get_organisation_by_id(db, organisation_id=done.subject.organisation_id)
    return html(
        "consent/message.html",
        lang=lang,
        title=i18n.t("unsubscribe.title", lang),
        org_name=org.legal_name,
        message=i18n.t("unsubscribe.done", lang, organisation=org.legal_name),
    )


@pages.post("/u/{token}")
def unsubscribe_one_click(token: str, db: Db, keys: AppKeys) -> PlainTextResponse:
    """RFC 8058 one-click: mail clients POST `List-Unsubscribe=One-Click` here."""
    optin.unsubscribe(db, LINK, keys, token=token)
    return PlainTextResponse("unsubscribed")


console = APIRouter(prefix="/console/consent", tags=["console"], include_in_schema=False)


def _console_org(actor: Actor) -> uuid.UUID:
    if actor.organisation_id is None:
        raise processing.OrganisationNotFound("your account belongs to no organisation")
    return actor.organisation_id


@console.get("")
def overview(
    db: Db, actor: ConsoleActor, consent_id: Annotated[str | None, Query(pattern=r"^[0-9a-f]{32}$")] = None
) -> HTMLResponse:
    console_permission(actor, "subjects:read")
    org = _console_org(actor)
    proof = []
    if consent_id:
        try:
            proof = banner.proof(db, organisation_id=org, consent_id=consent_id)
        except NotFound:
            proof = []
    return html(
        "console/consent.html",
        title="Consent",
        actor=actor,
        figures=stats.figures(db, organisation_id=org),
        consent_id=consent_id,
        proof=proof,
    )
