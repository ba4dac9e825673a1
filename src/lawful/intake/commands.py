"""`lawful subjects add|import`: data received outside the forms (R-16) and contact lists (R-09)."""

import json
import uuid
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from lawful import keystore, subjects, terminal

from . import imports
from .schemas import SubjectCreate

cli = typer.Typer(help="People and their data: intake outside the forms.", no_args_is_help=True)
Org = Annotated[str | None, typer.Option("--org", help="organisation slug (default: the only one)")]
Json = Annotated[bool, typer.Option("--json", help="machine-readable output")]


@cli.command("add")
def add(
    activity: Annotated[str, typer.Option(help="the activity the data serve")],
    category: Annotated[str, typer.Option("--category", help="subject category, e.g. customer")],
    channel: Annotated[subjects.Channel, typer.Option(help="how the data arrived")],
    email: Annotated[str | None, typer.Option(help="email address")] = None,
    phone: Annotated[str | None, typer.Option(help="phone number")] = None,
    value: Annotated[list[str] | None, typer.Option("--value", help="CATEGORY=VALUE, repeatable")] = None,
    received: Annotated[str | None, typer.Option(help="real receipt time, ISO 8601 with offset")] = None,
    document: Annotated[str | None, typer.Option(help="reference of the source document")] = None,
    org: Org = None,
    as_json: Json = False,
) -> None:
    """Record data received by email, phone, post, contract or at an event."""
    values = dict(_pair(v) for v in value or [])
    body = SubjectCreate.model_validate(
        {
            "subject_category": category,
            "email": email,
            "phone": phone,
            "values": values,
            "collection": {
                "activity": activity,
                "channel": channel,
                "collected_at": received,
                "document_ref": document,
            },
        }
    )
    settings = terminal.settings()
    with terminal.session() as db:
        collected = imports.record(
            db,
            terminal.operator(),
            keystore.open_keys(settings),
            organisation_id=terminal.organisation_id(db, org),
            body=body,
        )
    result = {
        "subject_id": str(collected.subject.id),
        "created": collected.created,
        "changed": collected.changed,
    }
    if not terminal.emit(result, as_json=as_json):
        terminal.out.print(f"{'Created' if collected.created else 'Updated'} subject {collected.subject.id}")


def _pair(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise typer.BadParameter("use CATEGORY=VALUE", param_hint="--value")
    return key.strip(), value


@cli.command("import")
def import_file(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="CSV whose columns are data categories")
    ],
    activity: Annotated[str, typer.Option(help="the activity the list serves")],
    category: Annotated[str, typer.Option("--category", help="subject category, e.g. prospect")],
    source: Annotated[subjects.Source, typer.Option(help="who gave us the list")],
    source_name: Annotated[str, typer.Option(help="the partner's or aggregator's name")],
    encoding: Annotated[
        str | None,
        typer.Option(help="the file's encoding, e.g. cp1252 (default: UTF-8 if valid, else Windows-1252)"),
    ] = None,
    org: Org = None,
    as_json: Json = False,
) -> None:
    """Import a contact list, all or nothing; addresses on the exclusion list are dropped and counted.

    Separated by `;`, `,` or tabs; columns named by category key or by the register's label (EN/FR/NL)."""
    settings = terminal.settings()
    columns = (TextColumn("importing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with terminal.session() as db, Progress(*columns, console=terminal.err, transient=True) as progress:
        task = progress.add_task("import", total=None)
        result = imports.import_csv(
            db,
            terminal.operator(),
            keystore.open_keys(settings),
            organisation_id=terminal.organisation_id(db, org),
            text=file.read_bytes(),
            encoding=encoding,
            activity=activity,
            subject_category=category,
            source=source,
            source_name=source_name,
            progress=lambda done, total: progress.update(task, completed=done, total=total),
        )
    data = {"imported": result.imported, "created": result.created, "suppressed": result.suppressed}
    if not terminal.emit(data, as_json=as_json):
        terminal.out.print(json.dumps(data))


@cli.command("update-link")
def update_link(subject_id: uuid.UUID, org: Org = None) -> None:
    """A link for the person to see and correct their data (JSON: url, expires_in_days), as POST
    /api/subjects/{subject_id}/update-links; needs subjects:read as well, as the route does. The url is a
    bearer secret: it goes to standard output only (never to the audit log), for the person alone."""
    from lawful.errors import Forbidden

    from . import links
    from .schemas import UpdateLinkRead
    from .tokens import update_url

    settings = terminal.settings()
    keys = keystore.open_keys(settings)
    with terminal.session() as db:
        actor = terminal.operator()
        if not actor.can("subjects:read"):
            raise Forbidden("this staff member lacks the 'subjects:read' permission")
        subjects.get(db, subject_id=subject_id, organisation_id=terminal.organisation_id(db, org))
        link = links.create_update_link(db, actor, subject_id=subject_id)
        made = UpdateLinkRead(
            url=update_url(settings.base_url, keys, link.id), expires_in_days=links.UPDATE_LINK_DAYS
        )
    terminal.emit(made.model_dump(mode="json"), as_json=True)
