"""`lawful clients requests …`: rights requests forwarded to client controllers, and their instructions."""

from typing import Annotated

import typer
from rich.table import Table

from lawful import keystore, terminal

from . import service
from .rules import Instruction
from .schemas import ForwardingRead

cli = typer.Typer(
    help="Rights requests forwarded to client controllers, and their instructions (R-102).",
    no_args_is_help=True,
)
Json = Annotated[bool, typer.Option("--json", help="machine-readable output")]
Org = Annotated[str | None, typer.Option("--org", help="organisation slug (default: the only one)")]


@cli.command("list")
def list_requests(
    client: Annotated[str | None, typer.Option("--client", help="one client's requests only")] = None,
    state: Annotated[str | None, typer.Option("--state", help="forwarded, carried_out or refused")] = None,
    org: Org = None,
    as_json: Json = False,
) -> None:
    """Every forwarded request with its deadlines, the earliest answer date first."""
    with terminal.session() as db:
        organisation_id = terminal.organisation_id(db, org)
        if client is not None:
            service.client_of(db, organisation_id, client)
        found = [
            ForwardingRead.model_validate(row).model_dump(mode="json")
            for row in service.list_forwardings(
                db, organisation_id=organisation_id, client=client, state=state
            )
        ]
    if terminal.emit(found, as_json=as_json):
        return
    table = Table(
        "reference", "client", "rights", "state", "forward by", "answer by", "escalate on", "webhook"
    )
    for row in found:
        table.add_row(
            row["reference"],
            row["client"],
            ", ".join(row["kinds"]),
            row["state"],
            row["forward_by"],
            row["remind_on"],
            row["escalate_on"],
            row["webhook"],
        )
    terminal.out.print(table)


@cli.command("instruct")
def instruct(
    client: str,
    reference: str,
    instruction: Annotated[Instruction, typer.Argument(help="carry_out or refuse")],
    note: Annotated[
        str | None, typer.Option("--note", help="how the client gave it (its letter, its ticket)")
    ] = None,
    org: Org = None,
    as_json: Json = False,
) -> None:
    """Record the client's instruction on a forwarded request; lawful carries it out in that client's space."""
    settings = terminal.settings()
    keys = keystore.open_keys(settings)
    with terminal.session() as db:
        organisation_id = terminal.organisation_id(db, org)
        found = service.by_reference(db, organisation_id=organisation_id, client=client, reference=reference)
        row = service.instruct(
            db,
            terminal.operator(),
            keys,
            organisation_id=organisation_id,
            client=client,
            request_id=found.request_id,
            instruction=instruction,
            note=note,
            base_url=settings.base_url,
        )
        data = ForwardingRead.model_validate(row).model_dump(mode="json")
    if not terminal.emit(data, as_json=as_json):
        terminal.out.print(
            f"{data['reference']}: {data['client']} instructed {data['instruction']} ({data['state']})"
        )
