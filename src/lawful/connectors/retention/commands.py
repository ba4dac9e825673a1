"""`lawful connectors retention plan|run`: the end of what the company's datastores keep (R-72, R-75)."""

import dataclasses
from datetime import date, datetime, time
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from lawful import clock, keystore, terminal

from . import service
from .outcome import RetentionProblem

cli = typer.Typer(
    help="Rows the datastores keep under `keep` leave when their period ends.", no_args_is_help=True
)
Now = Annotated[
    datetime | None,
    typer.Option("--now", formats=["%Y-%m-%d"], help="the day to evaluate for (Brussels; default today)"),
]
Org = Annotated[str | None, typer.Option("--org", help="only this organisation (its slug; default: all)")]
Json = Annotated[bool, typer.Option("--json", help="machine-readable output")]


@cli.command("plan")
def plan(now: Now = None, org: Org = None, as_json: Json = False) -> None:
    """What leaves each datastore table now and in each month ahead, and what legal holds keep; changes nothing."""
    settings = terminal.settings()
    with terminal.session() as db:
        organisation_id = terminal.organisation_id(db, org) if org else None
        found = service.retention_plan(
            db,
            keystore.open_keys(settings),
            now=_instant(now),
            organisation_id=organisation_id,
            settings=settings,
        )
    if not terminal.emit(dataclasses.asdict(found), as_json=as_json):
        table = Table("datastore", "table", "rule", "end", "due", "held", "months ahead")
        for line in found.lines:
            ahead = ", ".join(f"{month}: {count}" for month, count in line.months.items() if count)
            table.add_row(
                line.datastore, line.table, line.retention, line.action, str(line.due), str(line.held), ahead
            )
        terminal.out.print(f"retention in the datastores on {found.today.isoformat()} (nothing changed)")
        terminal.out.print(table)
        _held_note(sum(line.held for line in found.lines))
    _fail_on(found.problems)


@cli.command("run")
def run(now: Now = None, org: Org = None, as_json: Json = False) -> None:
    """Delete or anonymise, as each dataset map says, the kept rows whose period has ended."""
    settings = terminal.settings()
    if now is not None and now.date() > clock.today() and not settings.test_mode:
        raise typer.BadParameter(
            "a later day would end data before their time (test mode only)", param_hint="--now"
        )
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with terminal.session() as db, Progress(*columns, console=terminal.err, transient=True) as bar:
        task = bar.add_task("rows ended", total=None)
        organisation_id = terminal.organisation_id(db, org) if org else None
        found = service.retention_run(
            db,
            terminal.operator(),
            keystore.open_keys(settings),
            now=_instant(now),
            organisation_id=organisation_id,
            settings=settings,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    if not terminal.emit(dataclasses.asdict(found), as_json=as_json):
        table = Table("datastore", "table", "rule", "done", "rows", "held", "log entry")
        for line in found.done:
            entry = str(line.entry_id)[:8] if line.entry_id else ""
            done = line.action + (" (resumed)" if line.resumed else "")
            table.add_row(
                line.datastore, line.table, line.retention, done, str(line.rows), str(line.held), entry
            )
        terminal.out.print(
            f"retention run for {found.today.isoformat()}: {sum(d.rows for d in found.done)} row(s) ended"
        )
        if found.done:
            terminal.out.print(table)
        _held_note(sum(line.held for line in found.done))
    _fail_on(found.problems)


def _instant(day: datetime | None) -> datetime:
    """Noon in Brussels on the given day: the day the rules see, whatever the clock's zone."""
    if day is None:
        return clock.now()
    if not 2000 <= day.year <= 2999:
        raise typer.BadParameter("a day between 2000 and 2999", param_hint="--now")
    return datetime.combine(date(day.year, day.month, day.day), time(12), tzinfo=clock.BRUSSELS)


def _held_note(held: int) -> None:
    if held:
        terminal.out.print(f"held: {held} row(s) past their end kept by a legal hold (legal_hold)")


def _fail_on(problems: list[RetentionProblem]) -> None:
    for problem in problems:
        terminal.err.print(f"error {problem.datastore}: {problem.detail} [{problem.error}]", style="red")
    if problems:
        raise typer.Exit(1)
