"""`lawful marketing …`: campaigns (campaign_commands.py), matched audiences on social networks (R-40) and
telephone prospecting (R-41)."""

import csv
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from lawful import keystore, render, terminal

from . import campaign_commands, phone, social
from .schemas import SuppressionRead

cli = typer.Typer(
    help="Marketing: campaigns, social audiences and telephone prospecting.", no_args_is_help=True
)
audience_cli = typer.Typer(help="Matched audiences on social networks (R-40).", no_args_is_help=True)
phone_cli = typer.Typer(help="Telephone prospecting, screened (R-41).", no_args_is_help=True)
cli.add_typer(audience_cli, name="audience")
cli.add_typer(phone_cli, name="phone")
cli.add_typer(campaign_commands.cli, name="campaign")
cli.command("sends")(campaign_commands.sends)
Json = Annotated[bool, typer.Option("--json", help="machine-readable output")]
Org = Annotated[str | None, typer.Option("--org", help="organisation slug (default: the only one)")]
Purpose = Annotated[str, typer.Option(help="a marketing activity of the register")]


@audience_cli.command("upload")
def upload(
    purpose: Purpose,
    recipient: Annotated[str, typer.Option(help="a recipient whose audience_upload is enabled")],
    org: Org = None,
    as_json: Json = False,
) -> None:
    """Upload the consenting people of PURPOSE to the platform; exit 1 when the platform refuses."""
    keys = keystore.open_keys(terminal.settings())
    with terminal.session() as db:
        result = social.upload(
            db,
            terminal.operator(),
            keys,
            organisation_id=terminal.organisation_id(db, org),
            purpose=purpose,
            recipient=recipient,
        )
    if not terminal.emit(asdict(result), as_json=as_json):
        terminal.out.print(
            f"{result.people} people sent to {recipient} ({result.recipient_type}), "
            f"fields {', '.join(result.fields)}{' hashed' if result.hashed else ''}: HTTP {result.status}"
        )
        _counts("left out", result.excluded)
    if not 200 <= result.status < 300:
        raise typer.Exit(1)


@audience_cli.command("preview")
def preview(purpose: Purpose, org: Org = None) -> None:
    """Who a campaign for PURPOSE would reach now, in counts, and why the others would not (JSON), as
    POST /api/audiences. No person is named."""
    from . import service
    from .schemas import AudienceRead

    keys = keystore.open_keys(terminal.settings())
    with terminal.session() as db:
        audience = service.build(db, keys, organisation_id=terminal.organisation_id(db, org), purpose=purpose)
    terminal.emit(AudienceRead.of(audience).model_dump(mode="json"), as_json=True)


@audience_cli.command("export")
def export(
    purpose: Purpose,
    recipient: Annotated[str, typer.Option(help="a recipient of PURPOSE with an endpoint and a DPA")],
    org: Org = None,
    as_json: Json = False,
) -> None:
    """Send PURPOSE's audience to a platform or partner (its whitelisted fields only, R-06, under a DPA,
    R-90), as POST /api/audiences/exports; exit 1 when the recipient refuses. The data go to the
    recipient's endpoint, never to the terminal."""
    from . import exports

    keys = keystore.open_keys(terminal.settings())
    with terminal.session() as db:
        result = exports.export(
            db,
            terminal.operator(),
            keys,
            organisation_id=terminal.organisation_id(db, org),
            purpose=purpose,
            recipient=recipient,
        )
    if not terminal.emit(asdict(result), as_json=as_json):
        terminal.out.print(
            f"{result.people} people sent to {recipient}, fields {', '.join(result.fields)}: HTTP {result.status}"
        )
    if not 200 <= result.status < 300:
        raise typer.Exit(1)


@phone_cli.command("import-dncm")
def import_dncm(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="the register file")
    ],
    org: Org = None,
    as_json: Json = False,
) -> None:
    """Replace the "Do Not Call Me" numbers with FILE's (one a line, or CSV); a bad row refuses the file."""
    keys = keystore.open_keys(terminal.settings())
    columns = (TextColumn("screening numbers"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with terminal.session() as db, Progress(*columns, console=terminal.err, transient=True) as bar:
        task = bar.add_task("import", total=None)
        row = phone.import_dncm(
            db,
            terminal.operator(),
            keys,
            organisation_id=terminal.organisation_id(db, org),
            text=_read(file),
            source=file.name,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    data = {"id": str(row.id), "numbers": row.numbers, "imported_at": row.imported_at.isoformat()}
    if not terminal.emit(data, as_json=as_json):
        terminal.out.print(f"{row.numbers} numbers imported from {file.name}, kept as keyed hashes")


def _read(file: Path) -> str:
    raw = file.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


@phone_cli.command("call-list")
def call_list(
    purpose: Purpose,
    output: Annotated[Path | None, typer.Option(help="write the calls to this CSV file")] = None,
    org: Org = None,
    as_json: Json = False,
) -> None:
    """Who may be called for PURPOSE now, screened against the register and the exclusion list."""
    keys = keystore.open_keys(terminal.settings())
    with terminal.session() as db:
        result = phone.call_list(
            db, terminal.operator(), keys, organisation_id=terminal.organisation_id(db, org), purpose=purpose
        )
    if result.dncm_stale:
        terminal.err.print(
            f"warning: the Do Not Call Me register was imported on {result.dncm_imported_at:%Y-%m-%d}, "
            "longer ago than its update period: import the current file",
            style="yellow",
        )
    if output is not None:
        with output.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["number", "subject_id", "basis"])
            writer.writerows(
                [render.spreadsheet_cell(v) for v in (c.number, c.subject_id, c.basis)] for c in result.calls
            )
    if terminal.emit(asdict(result), as_json=as_json):
        return
    if output is None:
        table = Table("number", "basis")
        for call in result.calls:
            table.add_row(call.number, call.basis)
        terminal.out.print(table)
    terminal.out.print(f"{len(result.calls)} numbers to call for {purpose}")
    _counts("bases", result.bases)
    _counts("screened out", result.excluded)


@phone_cli.command("suppress")
def suppress(
    number: Annotated[str, typer.Argument(help="the number, E.164 or Belgian national")],
    org: Org = None,
    as_json: Json = False,
) -> None:
    """Put a number on the exclusion list: the person asked not to be called again."""
    keys = keystore.open_keys(terminal.settings())
    with terminal.session() as db:
        row = phone.suppress_number(
            db, terminal.operator(), keys, organisation_id=terminal.organisation_id(db, org), number=number
        )
        entry = SuppressionRead.model_validate(row).model_dump(mode="json")
    if not terminal.emit(entry, as_json=as_json):
        terminal.out.print("the number is on the exclusion list")


def _counts(title: str, counts: dict[str, int]) -> None:
    if counts:
        terminal.out.print(f"{title}: " + ", ".join(f"{k} {n}" for k, n in sorted(counts.items())))
