"""`lawful compliance art14 …`: send the notices due (what the worker does hourly), record an exemption,
list the letters to print and print one (R-09, R-16)."""

import uuid
from typing import Annotated

import typer
from rich.table import Table

from lawful import clock, keystore, terminal

from ..moments import Now, moment
from . import rules, service
from .schemas import LetterRead

cli = typer.Typer(help="Art. 14 notices for data obtained from others (R-09, R-16).", no_args_is_help=True)
Org = Annotated[str | None, typer.Option("--org", help="the organisation's slug (default: the only one)")]
Json = Annotated[bool, typer.Option("--json", help="machine-readable output")]


@cli.command("send")
def send(
    now: Now = None,
    as_json: Json = False,
) -> None:
    """Mail the notice to everyone still owed one (a letter to print where there is no address)."""
    at = moment(now)
    settings = terminal.settings()
    keys = keystore.open_keys(settings)
    with clock.pinned(at), terminal.session() as db:
        sent = service.send_all(db, terminal.operator(), keys, now=at, base_url=settings.base_url)
    report = {slug: {"emailed": s.emailed, "letters": s.letters} for slug, s in sent.items()}
    if not terminal.emit(report, as_json=as_json):
        for slug, entry in report.items():
            terminal.out.print(f"{slug}: {entry['emailed']} mailed, {entry['letters']} letters to print")


@cli.command("exempt")
def exempt(
    subject_id: Annotated[uuid.UUID, typer.Argument(help="the person's id")],
    ground: Annotated[rules.Ground, typer.Option("--ground", help="the Art. 14(5) ground")],
    reason: Annotated[
        str, typer.Option("--reason", help="why it applies, in a few words (no personal data)")
    ],
    org: Org = None,
) -> None:
    """Record an Art. 14(5) exemption: the person is then not written to."""
    if not reason.strip():
        raise typer.BadParameter("say why the ground applies", param_hint="--reason")
    with terminal.session() as db:
        row = service.exempt(db, terminal.operator(), organisation_id=terminal.organisation_id(db, org), subject_id=subject_id,
                             ground=ground, reason=reason, now=clock.now())  # fmt: skip
        terminal.out.print(f"exemption recorded: {row.id}")


@cli.command("letters")
def letters(org: Org = None, as_json: Json = False) -> None:
    """The notices to print and post (people without an email address)."""
    with terminal.session() as db:
        organisation_id = terminal.organisation_id(db, org)
        rows = service.notices(db, organisation_id=organisation_id, method=str(rules.Method.LETTER))
        found = [LetterRead.model_validate(r).model_dump(mode="json") for r in rows]
    if not terminal.emit(found, as_json=as_json):
        table = Table("letter", "subject", "language", "prepared")
        for row in found:
            table.add_row(row["id"], str(row["subject_id"]), str(row["language"]), row["done_at"])
        terminal.out.print(table)


@cli.command("letter")
def letter(subject_id: Annotated[uuid.UUID, typer.Argument(help="the person's id")], org: Org = None) -> None:
    """Print one letter's text (with the name and postal address held)."""
    settings = terminal.settings()
    keys = keystore.open_keys(settings)
    with terminal.session() as db:
        text = service.letter(db, keys, organisation_id=terminal.organisation_id(db, org), subject_id=subject_id,
                              base_url=settings.base_url)  # fmt: skip
    typer.echo(text)
