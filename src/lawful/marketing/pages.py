"""Console: the audience builder, with how many are left out and why."""

import uuid
from collections import Counter
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from lawful import processing
from lawful.web import AppKeys, ConsoleActor, Db, console_permission, html

from . import service

pages = APIRouter(prefix="/console/audiences", tags=["console"], include_in_schema=False)


@pages.get("")
def audience_builder(
    db: Db, keys: AppKeys, actor: ConsoleActor, purpose: Annotated[str | None, Query(max_length=120)] = None
) -> HTMLResponse:
    console_permission(actor, "marketing:send")
    if actor.organisation_id is None:
        raise processing.OrganisationNotFound("your account belongs to no organisation")
    org: uuid.UUID = actor.organisation_id
    register = processing.current_register(db, organisation_id=org)[1]
    marketing = [a for a in register.activities if a.data_use.startswith(("marketing", "personalize"))]
    audience = service.build(db, keys, organisation_id=org, purpose=purpose) if purpose else None
    bases = Counter(basis for _, basis in audience.members) if audience else Counter()
    return html(
        "console/audiences.html",
        title="Audience builder",
        actor=actor,
        activities=marketing,
        purpose=purpose,
        audience=audience,
        bases=dict(bases),
    )
