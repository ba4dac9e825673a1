"""Console: the audience builder, with how many are left out and why, and uploads to social networks."""

import uuid
from collections import Counter
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query
from fastapi.responses import HTMLResponse, RedirectResponse

from lawful import processing
from lawful.web import AppKeys, ConsoleActor, Db, SameOrigin, console_permission, html

from . import service, social

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
