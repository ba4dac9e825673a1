"""Console: the audience builder, with how many are left out and why, and uploads to social networks;
campaigns (queue, who was left out at queue and at send time, cancel) and the campaigns of a person."""

import uuid
from collections import Counter
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query
from fastapi.responses import HTMLResponse, RedirectResponse

from lawful import processing, subjects
from lawful.actor import Actor
from lawful.web import AppKeys, AppSettings, ConsoleActor, Db, SameOrigin, console_permission, html

from . import campaigns, service, social

pages = APIRouter(prefix="/console/audiences", tags=["console"], include_in_schema=False)


@pages.get("")
def audience_builder(
    db: Db,
    keys: AppKeys,
    actor: ConsoleActor,
    purpose: Annotated[str | None, Query(max_length=120)] = None,
    uploaded: Annotated[str | None, Query(max_length=200)] = None,
) -> HTMLResponse:
    console_permission(actor, "marketing:send")
    if actor.organisation_id is None:
        raise processing.OrganisationNotFound("your account belongs to no organisation")
    org: uuid.UUID = actor.organisation_id
    register = processing.current_register(db, organisation_id=org)[1]
    marketing = [a for a in register.activities if a.data_use.startswith(("marketing", "personalize"))]
    audience = service.build(db, keys, organisation_id=org, purpose=purpose) if purpose else None
    bases = Counter(basis for _, basis in audience.members) if audience else Counter()
    platforms = [r.key for r in register.recipients if r.audience_upload and r.audience_upload.enabled]
    return html(
        "console/audiences.html",
        title="Audience builder",
        actor=actor,
        activities=marketing,
        purpose=purpose,
        audience=audience,
        bases=dict(bases),
        platforms=platforms,
        uploaded=uploaded,
    )


@pages.post("/uploads", dependencies=[SameOrigin])
def upload(
    db: Db,
    keys: AppKeys,
    actor: ConsoleActor,
    purpose: Annotated[str, Form(min_length=1, max_length=120)],
    recipient: Annotated[str, Form(min_length=1, max_length=120)],
) -> RedirectResponse:
    """The audience builder's upload to a social network: the same service as the API (R-40)."""
    console_permission(actor, "marketing:send")
    if actor.organisation_id is None:
        raise processing.OrganisationNotFound("your account belongs to no organisation")
    result = social.upload(
        db, actor, keys, organisation_id=actor.organisation_id, purpose=purpose, recipient=recipient
    )
    note = f"{result.people} people sent to {recipient} (HTTP {result.status})"
    return RedirectResponse(f"/console/audiences?{urlencode({'purpose': purpose, 'uploaded': note})}", 303)


campaign_pages = APIRouter(prefix="/console/campaigns", tags=["console"], include_in_schema=False)


def _org(actor: Actor) -> uuid.UUID:
    if actor.organisation_id is None:
        raise processing.OrganisationNotFound("your account belongs to no organisation")
    return actor.organisation_id


@campaign_pages.get("")
def campaign_list(
    db: Db, actor: ConsoleActor, key: Annotated[str | None, Query(max_length=120)] = None
) -> HTMLResponse:
    """Every campaign with what became of its messages; one shown with who was left out, by reason."""
    console_permission(actor, "marketing:send")
    org = _org(actor)
    register = processing.current_register(db, organisation_id=org)[1]
    return html(
        "console/campaigns.html",
        title="Campaigns",
        actor=actor,
        campaigns=campaigns.list_campaigns(db, organisation_id=org),
        shown=campaigns.show(db, organisation_id=org, key=key) if key else None,
        activities=[a for a in register.activities if a.data_use.startswith(("marketing", "personalize"))],
    )


@campaign_pages.post("", dependencies=[SameOrigin])
def queue_campaign(
    db: Db,
    keys: AppKeys,
    actor: ConsoleActor,
    settings: AppSettings,
    purpose: Annotated[str, Form(min_length=1, max_length=120)],
    key: Annotated[str, Form(min_length=1, max_length=120, pattern=r"^[A-Za-z0-9_.-]+$")],
    subject: Annotated[str, Form(min_length=1, max_length=200)],
    text: Annotated[str, Form(min_length=1, max_length=100_000)],
) -> RedirectResponse:
    console_permission(actor, "marketing:send")
    campaigns.queue(
        db,
        actor,
        keys,
        organisation_id=_org(actor),
        purpose=purpose,
        campaign=key,
        subject_line=subject,
        text=text,
        base_url=settings.base_url,
    )
    return RedirectResponse(f"/console/campaigns?{urlencode({'key': key})}", 303)


@campaign_pages.post("/{key}/cancel", dependencies=[SameOrigin])
def cancel_campaign(key: str, db: Db, actor: ConsoleActor) -> RedirectResponse:
    console_permission(actor, "marketing:send")
    campaigns.cancel(db, actor, organisation_id=_org(actor), key=key)
    return RedirectResponse(f"/console/campaigns?{urlencode({'key': key})}", 303)


@campaign_pages.get("/people/{subject_id}")
def sends_of(subject_id: uuid.UUID, db: Db, actor: ConsoleActor) -> HTMLResponse:
    """The campaigns that reached a person, and those that did not, with why (linked from their record)."""
    console_permission(actor, "personal_data:read")
    subjects.get(db, subject_id=subject_id, organisation_id=_org(actor))
    return html(
        "console/sends.html",
        title="Campaigns for a person",
        actor=actor,
        subject_id=subject_id,
        sends=campaigns.sends_of(db, subject_id=subject_id),
    )
