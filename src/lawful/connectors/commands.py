"""`lawful connectors …`: check the dataset maps against the live databases; preview what an erasure does;
import the lifecycle events their columns date."""

import contextlib
import dataclasses
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from lawful import clock, keystore, processing, terminal

from . import events, service
from .retention import commands as retention_commands

cli = typer.Typer(help="The company's other databases, as the register's dataset maps describe them.")
cli.add_typer(retention_commands.cli, name="retention")
events_cli = typer.Typer(
    help="Lifecycle events dated by a column of the datastores (a contract's end date, the last invoice).",
    no_args_is_help=True,
)
cli.add_typer(events_cli, name="events")
Json = Annotated[bool, typer.Option("--json", help="machine-readable output")]
Org = Annotated[str | None, typer.Option("--org", help="organisation slug (default: the only one)")]
RegisterFile = Annotated[
    Path | None,
    typer.Option(
        "--register", exists=True, dir_okay=False, help="a register file, instead of the applied one"
    ),
]
Only = Annotated[str | None, typer.Option("--datastore", help="only this datastore (its key)")]


@cli.command("check")
def check(
    register: RegisterFile = None, datastore: Only = None, org: Org = None, as_json: Json = False
) -> None:
    """Every mapped table and column must exist in its live database; exit 1 otherwise."""
    found = service.check_report(terminal.settings(), _register(register, org), key=datastore)
    problems, keys = found["problems"], found["datastores"]
    if not terminal.emit(found, as_json=as_json):
        for problem in problems:
            terminal.err.print(f"error {problem['path']}: {problem['message']}", style="red")
        if not problems:
            terminal.out.print(f"the dataset maps fit their databases: {', '.join(keys) or 'none mapped'}")
    if problems:
        raise typer.Exit(1)


@cli.command("find")
def find(
    email: Annotated[str, typer.Option(help="the person's email address")],
    register: RegisterFile = None,
    datastore: Only = None,
    org: Org = None,
    as_json: Json = False,
) -> None:
    """Dry run: what an erasure would do to each field of each datastore; prints no personal value."""
    loaded = _register(register, org)
    with terminal.session() as db:
        own = processing.find_organisation(db, slug=loaded.organisation.slug)
        previews = service.find(
            db, terminal.operator(), terminal.settings(), loaded,
            organisation_id=own.id if own else None, email=email, key=datastore,
        )  # fmt: skip
    if terminal.emit(previews, as_json=as_json):
        return
    table = Table("datastore", "field", "category", "rows", "erasure", "kept until")
    for found in previews:
        for field in found["fields"]:
            table.add_row(
                found["datastore"],
                f"{field['table']}.{field['column']}",
                field["category"],
                str(field["rows"]),
                field["how"],
                (field["until"] or field["retention"]) if "reason" in field else "",
            )
    terminal.out.print(table)
    for found in previews:
        if not found["found"]:
            terminal.out.print(f"{found['datastore']}: nothing linked to this person")


def _register(path: Path | None, org: str | None) -> processing.Register:
    if path is None:
        with terminal.session() as db:
            return processing.current_register(db, organisation_id=terminal.organisation_id(db, org))[1]
    register, problems = processing.check(path.read_text(encoding="utf-8"))
    if register is None:
        for problem in problems:
            terminal.err.print(f"{problem.severity} {problem}", style="red")
        raise typer.Exit(1)
    return register


@events_cli.command("import")
def import_events(now: retention_commands.Now = None, org: Org = None, as_json: Json = False) -> None:
    """Record, for the people lawful holds, the dates the dataset maps' event columns give (what the worker
    does every hour); importing again records nothing new."""
    settings = terminal.settings()
    moment = retention_commands._instant(now)
    ahead = moment > clock.now()
    if ahead and not settings.test_mode:
        raise typer.BadParameter(
            "a later day would record events before they happen (test mode only)", param_hint="--now"
        )
    with terminal.session() as db, clock.pinned(moment) if ahead else contextlib.nullcontext():
        organisation_id = terminal.organisation_id(db, org) if org else None
        found = events.import_events(
            db, terminal.operator(), keystore.open_keys(settings), now=moment, settings=settings,
            organisation_id=organisation_id,
        )  # fmt: skip
    if not terminal.emit(
        {
            "now": moment.isoformat(),
            "lines": found.lines,
            "problems": [dataclasses.asdict(p) for p in found.problems],
        },
        as_json=as_json,
    ):
        table = Table("datastore", "column", "event", "activity", "recorded", "already", "not held", "ahead")
        for line in found.lines:
            table.add_row(
                str(line["datastore"]), f"{line['table']}.{line['column']}", str(line["kind"]),
                str(line["activity"] or "every"), str(line["recorded"]), str(line["known"]),
                str(line["not_held"]), str(line["ahead"]),
            )  # fmt: skip
        terminal.out.print(f"events imported as of {moment.isoformat()}: {found.recorded} recorded")
        terminal.out.print(table)
    retention_commands._fail_on(found.problems)
