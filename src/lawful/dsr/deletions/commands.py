"""`lawful dsr deletions …`: the automatic deletions after a withdrawn consent or an upheld objection."""

import uuid
from typing import Annotated

import typer
from rich import box
from rich.table import Table
from sqlalchemy.orm import Session

from lawful import clock, keystore, terminal, work

from .. import deletions
from ..models import Request
from .schemas import STATUSES, DeletionRead, DeletionRun

cli = typer.Typer(
    help="Automatic deletions after a withdrawn consent or an upheld objection (R-62).", no_args_is_help=True
)
TRIGGERS = {
    "consent_withdrawn": "withdrawal",
    "objection_upheld": "objection",
    "marketing_objection": "marketing",
    "child_discovered": "child",
}


@cli.command("list")
def list_deletions(
    status: Annotated[str | None, typer.Option(help="scheduled or done")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10000)] = 200,
    org: Annotated[str | None, typer.Option("--org")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Scheduled and executed automatic deletions, newest first: what went, what stayed and why."""
    if status is not None and status not in STATUSES:
        raise typer.BadParameter("use scheduled or done", param_hint="--status")
    with terminal.session() as db:
        found = deletions.list_deletions(
            db, organisation_id=terminal.organisation_id(db, org), status=status, limit=limit
        )
        references = deletions.references(db, request_ids=[d.request_id for d in found if d.request_id])
        rows = [
            DeletionRead.of(d, references.get(d.request_id) if d.request_id else None).model_dump()
            for d in found
        ]
    if terminal.emit(rows, as_json=as_json):
        return
    table = Table("id", "trigger", "activity", "status", "when", "deleted/kept", box=box.SIMPLE_HEAD)
    for row in rows:
        when = row["executed_at"] if row["status"] == "done" else row["due_at"]
        table.add_row(
            row["id"][:8],
            TRIGGERS.get(str(row["trigger"]), str(row["trigger"])),
            row["activity"] or "(all)",
            row["status"] + (", whole" if row["whole"] else ""),
            str(when)[:10],
            f"{len(row['deleted'])}/{len(row['kept'])}",
        )
    terminal.out.print(table)


@cli.command("show")
def show_deletion(
    deletion_id: Annotated[str, typer.Argument(help="the id, or the first characters `list` shows")],
    org: Annotated[str | None, typer.Option("--org")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """One automatic deletion item by item: each category deleted, or kept with its reason and end date."""
    wanted = deletion_id.strip().lower()
    if not wanted or any(c not in "0123456789abcdef-" for c in wanted):
        raise typer.BadParameter("not a deletion id", param_hint="DELETION_ID")
    with terminal.session() as db:
        organisation_id = terminal.organisation_id(db, org)
        found = [
            d
            for d in deletions.list_deletions(db, organisation_id=organisation_id, limit=100_000)
            if str(d.id).startswith(wanted)
        ]
        if len(found) != 1:
            raise typer.BadParameter(
                "no such deletion" if not found else "several deletions start so", param_hint="DELETION_ID"
            )
        row = DeletionRead.of(found[0], _reference(db, found[0].request_id)).model_dump()
    if terminal.emit(row, as_json=as_json):
        return
    table = Table("category", "activity", "outcome", "why", "until")
    for item in row["deleted"]:
        table.add_row(item["category"], item["activity"], "deleted", "", "")
    for item in row["kept"]:
        table.add_row(
            item["category"],
            item["activity"],
            "kept",
            f"{item['why']} {item['by'] or ''}",
            item["until"] or "",
        )
    terminal.out.print(
        f"{row['trigger']} · {row['activity'] or '(all)'} · {row['status']} · "
        f"person {row['subject_id']} · request {row['request'] or '-'}"
    )
    terminal.out.print(table)


@cli.command("run")
def run_deletions(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Schedule what new withdrawals and objections call for and carry out what is due (what the worker does)."""
    settings = terminal.settings()
    keys = keystore.open_keys(settings)
    with terminal.session() as db:
        planned = deletions.plan(db, terminal.operator())
        work.checkpoint(db)
        done = 0
        for deletion_id in deletions.due(db, now=clock.now()):
            done += deletions.execute(db, terminal.operator(), keys, deletion_id=deletion_id) is not None
            work.checkpoint(db)  # each deletion durable on its own, as in the worker
    if not terminal.emit(DeletionRun(scheduled=planned, carried_out=done).model_dump(), as_json=as_json):
        terminal.out.print(f"{planned} deletion(s) scheduled, {done} carried out")


def _reference(db: Session, request_id: uuid.UUID | None) -> str | None:
    request = db.get(Request, request_id) if request_id else None
    return request.reference if request is not None else None
