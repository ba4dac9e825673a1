"""Public links from emails: confirm a subscription (with a button), unsubscribe in one click, the
preference page (no login, no cookie); the console's consent overview and staff-recorded withdrawals."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse

from lawful import i18n, processing, subjects
from lawful.actor import Actor, ActorKind
from lawful.errors import NotFound
from lawful.web import AppKeys, ConsoleActor, Db, SameOrigin, console_permission, html, language

from . import banner, optin, preferences, stats, withdrawals
from .service import Proof

pages = APIRouter(tags=["consent"], include_in_schema=False)
LINK = Actor(ActorKind.PUBLIC, label="email-link")


def _person_language(request: Request, stored: str) -> str:
    """R-119: an explicit choice, then the language the person subscribed in, before the browser's."""
    return i18n.negotiate(request.query_params.get("lang"), None, i18n.LANGUAGES, stored)


@pages.get("/u/confirm/{token}")
def confirm_page(token: str, request: Request, db: Db, keys: AppKeys) -> HTMLResponse:
    """The link in the mail only shows the question: mail scanners open links, so a GET confirms nothing."""
    return _ask(request, db, optin.pending(db, keys, token=token), token)


@pages.post("/u/confirm/{token}")
def confirm(
    token: str,
    request: Request,
    db: Db,
    keys: AppKeys,
    text_hash: Annotated[str | None, Form(max_length=64)] = None,
) -> HTMLResponse:
    """The person pressed the button: the affirmative act that records the consent to the text the page
    showed (R-21); if that text changed meanwhile, the page asks again with the new one."""
    done = optin.confirm(db, LINK, keys, token=token, shown=text_hash)
    if isinstance(done, optin.Pending):
        return _ask(request, db, done, token, status_code=409)
    lang = _person_language(request, done.subject.language or "en")
    org = processing.get_organisation_by_id(db, organisation_id=done.subject.organisation_id)
    return html(
        "consent/message.html",
        lang=lang,
        title=i18n.t("optin.done", lang),
        org_name=org.legal_name,
        message=i18n.t("optin.done", lang),
    )


def _ask(
    request: Request, db: Db, found: optin.Pending, token: str, *, status_code: int = 200
) -> HTMLResponse:
    lang = _person_language(request, found.language)
    org = processing.get_organisation_by_id(db, organisation_id=found.organisation_id)
    return html(
        "consent/confirm.html",
        status_code=status_code,
        lang=lang,
        title=i18n.t("optin.confirm_title", lang),
        org_name=org.legal_name,
        text=found.text,
        text_hash=found.text_hash,
        changed=found.changed,
        token=token,
    )


@pages.get("/u/{token}")
def unsubscribe_link(token: str, request: Request, db: Db, keys: AppKeys) -> HTMLResponse:
    """R-22, R-36: the link itself unsubscribes, at once, from all marketing (or from its newsletter only,
    if the person chose that link), and says so in the person's language, with the way to every choice."""
    done = optin.unsubscribe(db, LINK, keys, token=token)
    lang = _their_language(request, done.subject)
    register = processing.current_register(db, organisation_id=done.subject.organisation_id)[1]
    org = register.organisation.legal_name
    activity = next((a for a in register.activities if a.key == done.purpose), None)
    name = (activity.name.get(lang) or activity.name.en or done.purpose) if activity else done.purpose
    key = "unsubscribe.all_done" if done.everything else "unsubscribe.purpose_done"
    return html(
        "consent/message.html",
        lang=lang,
        title=i18n.t("unsubscribe.title", lang),
        org_name=org,
        message=i18n.t(key, lang, organisation=org, name=name),
        link=(
            f"/u/preferences/{preferences.token(keys, done.subject.id)}",
            i18n.t("unsubscribe.manage", lang),
        ),
    )


@pages.post("/u/{token}")
def unsubscribe_one_click(token: str, db: Db, keys: AppKeys) -> PlainTextResponse:
    """RFC 8058 one-click: mail clients POST `List-Unsubscribe=One-Click` here; the same default as the
    link (all marketing), since nobody is there to choose."""
    optin.unsubscribe(db, LINK, keys, token=token)
    return PlainTextResponse("unsubscribed")


def _their_language(request: Request, subject: subjects.Subject) -> str:
    """The person's own language unless the page is asked for in another (?lang=)."""
    own = subject.language if subject.language in LANGUAGES else None
    if own and not request.query_params.get("lang"):
        return own
    return language(request, LANGUAGES, own or "en")


LANGUAGES = ["en", "fr", "nl"]


@pages.get("/u/preferences/{token}")
def preference_page(token: str, request: Request, db: Db, keys: AppKeys, saved: bool = False) -> HTMLResponse:
    """R-22: every consent the person gave, to withdraw or give; reading it changes nothing."""
    subject = preferences.subject_of(db, keys, token)
    lang = _their_language(request, subject)
    org = processing.get_organisation_by_id(db, organisation_id=subject.organisation_id)
    return html(
        "consent/preferences.html",
        lang=lang,
        title=i18n.t("preferences.title", lang),
        org_name=org.legal_name,
        choices=preferences.choices(db, subject, lang),
        token=token,
        saved=saved,
    )


@pages.post("/u/preferences/{token}")
def change_preference(
    token: str,
    request: Request,
    db: Db,
    keys: AppKeys,
    action: Annotated[str, Form(pattern="^(withdraw|give|object)$")],
    purpose: Annotated[str | None, Form(max_length=120)] = None,
    lang: Annotated[str | None, Form(pattern="^(en|fr|nl)$")] = None,
) -> RedirectResponse:
    """Only a POST with the signed link changes anything; then back to the page, which says so."""
    subject = preferences.subject_of(db, keys, token)
    chosen = lang or _their_language(request, subject)
    preferences.change(db, PREFERENCES, keys, subject=subject, action=action, purpose=purpose, lang=chosen)
    return RedirectResponse(f"/u/preferences/{token}?saved=1&lang={chosen}", status_code=303)


PREFERENCES = Actor(ActorKind.PUBLIC, label="preference-page")
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


CHANNELS = "^(phone|letter|email|in_person)$"


@console.post("/withdrawals", dependencies=[SameOrigin])
def record_withdrawal(
    db: Db,
    keys: AppKeys,
    actor: ConsoleActor,
    subject_id: Annotated[uuid.UUID, Form()],
    purpose: Annotated[str, Form(min_length=1, max_length=120)],
    channel: Annotated[str, Form(pattern=CHANNELS)],
    back: Annotated[str, Form(max_length=120)] = "",
) -> RedirectResponse:
    """A withdrawal received by phone, letter or at the desk, for one purpose (R-22): as the API's."""
    console_permission(actor, "subjects:write")
    subject = subjects.get(db, subject_id=subject_id, organisation_id=_console_org(actor))
    withdrawals.withdraw(
        db, actor, keys, subject=subject, purpose=purpose, proof=staff_proof(channel, subject)
    )
    view = back or purpose
    return RedirectResponse(f"/console/subjects/{subject_id}?purpose={view}", status_code=303)


def staff_proof(channel: str, subject: subjects.Subject) -> Proof:
    """What staff heard or read: the channel, who recorded it (the audit entry), no text shown to anyone."""
    return Proof(
        text=f"withdrawal received by {channel}",
        text_version="1",
        language=subject.language or "en",
        channel=channel,
        element="staff:withdrawal",
    )
