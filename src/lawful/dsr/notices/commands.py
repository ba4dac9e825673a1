"""`lawful dsr tasks …` and `lawful dsr complete`: recipients told by hand (Art. 19), and closing a request."""

from datetime import datetime
from typing import Annotated, Any

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from lawful import clock, keystore, terminal, work

from ..errors import RequestNotFound
from ..fees import find_by_reference
from ..models import Request
from . import service as notices
from .rules import METHODS

tasks_cli = typer.Typer(
    help="Recipients to tell by hand, and what staff did (Art. 19).", no_args_is_help=True
)


@tasks_cli.command("show")
def show_recipients(
    reference: str,
    org: Annotated[str | None, typer.Option("--org")] = None,
) -> None:
    """One request's recipients and their state (JSON), as GET /api/dsr/{id}/recipients answers it."""
    from pydantic import TypeAdapter

    from .. import service as requests
    from .schemas import recipients_of_request

    with terminal.session() as db:
        found = find_by_reference(db, reference=reference)
        if found is None:
            raise RequestNotFound(f"no request {reference}")
        requests.get(db, request_id=found.id, organisation_id=terminal.organisation_id(db, org))
        data = TypeAdapter(dict[str, Any]).dump_python(recipients_of_request(db, found.id), mode="json")
    terminal.emit(data, as_json=True)


@tasks_cli.command("list")
def list_tasks(
    org: Annotated[str | None, typer.Option("--org")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Recipients not yet told: tasks for staff by due date, then those being retried."""
    with terminal.session() as db:
        rows = [
            {
                "reference": reference,
                "recipient": n.recipient,
                "status": n.status,
                "reason": n.reason,
                "due_on": n.due_on.isoformat() if n.due_on else None,
                "attempts": n.attempts,
                "next_attempt_at": n.next_attempt_at.isoformat() if n.next_attempt_at else None,
            }
            for n, reference in notices.tasks(db, organisation_id=terminal.organisation_id(db, org))
        ]
    if not terminal.emit(rows, as_json=as_json):
        table = Table("reference", "recipient", "status", "why", "due")
        for row in rows:
            table.add_row(
                *(str(row[k] or "—") for k in ("reference", "recipient", "status", "reason", "due_on"))
            )
        terminal.out.print(table)


@tasks_cli.command("record")
def record(
    reference: str,
    recipient: Annotated[str, typer.Option(help="the recipient's name, as the task lists it")],
    outcome: Annotated[str, typer.Option(help="told, impossible or disproportionate")],
    how: Annotated[str | None, typer.Option("--how", help=f"when told: {', '.join(METHODS)}")] = None,
    when: Annotated[str | None, typer.Option("--when", help="when told, ISO 8601 with offset")] = None,
    note: Annotated[str | None, typer.Option(help="whom you told, or why it was impossible")] = None,
) -> None:
    """Record who was told, when and how, or why telling them was impossible or disproportionate."""
    try:
        told_at = datetime.fromisoformat(when) if when else None
    except ValueError as exc:
        raise typer.BadParameter("use ISO 8601 with an offset", param_hint="--when") from exc
    with terminal.session() as db:
        request = _request(db, reference)
        notice = notices.record(
            db,
            terminal.operator(),
            request_id=request.id,
            recipient=recipient,
            outcome=outcome,
            method=how,
            told_at=told_at,
            note=note,
        )
        terminal.out.print(
            f"{request.reference}: {notice.recipient} {notice.outcome}; request {request.status}"
        )


@tasks_cli.command("retry")
def retry() -> None:
    """Try now every recipient whose next attempt has come (the worker does it every minute)."""
    keys = keystore.open_keys(terminal.settings())
    tried = 0
    with terminal.session() as db:
        for notice_id in notices.due(db, now=clock.now()):
            tried += notices.retry(db, terminal.operator(), keys, notice_id=notice_id) is not None
            work.checkpoint(db)  # each delivery on record before the next recipient is called
    terminal.out.print(f"{tried} recipient(s) tried")


def complete(reference: str) -> None:
    """Close an answered request by hand; refused, naming them, while a recipient is not yet told."""
    with terminal.session() as db:
        request = notices.complete(db, terminal.operator(), request_id=_request(db, reference).id)
        terminal.out.print(f"{request.reference}: {request.status}")


def _request(db: Session, reference: str) -> Request:
    found = find_by_reference(db, reference=reference)
    if found is None:
        raise RequestNotFound(f"no request {reference}")
    return found
