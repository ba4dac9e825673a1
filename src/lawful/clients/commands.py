"""`lawful clients …`: the client controllers, their DPAs and sub-processors."""

from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from lawful import terminal

from . import service
from .export.commands import register
from .forwarding import commands as forwarding_commands
from .instructions.commands import cli as instructions
from .subprocessors.commands import cli as sub_processors
from .vault.commands import cli as credentials

cli = typer.Typer(
    help="Client controllers we process data for, with their DPAs (Art. 28).", no_args_is_help=True
)
cli.add_typer(forwarding_commands.cli, name="requests")  # lawful clients requests list|instruct
Json = Annotated[bool, typer.Option("--json", help="machine-readable output")]
Org = Annotated[str | None, typer.Option("--org", help="organisation slug (default: the only one)")]
cli.command("register")(register)
cli.add_typer(sub_processors, name="sub-processors")
cli.add_typer(credentials, name="credentials")
cli.add_typer(instructions, name="instructions")


@cli.command("list")
def list_clients(org: Org = None, as_json: Json = False) -> None:
    """Every client controller with its DPA's reference, deadlines and sub-processors."""
    with terminal.session() as db:
        found = service.list_clients(db, organisation_id=terminal.organisation_id(db, org))
    if terminal.emit([c.model_dump(mode="json") for c in found], as_json=as_json):
        return
    table = Table("client", "name", "DPA", "forward requests", "breach notice", "sub-processors")
    for c in found:
        table.add_row(
            c.key,
            c.name,
            f"{c.dpa.reference} v{c.dpa.version}",
            f"{c.dpa.rights_forwarding_days} working days",
            c.dpa.breach_notice,
            ", ".join(s.key for s in c.sub_processors) or "-",
        )
    terminal.out.print(table)


@cli.command("show")
def show(key: str, org: Org = None, as_json: Json = False) -> None:
    """One client controller with its whole DPA."""
    with terminal.session() as db:
        client = service.get_client(db, organisation_id=terminal.organisation_id(db, org), key=key)
    data = client.model_dump(mode="json")
    if terminal.emit(data, as_json=as_json):
        return
    dpa = data.pop("dpa")
    table = Table("field", "value")
    for name, value in [*data.items(), *dpa.items()]:
        table.add_row(name, Text(str(value)))  # Text: the register's words are never read as markup
    terminal.out.print(table)
