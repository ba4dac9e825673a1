"""Public links from emails: confirm a subscription, unsubscribe in one click (no login, no cookie)."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, PlainTextResponse

from lawful import i18n, jobs, processing
from lawful.actor import Actor, ActorKind
from lawful.web import AppKeys, Db, html, language

from . import optin

pages = APIRouter(tags=["consent"], include_in_schema=False)
LINK = Actor(ActorKind.PUBLIC, label="email-link")


@pages.get("/u/confirm/{token}")
def confirm(token: str, request: Request, db: Db, keys: AppKeys) -> HTMLResponse:
    collected = optin.confirm(db, LINK, keys, token=token)
    db.commit()
    lang = language(request, ["en", "fr", "nl"], collected.subject.language or "en")
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
    db.commit()
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
    db.commit()
    jobs.kick(jobs.deliver_mail)
    return PlainTextResponse("unsubscribed")
