"""`lawful clients credentials add|list|reveal|destroy`: access data for clients' systems (R-87)."""

import uuid
from typing import Annotated

import typer
from pydantic import SecretStr, ValidationError
from rich.table import Table

from lawful import keystore, terminal

from . import service
from .schemas import CredentialCreate, CredentialRead

cli = typer.Typer(help="Credentials for clients' systems, kept only encrypted (R-87).", no_args_is_help=True)
Org = Annotated[str | None, typer.Option("--org", help="organisation slug (default: the only one)")]
Json = Annotated[bool, typer.Option("--json", help="machine-readable output")]


@cli.command("add")
def add(
    client: Annotated[str, typer.Argument(help="the client's key in the register")],
    system: Annotated[str, typer.Option("--system", help="e.g. Active Directory")],
    username: Annotated[str, typer.Option("--username")],
    secret: Annotated[
        str, typer.Option("--secret", prompt=True, hide_input=True, help="prompted when not given")
    ],
    note: Annotated[str, typer.Option("--note")] = "",
    org: Org = None,
    as_json: Json = False,
) -> None:
    """Keep a credential: the secret is stored only encrypted, under a key of its own."""
    try:
        credential = CredentialCreate(
            client=client, system=system, username=username, secret=SecretStr(secret), note=note
        )
    except ValidationError as exc:
        field = str(exc.errors()[0]["loc"][0])
        raise typer.BadParameter(exc.errors()[0]["msg"], param_hint=f"--{field}") from None
    keys = keystore.open_keys(terminal.settings())
    with terminal.session() as db:
        row = service.add(
            db,
            terminal.operator(),
            keys,
            organisation_id=terminal.organisation_id(db, org),
            credential=credential,
        )
        found = [CredentialRead.model_validate(row)]
    _show(found, as_json)


@cli.command("list")
def list_credentials(
    client: Annotated[str | None, typer.Option("--client")] = None, org: Org = None, as_json: Json = False
) -> None:
    """Every credential kept, without its secret."""
    with terminal.session() as db:
        rows = service.list_credentials(db, organisation_id=terminal.organisation_id(db, org), client=client)
        found = [CredentialRead.model_validate(r) for r in rows]
    _show(found, as_json)


@cli.command("reveal")
def reveal(
    credential_id: uuid.UUID,
    reason: Annotated[str, typer.Option("--reason", help="why it is needed now (at least 10 characters)")],
    org: Org = None,
    as_json: Json = False,
) -> None:
    """Show the secret once, for the stated reason; the reveal is audited (never the secret)."""
    if len(reason.strip()) < service.MIN_REASON:
        raise typer.BadParameter(
            f"state why, in at least {service.MIN_REASON} characters", param_hint="--reason"
        )
    keys = keystore.open_keys(terminal.settings())
    with terminal.session() as db:
        shown = service.reveal(
            db,
            terminal.operator(),
            keys,
            organisation_id=terminal.organisation_id(db, org),
            credential_id=credential_id,
            reason=reason,
        )
    if terminal.emit(shown.model_dump(mode="json"), as_json=as_json):
        return
    terminal.out.print(f"{shown.system} {shown.username}", markup=False)
    terminal.out.print(shown.secret, markup=False)


@cli.command("destroy")
def destroy(credential_id: uuid.UUID, org: Org = None, as_json: Json = False) -> None:
    """Destroy the credential's key: its secret is unreadable everywhere from now on."""
    keys = keystore.open_keys(terminal.settings())
    with terminal.session() as db:
        row = service.destroy(
            db,
            terminal.operator(),
            keys,
            organisation_id=terminal.organisation_id(db, org),
            credential_id=credential_id,
        )
        found = [CredentialRead.model_validate(row)]
    _show(found, as_json)


def _show(found: list[CredentialRead], as_json: bool) -> None:
    if terminal.emit([c.model_dump(mode="json") for c in found], as_json=as_json):
        return
    table = Table("credential", "client", "system", "username", "reveals", "destroyed")
    for c in found:
        destroyed = c.destroyed_at.isoformat() if c.destroyed_at else "-"
        table.add_row(str(c.id), c.client, c.system, c.username, str(c.reveals), destroyed)
    terminal.out.print(table)
