"""Public form pages and the self-service update page; no login, no cookie, no personal data in URLs."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from lawful import i18n, processing, subjects
from lawful.actor import PUBLIC, Actor, ActorKind
from lawful.web import AppKeys, AppSettings, Db, html, language

from . import links, service, submissions
from .errors import SubmissionInvalid, UnderAge
from .routes import PublicOrg, submissions_limit
from .tokens import link_id

pages = APIRouter(tags=["intake"], include_in_schema=False)
RESERVED = {"marketing_consent", "marketing_optout", "optout_shown", "lang"}


async def posted(request: Request) -> dict[str, str]:
    """The posted form as text fields (the handler itself stays synchronous)."""
    data = await request.form()
    return {key: value for key, value in data.items() if isinstance(value, str)}


Posted = Annotated[dict[str, str], Depends(posted)]


def _org_name(db: Db, org: uuid.UUID) -> str:
    return processing.get_organisation_by_id(db, organisation_id=org).legal_name


@pages.get("/forms/{form_key}")
def form_page(form_key: str, request: Request, db: Db, org: PublicOrg, settings: AppSettings) -> HTMLResponse:
    lang = language(request, ["en", "fr", "nl"], "en")
    form = service.describe(db, organisation_id=org, form_key=form_key, lang=lang, base_url="")
    return html(
        "intake/form.html",
        lang=form.language,
        title=form.name,
        org_name=_org_name(db, org),
        form=form,
        values={},
        errors={},
        message=None,
    )


@pages.post("/forms/{form_key}", dependencies=[Depends(submissions_limit)])
def submit_form_page(
    form_key: str,
    request: Request,
    data: Posted,
    db: Db,
    keys: AppKeys,
    org: PublicOrg,
    settings: AppSettings,
) -> Response:
    chosen = data.get("lang", "")
    lang = chosen if chosen in ("en", "fr", "nl") else language(request, ["en", "fr", "nl"], "en")
    fields = {k: v for k, v in data.items() if k not in RESERVED}
    try:
        submissions.submit(
            db,
            PUBLIC,
            keys,
            organisation_id=org,
            form_key=form_key,
            fields=fields,
            marketing_consent=data.get("marketing_consent") == "yes",
            language=lang,
            channel=subjects.Channel.WEB_FORM,
            base_url=settings.base_url,
            optout_shown=data.get("optout_shown"),  # the version this page rendered (optout.py)
            optout_refused=data.get("marketing_optout") == "refuse",
        )
    except (SubmissionInvalid, UnderAge) as exc:
        form = service.describe(db, organisation_id=org, form_key=form_key, lang=lang, base_url="")
        errors = {
            p["path"].removeprefix("fields."): i18n.t(f"field_error.{p.get('rule', 'invalid')}", lang)
            for p in exc.problems
        }
        kept = {} if isinstance(exc, UnderAge) else fields  # a refused child's entries are not shown back
        return html(
            "intake/form.html",
            status_code=422,
            lang=form.language,
            title=form.name,
            org_name=_org_name(db, org),
            form=form,
            values=kept,
            errors=errors,
            message="form.under_age" if isinstance(exc, UnderAge) else "form.errors",
        )
    return RedirectResponse(f"/forms/{form_key}/thanks?lang={lang}", status_code=303)


@pages.get("/forms/{form_key}/thanks")
def thanks(form_key: str, request: Request, db: Db, org: PublicOrg) -> HTMLResponse:
    lang = language(request, ["en", "fr", "nl"], "en")
    form = service.describe(db, organisation_id=org, form_key=form_key, lang=lang, base_url="")
    return html("intake/thanks.html", lang=form.language, title=form.name, org_name=_org_name(db, org))


@pages.get("/me/update/{token}")
def update_page(token: str, request: Request, db: Db, keys: AppKeys) -> HTMLResponse:
    link = links.open_update_link(db, link_id=link_id(keys, token))
    subject = subjects.get(db, subject_id=link.subject_id)
    lang = language(request, ["en", "fr", "nl"], subject.language or "en")
    held = subjects.values(db, keys, subject_id=subject.id)
    register = processing.current_register(db, organisation_id=subject.organisation_id)[1]
    return html(
        "intake/update.html",
        lang=lang,
        title=i18n.t("update.title", lang),
        org_name=_org_name(db, subject.organisation_id),
        held=held,
        labels={c.key: c.label.get(lang) or c.key for c in register.data_categories},  # the person's words
        token=token,
        done=False,
    )


@pages.post("/me/update/{token}")
def update(token: str, request: Request, data: Posted, db: Db, keys: AppKeys) -> HTMLResponse:
    link = links.open_update_link(db, link_id=link_id(keys, token))
    actor = Actor(ActorKind.PUBLIC, label=f"subject:{link.subject_id}")
    collected = links.apply_update(db, actor, keys, link_id=link.id, values=data)
    lang = language(request, ["en", "fr", "nl"], collected.subject.language or "en")
    return html(
        "intake/update.html",
        lang=lang,
        title=i18n.t("update.title", lang),
        org_name=_org_name(db, collected.subject.organisation_id),
        held=[],
        labels={},
        token=token,
        done=True,
    )
