"""`lawful decide`: the purpose gate from the shell (same functions as the API)."""

from typing import Annotated

import typer
from rich.table import Table

from lawful import i18n, keystore, subjects, terminal

from . import service

cli = typer.Typer(help="Ask the purpose gate.", no_args_is_help=True)


@cli.command("check")
def check(
    purpose: Annotated[str, typer.Option(help="an activity of the register")],
    email: Annotated[str | None, typer.Option(help="the person's email")] = None,
    phone: Annotated[str | None, typer.Option(help="the person's phone")] = None,
    field: Annotated[
        list[str] | None, typer.Option("--field", help="a data category wanted, repeatable")
    ] = None,
    org: Annotated[str | None, typer.Option("--org")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """May PURPOSE use this person's data now? Exit 0 for allow, 1 for deny."""
    if (email is None) == (phone is None):
        raise typer.BadParameter("give --email or --phone", param_hint="--email")
    kind, value = (subjects.IdentityKind.EMAIL, email) if email else (subjects.IdentityKind.PHONE, phone)
    keys = keystore.open_keys(terminal.settings())
    with terminal.session() as db:
        organisation_id = terminal.organisation_id(db, org)
        subject_id = service.find_subject(
            db, keys, organisation_id=organisation_id, kind=kind, value=value or ""
        )
        decision = service.decide(
            db,
            organisation_id=organisation_id,
            purpose=purpose,
            subject_id=subject_id,
            fields=frozenset(field or []),
        )
    result = {
        "decision": "allow" if decision.allow else "deny",
        "reasons": [str(r) for r in decision.reasons],
        "fields": list(decision.fields),
    }
    if not terminal.emit(result, as_json=as_json):
        terminal.out.print(
            f"{result['decision']}: {', '.join(result['reasons']) or ', '.join(result['fields'])}"
        )
    if not decision.allow:
        raise typer.Exit(1)


@cli.command("read")
def read(
    purpose: Annotated[str, typer.Option(help="an activity of the register")],
    email: Annotated[str | None, typer.Option(help="the person's email")] = None,
    phone: Annotated[str | None, typer.Option(help="the person's phone")] = None,
    org: Annotated[str | None, typer.Option("--org")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """A person's data for PURPOSE, as the API reads them: what the gate allows, archived data only with
    archive:read (R-73); audited."""
    if (email is None) == (phone is None):
        raise typer.BadParameter("give --email or --phone", param_hint="--email")
    kind, value = (subjects.IdentityKind.EMAIL, email) if email else (subjects.IdentityKind.PHONE, phone)
    keys = keystore.open_keys(terminal.settings())
    with terminal.session() as db:
        organisation_id = terminal.organisation_id(db, org)
        subject_id = service.find_subject(
            db, keys, organisation_id=organisation_id, kind=kind, value=value or ""
        )
        if subject_id is None:
            raise subjects.SubjectNotFound("no such subject")
        reading = service.read(
            db,
            terminal.operator(),
            keys,
            organisation_id=organisation_id,
            subject_id=subject_id,
            purpose=purpose,
        )
        rows = [
            {"category": v.category, "value": v.value, "activity": v.collection.activity}
            for v in reading.values
        ]
    notice = (
        i18n.t("archive.withheld", "en", activities=", ".join(reading.archived)) if reading.archived else None
    )
    if terminal.emit(
        {"subject_id": str(subject_id), "values": rows, "archived": list(reading.archived), "notice": notice},
        as_json=as_json,
    ):
        return
    table = Table("category", "value", "activity")
    for row in rows:
        table.add_row(row["category"], row["value"], row["activity"])
    terminal.out.print(table)
    if notice:
        terminal.out.print(notice)


from .export_commands import cli as _export_cli  # noqa: E402

cli.add_typer(_export_cli, name="export")  # `lawful decide export request|show|approve|file`
