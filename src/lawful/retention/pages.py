"""The console's retention page: the plan with its months ahead as a chart, the deletion log, a run, and the
form that records the events rules count from."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse, RedirectResponse

from lawful import clock, processing
from lawful.actor import Actor
from lawful.web import AppKeys, AppSettings, ConsoleActor, Db, SameOrigin, console_permission, html

from . import service
from .schemas import EventCreate
from .service import plan

console = APIRouter(prefix="/console/retention", tags=["console"], include_in_schema=False)
KINDS = (
    "contract_end",
    "last_inbound_contact",
    "document_date_next_january",
    "recruitment_end",
    "account_closure",
    "relationship_end",
    "client_dpa_end",
)
CHANNELS = ("staff", "reply", "form", "call", "meeting", "registration")


@console.get("")
def overview(db: Db, actor: ConsoleActor) -> HTMLResponse:
    """What leaves, when and why (a chart of the next 12 months), and what the runs did."""
    console_permission(actor, "retention:read")
    org = _org(actor)
    found = plan(db, organisation_id=org, now=clock.now())
    by_month = found.by_month
    return html(
        "retention/overview.html",
        title="Retention",
        actor=actor,
        plan=found,
        by_month=by_month,
        peak=max([1, *by_month.values()]),
        runs=service.list_runs(db, organisation_id=org, limit=20),
        kinds=KINDS,
        channels=CHANNELS,
        can_run=actor.can("retention:run"),
        can_record=actor.can("subjects:write"),
    )


@console.get("/runs/{run_id}")
def run_page(run_id: uuid.UUID, db: Db, actor: ConsoleActor) -> HTMLResponse:
    """One run: its counts per rule, and each step (pseudonymous ids, never content)."""
    console_permission(actor, "retention:read")
    found = service.get_run(db, run_id=run_id, organisation_id=_org(actor))
    return html(
        "retention/run.html",
        title=f"Retention run {found.started_at:%Y-%m-%d %H:%M}",
        actor=actor,
        run=found,
        actions=service.actions(db, run_id=found.id),
    )


@console.post("/run", dependencies=[SameOrigin])
def run_now(db: Db, keys: AppKeys, settings: AppSettings, actor: ConsoleActor) -> RedirectResponse:
    """The privacy officer runs now what the worker runs every hour."""
    console_permission(actor, "retention:run")
    done = service.run(db, actor, keys, organisation_id=_org(actor), now=clock.now())
    return RedirectResponse(f"/console/retention/runs/{done.id}", status_code=303)


@console.post("/events", dependencies=[SameOrigin])
def record_event(db: Db, actor: ConsoleActor, form: Annotated[EventCreate, Form()]) -> RedirectResponse:
    """A contract's end, a reply, an invoice's date: as the API records it."""
    console_permission(actor, "subjects:write")
    service.record_event(
        db,
        actor,
        organisation_id=_org(actor),
        subject_id=form.subject_id,
        kind=form.kind,
        at=form.at,
        channel=form.channel,
        activity=form.activity,
        reference=form.reference,
    )
    return RedirectResponse("/console/retention?recorded=1", status_code=303)


def _org(actor: Actor) -> uuid.UUID:
    if actor.organisation_id is None:
        raise processing.OrganisationNotFound("your account belongs to no organisation")
    return actor.organisation_id
