"""`lawful notice changes list|show|mail`: what each notice change was, whom it concerns, who was told."""

from typing import Annotated

import typer

from lawful import keystore, terminal

from ..rules import NoticeKind
from . import service

cli = typer.Typer(
    help="Notice changes: classification and the mail to the people concerned.", no_args_is_help=True
)
Kind = Annotated[NoticeKind, typer.Option("--kind", help="privacy or cookies")]
Org = Annotated[str | None, typer.Option("--org", help="organisation slug (default: the only one)")]
Json = Annotated[bool, typer.Option("--json", help="machine-readable output")]


@cli.command("list")
def list_changes(org: Org = None, as_json: Json = False) -> None:
    """Every recorded change, newest first."""
    with terminal.session() as db:
        found = [
            service.as_dict(db, c)
            for c in service.list_changes(db, organisation_id=terminal.organisation_id(db, org))
        ]
    if not terminal.emit(found, as_json=as_json):
        for c in found:
            label = "material" if c["material"] else "editorial"
            terminal.out.print(
                f"{c['kind']} v{c['number']}: {label}, effective {c['effective_from']}, {c['mailed']} mailed"
            )


@cli.command("show")
def show(number: int, kind: Kind = NoticeKind.PRIVACY, org: Org = None, as_json: Json = False) -> None:
    """One change: its reasons, the activities it concerns and the mail per language."""
    with terminal.session() as db:
        change = service.find(
            db, organisation_id=terminal.organisation_id(db, org), kind=str(kind), number=number
        )
        found = service.as_dict(db, change)
    if not terminal.emit(found, as_json=as_json):
        terminal.out.print(found)


@cli.command("mail")
def mail(number: int, kind: Kind = NoticeKind.PRIVACY, org: Org = None, as_json: Json = False) -> None:
    """Tell the people concerned by a material change who were not told yet (nobody twice)."""
    settings = terminal.settings()
    keys = keystore.open_keys(settings)
    with terminal.session() as db:
        org_id = terminal.organisation_id(db, org)
        change = service.find(db, organisation_id=org_id, kind=str(kind), number=number)
        queued = service.notify(
            db,
            terminal.operator(),
            keys,
            organisation_id=org_id,
            change_id=change.id,
            base_url=settings.base_url,
        )
        found = {**service.as_dict(db, change), "queued": queued}
    if not terminal.emit(found, as_json=as_json):
        terminal.out.print(f"{queued} change mail(s) queued; send them with `lawful mail deliver`")
