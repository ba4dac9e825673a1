"""`lawful retention …`: the plan (nothing changes), the run (what the worker does hourly), its log, and the
events rules count from."""

import contextlib
import dataclasses
import uuid
from collections.abc import Iterator
from datetime import date, datetime
from typing import Annotated, Any

import typer
from rich import box
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn
from rich.table import Table

from lawful import clock, connectors, keystore, processing, retention, terminal

from .rules import BRUSSELS, start_of_day
from .shapes import action_dict, plan_dict, run_dict, summary

cli = typer.Typer(
    help="Retention: what leaves when and why, and the runs that remove it (R-71 to R-79).",
    no_args_is_help=True,
)
NOW_HELP = "as of this day (its start, in Brussels) or moment; default: now"
Datastores = Annotated[
    bool,
    typer.Option(
        "--datastores/--no-datastores",
        help="also the company's databases the register maps (each in its own unit of work); default: yes",
    ),
]


def parse_now(value: str | None) -> datetime:
    """`--now 2026-01-11` is the start of that day in Brussels; a moment without its zone is Brussels time."""
    if value is None:
        return clock.now()
    try:
        if len(value.strip()) == 10:
            return start_of_day(date.fromisoformat(value.strip()))
        moment = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise typer.BadParameter("use YYYY-MM-DD or an ISO 8601 moment", param_hint="--now") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=BRUSSELS)


@cli.command("plan")
def plan_command(
    now: Annotated[str | None, typer.Option("--now", help=NOW_HELP)] = None,
    org: Annotated[str | None, typer.Option("--org")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    datastores: Datastores = True,
) -> None:
    """What leaves, when and why, per rule and activity, with counts by month for the next 12 months, in
    lawful and in the mapped datastores; nothing changes."""
    moment = parse_now(now)
    retention.check_moment(moment)
    settings = terminal.settings()
    with terminal.session() as db:
        organisation_id = terminal.organisation_id(db, org)
        found = retention.plan(db, organisation_id=organisation_id, now=moment)
        stores = (
            connectors.retention_plan(
                db,
                keystore.open_keys(settings),
                now=moment,
                organisation_id=organisation_id,
                settings=settings,
            )
            if datastores
            else None
        )
    data = plan_dict(found) | {"datastores": dataclasses.asdict(stores) if stores else None}
    if terminal.emit(data, as_json=as_json):
        _fail_on(stores.problems if stores else [])
        return
    table = Table(
        "activity",
        "rule",
        "trigger",
        "step",
        "due now",
        "held back",
        "next 12 months",
        "later",
        box=box.SIMPLE_HEAD,
    )
    for group in data["groups"]:
        held = ", ".join(f"{reason} {n}" for reason, n in group["skipped"].items()) or "-"
        table.add_row(
            group["activity"],
            group["rule"],
            group["trigger"],
            group["step"],
            str(group["due"]),
            held,
            str(sum(group["months"].values())),
            str(group["later"]),
        )
    terminal.out.print(
        f"retention plan as of {moment.isoformat()}: {data['evaluated']} (person, activity) pair(s) evaluated"
    )
    terminal.out.print(table)
    terminal.out.print("by month: " + ", ".join(f"{m} {n}" for m, n in data["by_month"].items()))
    for line in stores.lines if stores else []:
        ahead = sum(line.months.values())
        terminal.out.print(
            f"datastore {line.datastore}.{line.table} ({line.retention}, {line.action}): {line.due} row(s) due, "
            f"{line.held} held, {ahead} in the months ahead"
        )
    for w in data["warnings"]:
        ahead = sum(w["months"].values())
        terminal.out.print(
            f"warnings {w['warn_before']} before deleting {w['activity']}: {w['due']} to send now, "
            f"{w['sent']} sent, {ahead} in the next 12 months"
        )
    _fail_on(stores.problems if stores else [])


@cli.command("run")
def run_command(
    now: Annotated[
        str | None, typer.Option("--now", help=NOW_HELP + " (ahead of the clock: test mode only)")
    ] = None,
    org: Annotated[str | None, typer.Option("--org", help="one organisation; default: every one")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    datastores: Datastores = True,
) -> None:
    """Delete, anonymise or archive what is due (what the worker does every hour), a batch per commit: first
    the events the mapped datastores date, then lawful's own store, then every mapped datastore, each in its
    own unit of work (a datastore that fails never holds back lawful's deletions)."""
    settings = terminal.settings()
    moment = parse_now(now)
    retention.check_now(moment, test_mode=settings.test_mode)
    keys = keystore.open_keys(settings)
    imported = None
    if datastores:
        with terminal.session() as db, _as_of(moment):
            imported = connectors.import_events(
                db, terminal.operator(), keys, now=moment, settings=settings,
                organisation_id=terminal.organisation_id(db, org) if org else None,
            )  # fmt: skip
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with terminal.session() as db, Progress(*columns, console=terminal.err, transient=True) as bar:
        if org is not None:
            organisations = [terminal.organisation_id(db, org)]
        else:
            organisations = [o.id for o in processing.list_organisations(db)]
        runs = []
        for organisation_id in organisations:
            task = bar.add_task("retention run", total=None)

            def advance(done: int, total: int, task: TaskID = task) -> None:
                bar.update(task, completed=done, total=total)

            runs.append(
                retention.run(
                    db,
                    terminal.operator(),
                    keys,
                    organisation_id=organisation_id,
                    now=moment,
                    progress=advance,
                )
            )
        rows = [run_dict(r) for r in runs]
    ended = None
    if datastores:
        with terminal.session() as db, Progress(*columns, console=terminal.err, transient=True) as bar:
            task = bar.add_task("datastore rows ended", total=None)
            ended = connectors.retention_run(
                db, terminal.operator(), keys, now=moment, settings=settings,
                organisation_id=terminal.organisation_id(db, org) if org else None,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )  # fmt: skip
    problems = [*(imported.problems if imported else []), *(ended.problems if ended else [])]
    data = {
        "runs": rows,
        "events": {"recorded": imported.recorded, "lines": imported.lines} if imported else None,
        "datastores": dataclasses.asdict(ended) if ended else None,
    }
    if terminal.emit(data, as_json=as_json):
        _fail_on(problems)
        return
    for row in rows:
        terminal.out.print(f"run {row['id'][:8]} as of {row['as_of']}: {summary(row['counts'])}")
    if imported is not None and imported.lines:
        terminal.out.print(f"events from the datastores: {imported.recorded} recorded")
    if ended is not None and (ended.done or ended.problems):
        held = sum(d.held for d in ended.done)
        terminal.out.print(
            f"datastores as of {ended.today.isoformat()}: {sum(d.rows for d in ended.done)} row(s) ended"
            + (f", {held} kept by a legal hold (legal_hold)" if held else "")
        )
    _fail_on(problems)


@contextlib.contextmanager
def _as_of(moment: datetime) -> Iterator[None]:
    """A run ahead of the clock (test mode, checked before) records events as of that moment."""
    if moment > clock.now():
        with clock.pinned(moment):
            yield
    else:
        yield


def _fail_on(problems: list[connectors.RetentionProblem]) -> None:
    """A datastore that could not be read or changed: named, exit 1 (what was done elsewhere stays done)."""
    for problem in problems:
        terminal.err.print(f"error {problem.datastore}: {problem.detail} [{problem.error}]", style="red")
    if problems:
        raise typer.Exit(1)


@cli.command("log")
def log_command(
    run_id: Annotated[str | None, typer.Option("--run", help="one run's steps, person by person")] = None,
    org: Annotated[str | None, typer.Option("--org")] = None,
    limit: Annotated[int, typer.Option(min=1, max=100_000)] = 50,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """The deletion log: each run's counts per rule and step, or one run's steps (pseudonymous ids, never content)."""
    with terminal.session() as db:
        organisation_id = terminal.organisation_id(db, org)
        if run_id is None:
            rows: list[dict[str, Any]] = [
                run_dict(r) for r in retention.list_runs(db, organisation_id=organisation_id, limit=limit)
            ]
        else:
            try:
                wanted = uuid.UUID(run_id)
            except ValueError as exc:
                raise typer.BadParameter("not a run id", param_hint="--run") from exc
            found = retention.get_run(db, run_id=wanted, organisation_id=organisation_id)
            rows = [action_dict(a) for a in retention.actions(db, run_id=found.id, limit=limit)]
    if terminal.emit(rows, as_json=as_json):
        return
    if run_id is None:
        for row in rows:
            terminal.out.print(
                f"{row['started_at'][:19]} {row['id'][:8]} {row['status']}: {summary(row['counts'])}"
            )
        return
    table = Table("subject", "activity", "rule", "step", "ends", "items", "whole", box=box.SIMPLE_HEAD)
    for row in rows:
        table.add_row(
            row["subject_id"],
            row["activity"],
            row["rule"],
            row["action"],
            row["ends_at"][:10],
            str(row["items"]),
            "yes" if row["whole"] else "",
        )
    terminal.out.print(table)


@cli.command("event")
def event_command(
    subject_id: Annotated[str, typer.Argument(help="the person's id")],
    kind: Annotated[
        str, typer.Option("--kind", help="contract_end, last_inbound_contact, document_date_next_january, …")
    ],
    at: Annotated[str, typer.Option("--at", help="the day (YYYY-MM-DD) or moment it happened")],
    channel: Annotated[
        str,
        typer.Option("--channel", help="staff, or for a contact: reply, form, call, meeting, registration"),
    ] = "staff",
    activity: Annotated[
        str | None, typer.Option("--activity", help="one activity; default: every activity")
    ] = None,
    reference: Annotated[
        str | None, typer.Option("--reference", help="a contract or invoice number, never personal data")
    ] = None,
    org: Annotated[str | None, typer.Option("--org")] = None,
) -> None:
    """Record an event a retention rule counts from (a contract's end, a reply, an invoice's date)."""
    try:
        person = uuid.UUID(subject_id)
    except ValueError as exc:
        raise typer.BadParameter("not a subject id", param_hint="SUBJECT_ID") from exc
    try:
        moment: date | datetime = (
            date.fromisoformat(at) if len(at.strip()) == 10 else datetime.fromisoformat(at)
        )
    except ValueError as exc:
        raise typer.BadParameter("use YYYY-MM-DD or an ISO 8601 moment", param_hint="--at") from exc
    if isinstance(moment, datetime) and moment.tzinfo is None:
        moment = moment.replace(tzinfo=BRUSSELS)
    with terminal.session() as db:
        event = retention.record_event(
            db,
            terminal.operator(),
            organisation_id=terminal.organisation_id(db, org),
            subject_id=person,
            kind=kind,
            at=moment,
            channel=channel,
            activity=activity,
            reference=reference,
        )
        terminal.out.print(f"event {event.id} recorded: {event.kind} at {event.occurred_at.isoformat()}")
