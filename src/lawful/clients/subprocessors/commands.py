"""`lawful clients sub-processors …`: tell clients of a new sub-processor, record their answers, list (R-104)."""

import uuid
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.table import Table

from lawful import keystore, terminal

from . import service
from .schemas import SubProcessorChangeCreate, SubProcessorChangeRead, SubProcessorDecision

cli = typer.Typer(
    help="Sub-processor changes told to the clients, with their objection windows.", no_args_is_help=True
)
Org = Annotated[str | None, typer.Option("--org", help="organisation slug (default: the only one)")]
Json = Annotated[bool, typer.Option("--json", help="machine-readable output")]


@cli.command("add")
def add(
    recipient: Annotated[str, typer.Argument(help="the (sub-)processor's key in the register")],
    notice: Annotated[str, typer.Option("--notice", help="what the clients are told (required)")],
    replaces: Annotated[str | None, typer.Option("--replaces")] = None,
    client: Annotated[
        list[str] | None, typer.Option("--client", help="a client concerned (default: all)")
    ] = None,
    objection_days: Annotated[int | None, typer.Option("--objection-days")] = None,
    org: Org = None,
    as_json: Json = False,
) -> None:
    """Record a new or replacement sub-processor: each client concerned is told and may object."""
    try:
        change = SubProcessorChangeCreate(
            recipient=recipient,
            replaces=replaces,
            clients=client or None,
            notice=notice,
            objection_days=objection_days,
        )
    except ValidationError as exc:
        field = str(exc.errors()[0]["loc"][0])
        raise typer.BadParameter(exc.errors()[0]["msg"], param_hint=f"--{field.replace('_', '-')}") from exc
    keys = keystore.open_keys(terminal.settings())
    with terminal.session() as db:
        rows = service.record_change(
            db, terminal.operator(), keys, organisation_id=terminal.organisation_id(db, org), change=change
        )
        found = [SubProcessorChangeRead.model_validate(r) for r in rows]
    _show(found, as_json)


@cli.command("list")
def list_changes(
    client: Annotated[str | None, typer.Option("--client")] = None, org: Org = None, as_json: Json = False
) -> None:
    """Each change with whether the client's data may flow to the sub-processor now."""
    with terminal.session() as db:
        organisation_id = terminal.organisation_id(db, org)
        found = [
            SubProcessorChangeRead.model_validate(r).model_copy(
                update={
                    "blocked": service.blocked(
                        db, organisation_id=organisation_id, client=r.client, recipient=r.recipient
                    )
                }
            )
            for r in service.list_changes(db, organisation_id=organisation_id, client=client)
        ]
    _show(found, as_json)


@cli.command("decide")
def decide(
    change_id: uuid.UUID,
    decision: Annotated[str, typer.Argument(help="approved or objected")],
    note: Annotated[str, typer.Option("--note")] = "",
    org: Org = None,
    as_json: Json = False,
) -> None:
    """Record the client's approval or objection."""
    if decision not in ("approved", "objected"):
        raise typer.BadParameter("use approved or objected", param_hint="DECISION")
    with terminal.session() as db:
        row = service.decide(
            db,
            terminal.operator(),
            organisation_id=terminal.organisation_id(db, org),
            change_id=change_id,
            answer=SubProcessorDecision(decision=decision, note=note),
        )
        found = [SubProcessorChangeRead.model_validate(row)]
    _show(found, as_json)


def _show(found: list[SubProcessorChangeRead], as_json: bool) -> None:
    if terminal.emit([c.model_dump(mode="json") for c in found], as_json=as_json):
        return
    table = Table("change", "client", "sub-processor", "objection until", "status", "blocked")
    for c in found:
        table.add_row(
            str(c.id), c.client, c.recipient, c.window_ends_at.isoformat(), c.status, c.blocked or "-"
        )
    terminal.out.print(table)
