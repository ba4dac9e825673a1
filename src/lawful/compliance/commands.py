"""`lawful compliance check`: what is overdue or soon due; exit 1 when anything is overdue, so a company can
run it in the CI of its register repository (R-125)."""

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from lawful import clock, i18n, keystore, processing, terminal

from . import hourly, service, transfers, trends
from .art14.commands import cli as art14_cli
from .moments import Now, moment
from .schemas import ComplianceRead, TransferSuspensionRead

cli = typer.Typer(help="The compliance check over every domain (Art. 5(2), R-125).", no_args_is_help=True)
cli.add_typer(art14_cli, name="art14")
Org = Annotated[str | None, typer.Option("--org", help="the organisation's slug (default: the only one)")]
Json = Annotated[bool, typer.Option("--json", help="machine-readable output")]
Lang = Annotated[str, typer.Option("--lang", help="language of the fixes: en, fr or nl")]
RegisterFile = Annotated[
    Path | None,
    typer.Option(
        "--register",
        exists=True,
        dir_okay=False,
        help="check only this register YAML file, without a database (the CI of a register repository)",
    ),
]


@cli.command("check")
def check(org: Org = None, as_json: Json = False, lang: Lang = "en", register: RegisterFile = None) -> None:
    """List what is overdue or soon due, with owner, record and fix; exit 1 if anything is overdue."""
    if lang not in i18n.LANGUAGES:
        raise typer.BadParameter(f"one of {', '.join(i18n.LANGUAGES)}", param_hint="--lang")
    if register is not None:
        items = service.check_register(_valid_register(register))
    else:
        keys = keystore.open_keys(terminal.settings())
        with terminal.session() as db:
            items = service.check(db, keys, organisation_id=terminal.organisation_id(db, org))
    report = ComplianceRead.of(items, lang)
    if not terminal.emit(report.model_dump(mode="json"), as_json=as_json):
        _print(report)
    if report.overdue:
        raise typer.Exit(1)


def _valid_register(path: Path) -> processing.Register:
    found, problems = processing.check(path.read_text(encoding="utf-8"))
    if found is None:
        raise processing.RegisterInvalid(
            f"{path.name} is not a valid register", problems=[vars(p) for p in problems]
        )
    return found


def _print(report: ComplianceRead) -> None:
    if not report.items:
        terminal.out.print("nothing is overdue or due soon", style="green")
        return
    table = Table("severity", "check", "concerns", "due", "owner", "fix")
    for item in report.items:
        style = "red" if item.severity == "overdue" else "yellow" if item.severity == "due_soon" else None
        due = "" if item.due is None else str(item.due)
        count = f" ({item.count})" if item.count > 1 else ""
        table.add_row(
            item.severity, item.check + count, item.concerns, due, item.owner, item.fix, style=style
        )
    terminal.out.print(table)


@cli.command("run")
def run(now: Now = None, as_json: Json = False) -> None:
    """What the worker does every hour: record suspended transfers and lift renewed ones (R-114), send the
    Art. 14 notices due (R-09), and keep the day's count of overdue items for the trend."""
    at = moment(now)
    settings = terminal.settings()
    keys = keystore.open_keys(settings)
    with clock.pinned(at), terminal.session() as db:
        ran = hourly.run(db, terminal.operator(), keys, now=at, base_url=settings.base_url)
        report = {slug: entry.model_dump(mode="json") for slug, entry in ran.items()}
    if not terminal.emit(report, as_json=as_json):
        for slug, entry in report.items():
            terminal.out.print(f"{slug}: " + ", ".join(f"{k} {v or '-'}" for k, v in entry.items()))


@cli.command("trend")
def trend(org: Org = None) -> None:
    """What the console's home charts, as GET /api/compliance/trend answers it (JSON): overdue and due-soon
    items per day over 90 days, and the handling time of the requests completed in each of 12 months."""
    with terminal.session() as db:
        data = trends.data(db, organisation_id=terminal.organisation_id(db, org), today=clock.today())
    terminal.emit(data, as_json=True)


@cli.command("transfers")
def transfers_command(
    org: Org = None,
    as_json: Json = False,
    all_: Annotated[bool, typer.Option("--all", help="lifted ones too")] = False,
) -> None:
    """Recipients whose transfer mechanism lapsed: flows to them are refused; each with its notice draft."""
    with terminal.session() as db:
        organisation_id = terminal.organisation_id(db, org)
        rows = (transfers.history if all_ else transfers.current)(db, organisation_id=organisation_id)
        found = [TransferSuspensionRead.of(row).model_dump(mode="json") for row in rows]
    if not terminal.emit(found, as_json=as_json):
        table = Table("recipient", "valid until", "suspended at", "lifted at", "notice draft")
        for row in found:
            table.add_row(
                row["recipient"],
                str(row["valid_until"]),
                row["suspended_at"],
                str(row["lifted_at"] or ""),
                row["notice_draft"],
            )
        terminal.out.print(table)
