"""`lawful clients instructions flag|resolve|list`: instructions that appear to infringe the law (R-100)."""

import uuid
from typing import Annotated

import typer
from rich.table import Table

from lawful import keystore, terminal

from . import service
from .schemas import FlagRead

cli = typer.Typer(help="Client instructions flagged as appearing to infringe the law.", no_args_is_help=True)
Org = Annotated[str | None, typer.Option("--org", help="organisation slug (default: the only one)")]
Json = Annotated[bool, typer.Option("--json", help="machine-readable output")]


@cli.command("flag")
def flag(
    client: str,
    number: Annotated[int, typer.Argument(help="the instruction's number in the DPA (1: the first)")],
    reason: Annotated[list[str], typer.Option("--reason", help="why it appears to infringe the law")],
    org: Org = None,
    as_json: Json = False,
) -> None:
    """Suspend processing under the instruction and tell the client."""
    keys = keystore.open_keys(terminal.settings())
    with terminal.session() as db:
        row = service.flag(
            db,
            terminal.operator(),
            keys,
            organisation_id=terminal.organisation_id(db, org),
            client=client,
            instruction=number,
            reasons=reason,
        )
        found = [FlagRead.model_validate(row)]
    _show(found, as_json)


@cli.command("resolve")
def resolve(
    flag_id: uuid.UUID,
    resolution: Annotated[str, typer.Option("--resolution", help="what the client confirmed or corrected")],
    org: Org = None,
    as_json: Json = False,
) -> None:
    """Lift a flag once the client confirmed or corrected the instruction."""
    if len(resolution.strip()) < 10:
        raise typer.BadParameter(
            "say what the client answered (at least 10 characters)", param_hint="--resolution"
        )
    with terminal.session() as db:
        row = service.resolve(
            db,
            terminal.operator(),
            organisation_id=terminal.organisation_id(db, org),
            flag_id=flag_id,
            resolution=resolution,
        )
        found = [FlagRead.model_validate(row)]
    _show(found, as_json)


@cli.command("list")
def list_flags(
    client: Annotated[str | None, typer.Option("--client")] = None, org: Org = None, as_json: Json = False
) -> None:
    """Every flag, with whether processing under it is suspended."""
    with terminal.session() as db:
        rows = service.list_flags(db, organisation_id=terminal.organisation_id(db, org), client=client)
        found = [FlagRead.model_validate(r) for r in rows]
    _show(found, as_json)


def _show(found: list[FlagRead], as_json: bool) -> None:
    if terminal.emit([f.model_dump(mode="json") for f in found], as_json=as_json):
        return
    table = Table("flag", "client", "instruction", "status", "reasons")
    for f in found:
        table.add_row(str(f.id), f.client, str(f.instruction), f.status, "; ".join(f.reasons))
    terminal.out.print(table)
