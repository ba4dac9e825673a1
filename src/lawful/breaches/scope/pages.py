"""The console's scope of a case (/console/breaches/B-1/scope): what was computed, and the form that
computes it again from systems, datastores and tables, categories, recipients, exports and a window."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError

from lawful import clock, processing
from lawful.actor import Actor
from lawful.web import AppKeys, AppSettings, ConsoleActor, Db, SameOrigin, console_permission, html

from .. import service as cases
from ..pages import console_moment
from . import service
from .errors import ScopeRefused
from .schemas import ScopeCreate

pages = APIRouter(prefix="/console/breaches", tags=["console"], include_in_schema=False)
Reference = Annotated[str, Path(pattern=r"^[Bb]-[1-9][0-9]{0,8}$")]
Listed = Annotated[str, Form(max_length=5000)]
Moment = Annotated[str, Form(max_length=40)]


def _org(actor: Actor) -> uuid.UUID:
    if actor.organisation_id is None:
        raise processing.OrganisationNotFound("your account belongs to no organisation")
    return actor.organisation_id


@pages.get("/{reference}/scope")
def scope_page(reference: Reference, db: Db, actor: ConsoleActor) -> HTMLResponse:
    """The numbers the breach reached and how they were computed; the people themselves are never shown."""
    console_permission(actor, "breaches:read")
    breach = cases.get(db, organisation_id=_org(actor), reference=reference)
    made = service.latest(db, breach_id=breach.id)
    return html(
        "breaches/scope/page.html",
        title=f"Breach {breach.reference}: who and what it reached",
        actor=actor,
        breach=breach,
        shown=service.read(breach, made) if made else None,
        exports=service.exports_of(db, organisation_id=breach.organisation_id),
        can_write=actor.can("breaches:write") and breach.status != "closed",
        brussels=clock.BRUSSELS,
    )


@pages.post("/{reference}/scope", dependencies=[SameOrigin])
def scope_form(
    reference: Reference,
    db: Db,
    actor: ConsoleActor,
    keys: AppKeys,
    settings: AppSettings,
    systems: Listed = "",
    datastores: Listed = "",
    categories: Listed = "",
    activities: Listed = "",
    purposes: Listed = "",
    recipients: Listed = "",
    exports: Annotated[list[str] | None, Form()] = None,
    actors: Listed = "",
    since: Moment = "",
    until: Moment = "",
) -> RedirectResponse:
    console_permission(actor, "breaches:write")
    body = _valid(
        since=console_moment(since),
        until=console_moment(until),
        systems=_names(systems),
        datastores=_tables(datastores),
        categories=_names(categories),
        activities=_names(activities),
        purposes=_names(purposes),
        recipients=_names(recipients),
        exports=[e for e in exports or [] if e],
        actors=_names(actors),
    )
    service.compute(db, actor, keys, settings, organisation_id=_org(actor), reference=reference, scope=body)
    return RedirectResponse(f"/console/breaches/{reference.upper()}/scope", status_code=303)


def _names(text: str) -> list[str]:
    return [part.strip() for part in text.replace("\n", ",").split(",") if part.strip()]


def _tables(text: str) -> list[dict[str, Any]]:
    """`chinook.Customer, chinook.Invoice, crm` → each datastore with the tables named (none: all)."""
    chosen: dict[str, list[str]] = {}
    for name in _names(text):
        store, _, table = name.partition(".")
        chosen.setdefault(store, [])
        if table:
            chosen[store].append(table)
    return [{"key": key, "tables": tables} for key, tables in chosen.items()]


def _valid(**values: Any) -> ScopeCreate:
    try:
        return ScopeCreate.model_validate({k: v for k, v in values.items() if v is not None})
    except ValidationError as exc:
        problems = [{"path": ".".join(map(str, e["loc"])), "message": e["msg"]} for e in exc.errors()]
        raise ScopeRefused(
            "invalid input: " + ", ".join(p["path"] for p in problems), problems=problems
        ) from None
