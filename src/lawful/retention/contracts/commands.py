"""`lawful clients end …`: a client's DPA ends; its data are returned, erased, and certified gone (R-107)."""

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from lawful import clients, keystore, terminal

from . import service

cli = typer.Typer(
    help="The end of a client's DPA: return, erase, certify (Art. 28(3)(g)).", no_args_is_help=True
)
Org = Annotated[str | None, typer.Option("--org", help="organisation slug (default: the only one)")]
Client = Annotated[str, typer.Argument(help="the client's key in the register")]


@cli.command("record")
def record(
    client: Client,
    ends_on: Annotated[
        str | None, typer.Option("--ends-on", help="YYYY-MM-DD (default: the DPA's, else today)")
    ] = None,
    org: Org = None,
) -> None:
    """Record the end of the client's DPA."""
    try:
        day = date.fromisoformat(ends_on) if ends_on else None
    except ValueError as exc:
        raise typer.BadParameter("use YYYY-MM-DD", param_hint="--ends-on") from exc
    with terminal.session() as db:
        row = service.end(
            db,
            terminal.operator(),
            organisation_id=terminal.organisation_id(db, org),
            client=client,
            ends_on=day,
        )
        _print(row)


@cli.command("show")
def show(client: Client, org: Org = None) -> None:
    """Where the end of the client's DPA stands (JSON), as GET /api/clients/{client}/end answers it."""
    with terminal.session() as db:
        _print(service.get(db, organisation_id=terminal.organisation_id(db, org), client=client))


@cli.command("due")
def due(org: Org = None) -> None:
    """Record the end of every DPA whose end date in the register has come."""
    with terminal.session() as db:
        rows = service.record_due(db, terminal.operator(), organisation_id=terminal.organisation_id(db, org))
        found = [clients.ending.ContractEndRead.model_validate(r).model_dump(mode="json") for r in rows]
    terminal.emit(found, as_json=True)


@cli.command("return")
def hand_over(
    client: Client,
    output: Annotated[Path, typer.Option("--output", "-o", help="the file handed to the client")],
    org: Org = None,
) -> None:
    """Write the client's data in the agreed format, for the client; the hand-over is recorded."""
    keys = keystore.open_keys(terminal.settings())
    with terminal.session() as db:
        row, body = service.hand_over(
            db, terminal.operator(), keys, organisation_id=terminal.organisation_id(db, org), client=client
        )
        output.write_bytes(body)
        _print(row)


@cli.command("erase")
def erase(client: Client, org: Org = None) -> None:
    """Erase everything of the client's people from lawful's store; tell its sub-processors."""
    settings = terminal.settings()
    keys = keystore.open_keys(settings)
    with terminal.session() as db:
        row = service.erase(
            db,
            terminal.operator(),
            keys,
            organisation_id=terminal.organisation_id(db, org),
            client=client,
            settings=settings,
        )
        _print(row)


@cli.command("certify")
def certify(client: Client, org: Org = None) -> None:
    """Issue the deletion certificate once the grace period has run."""
    keys = keystore.open_keys(terminal.settings())
    with terminal.session() as db:
        row = service.certify(
            db, terminal.operator(), keys, organisation_id=terminal.organisation_id(db, org), client=client
        )
        _print(row)


def _print(row: clients.ContractEnd) -> None:
    terminal.emit(clients.ending.ContractEndRead.model_validate(row).model_dump(mode="json"), as_json=True)
