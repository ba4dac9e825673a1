"""The console's disclosure log (/console/disclosures): the requests of authorities and legal recipients,
with the approval and the disclosure a legal or privacy role carries out (R-89)."""

import json
import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from lawful import processing
from lawful.actor import Actor
from lawful.web import AppKeys, ConsoleActor, Db, SameOrigin, console_permission, html

from . import service
from .rules import APPROVE, OUTSIDE_WHITELIST

console = APIRouter(prefix="/console/disclosures", tags=["console"], include_in_schema=False)
REASONS = {OUTSIDE_WHITELIST: "outside what the register allows this recipient to receive"}


@console.get("")
def disclosure_list(
    db: Db,
    actor: ConsoleActor,
    status: Annotated[str | None, Query(pattern="^(requested|approved|disclosed)$")] = None,
) -> HTMLResponse:
    """Newest first: who asked, on which basis, about how many people, and what went (categories only)."""
    console_permission(actor, APPROVE)
    rows = service.list_disclosures(db, organisation_id=_org(actor), status=status)
    people = service.people_of(db, disclosure_ids=[r.id for r in rows])
    return html(
        "console/disclosures.html",
        title="Disclosures to authorities",
        actor=actor,
        rows=[(r, people[r.id]) for r in rows],
        reasons=REASONS,
    )


@console.post("/{disclosure_id}/approve", dependencies=[SameOrigin])
def approve_form(disclosure_id: uuid.UUID, db: Db, actor: ConsoleActor) -> RedirectResponse:
    console_permission(actor, APPROVE)
    _org(actor)
    service.approve(db, actor, disclosure_id=disclosure_id)
    return RedirectResponse(f"/console/disclosures#d-{disclosure_id}", status_code=303)


@console.post("/{disclosure_id}/disclose", dependencies=[SameOrigin])
def disclose_form(disclosure_id: uuid.UUID, db: Db, keys: AppKeys, actor: ConsoleActor) -> RedirectResponse:
    """Recorded and told; the data themselves are downloaded from the list (`/data`), each time audited."""
    console_permission(actor, APPROVE)
    _org(actor)
    service.disclose(db, actor, keys, disclosure_id=disclosure_id)
    return RedirectResponse(f"/console/disclosures#d-{disclosure_id}", status_code=303)


@console.post("/{disclosure_id}/lift-prohibition", dependencies=[SameOrigin])
def lift_form(disclosure_id: uuid.UUID, db: Db, keys: AppKeys, actor: ConsoleActor) -> RedirectResponse:
    console_permission(actor, APPROVE)
    _org(actor)
    service.lift_prohibition(db, actor, keys, disclosure_id=disclosure_id)
    return RedirectResponse(f"/console/disclosures#d-{disclosure_id}", status_code=303)


@console.get("/{disclosure_id}/data")
def data_file(disclosure_id: uuid.UUID, db: Db, keys: AppKeys, actor: ConsoleActor) -> Response:
    """The disclosed categories' values, to hand to the requester (409 until disclosed)."""
    console_permission(actor, APPROVE)
    _org(actor)
    found = service.data(db, actor, keys, disclosure_id=disclosure_id)
    body = json.dumps({str(k): v for k, v in found.items()}, indent=2, ensure_ascii=False)
    return Response(
        body.encode(),
        media_type="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="disclosure-{str(disclosure_id)[:8]}.json"',
            "Cache-Control": "no-store",
        },
    )


def _org(actor: Actor) -> uuid.UUID:
    if actor.organisation_id is None:
        raise processing.OrganisationNotFound("your account belongs to no organisation")
    return actor.organisation_id
