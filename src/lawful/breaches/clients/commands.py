"""`lawful breaches clients B-1 [--notify] [--client KEY]`: each client controller a case concerns, its
DPA deadline and status (R-103); with --notify, the clients not told yet are told now."""

from typing import Annotated

import typer
from rich.table import Table

from lawful import clock, keystore, terminal

from .. import service as cases
from . import service

cli = typer.Typer()


@cli.command("clients")
def clients(
    reference: str,
    notify: Annotated[bool, typer.Option("--notify", help="tell the clients not told yet, now")] = False,
    client: Annotated[
        list[str] | None, typer.Option("--client", help="only this client (repeatable)")
    ] = None,
    org: Annotated[str | None, typer.Option("--org", help="the organisation's slug")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """R-103: the client controllers whose data the case reached, each with its notice's deadline."""
    keys = keystore.open_keys(terminal.settings())
    with terminal.session() as db:
        organisation_id = terminal.organisation_id(db, org)
        if notify:
            service.notify(
                db, terminal.operator(), keys, organisation_id=organisation_id, reference=reference,
                clients=client or [],
            )  # fmt: skip
        breach = cases.get(db, organisation_id=organisation_id, reference=reference)
        shown = [n.model_dump(mode="json") for n in service.notices(db, keys, breach, now=clock.now())]
    if terminal.emit(shown, as_json=as_json):
        return
    table = Table("client", "due (UTC)", "status", "people")
    for n in shown:
        table.add_row(n["client"], n["due_at"][:16], n["status"], str(n["approx_subjects"]))
    terminal.out.print(table)
