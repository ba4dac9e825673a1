"""`lawful register …`: schema, check, apply, versions, diff, the Art. 30 export and the site scan."""

import json
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

import typer
from rich.table import Table

from lawful import terminal

from . import service
from .document import Register
from .export import ExportFormat, export
from .rules import Problem
from .scan import DEFAULT_CHROMIUM
from .scan import scan_site as compare_site

cli = typer.Typer(help="The register of processing (Art. 30) as code.", no_args_is_help=True)
FileArg = Annotated[
    Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="register YAML file")
]
Json = Annotated[bool, typer.Option("--json", help="machine-readable output")]
Org = Annotated[str | None, typer.Option("--org", help="organisation slug (default: the only one)")]


@cli.command("schema")
def schema() -> None:
    """Print the JSON Schema of the register format."""
    typer.echo(json.dumps(Register.model_json_schema(), indent=2))


@cli.command("check")
def check(
    file: FileArg,
    against: Annotated[
        Path | None,
        typer.Option(
            help="the register in force (e.g. from the main branch): new purposes on data it holds need an Art. 6(4) assessment"
        ),
    ] = None,
    as_json: Json = False,
) -> None:
    """Report every problem with its path in the document; exit 1 when any is an error."""
    previous = None
    if against is not None:
        previous, earlier = service.check(against.read_text(encoding="utf-8"))
        if previous is None:
            _print_problems(earlier)
            raise typer.BadParameter("the register given with --against is not valid", param_hint="--against")
    register, problems = service.check(file.read_text(encoding="utf-8"), previous)
    if not terminal.emit(
        {"ok": register is not None, "problems": [vars(p) for p in problems]}, as_json=as_json
    ):
        _print_problems(problems)
        if register is not None:
            terminal.out.print(
                f"{file}: the register is valid ({len(register.activities)} activities)", style="green"
            )
    if register is None:
        raise typer.Exit(1)


def _print_problems(problems: list[Problem]) -> None:
    for problem in problems:
        colour = "red" if problem.severity == "error" else "yellow"
        terminal.err.print(f"{problem.severity} {problem}", style=colour)


@cli.command("apply")
def apply(
    file: FileArg,
    source: Annotated[str | None, typer.Option(help="e.g. a git commit")] = None,
    as_json: Json = False,
) -> None:
    """Store the register as a new version (audited, with its diff)."""
    with terminal.session() as db:
        version, created = service.apply(
            db, terminal.operator(), text=file.read_text(encoding="utf-8"), source=source or str(file)
        )
        result = {
            "number": version.number,
            "created": created,
            "changes": len(version.changes),
            "sha256": version.sha256,
        }
    if not terminal.emit(result, as_json=as_json):
        verb = "stored as version" if created else "unchanged; still version"
        terminal.out.print(f"Register {verb} {version.number} ({len(version.changes)} changes)")


@cli.command("versions")
def versions(org: Org = None, as_json: Json = False) -> None:
    """List the stored versions of the register."""
    with terminal.session() as db:
        organisation = service.get_organisation(db, slug=org)
        rows = [
            {
                "number": v.number,
                "applied_at": v.applied_at,
                "applied_by": v.applied_by,
                "source": v.source,
                "changes": len(v.changes),
            }
            for v in service.list_versions(db, organisation_id=organisation.id)
        ]
    if not terminal.emit(rows, as_json=as_json):
        table = Table("version", "applied at", "by", "source", "changes")
        for row in rows:
            table.add_row(*(str(row[k]) for k in ("number", "applied_at", "applied_by", "source", "changes")))
        terminal.out.print(table)


@cli.command("diff")
def diff(number: int, org: Org = None, as_json: Json = False) -> None:
    """What version NUMBER changed compared with the one before it."""
    with terminal.session() as db:
        organisation = service.get_organisation(db, slug=org)
        changes = service.get_version(db, organisation_id=organisation.id, number=number).changes
    if not terminal.emit(changes, as_json=as_json):
        for change in changes:
            terminal.out.print(f"{change['op']:8} {change['path']}")


@cli.command("show")
def show(number: int, org: Org = None, as_json: Json = False) -> None:
    """Version NUMBER as stored, as GET /api/register/versions/{number} answers it."""
    from .schemas import RegisterVersionDetail

    with terminal.session() as db:
        organisation = service.get_organisation(db, slug=org)
        version = service.get_version(db, organisation_id=organisation.id, number=number)
        data = RegisterVersionDetail.model_validate(version).model_dump(mode="json")
    if not terminal.emit(data, as_json=as_json):
        terminal.out.print(json.dumps(data, indent=2, ensure_ascii=False))


@cli.command("export")
def export_record(
    format: Annotated[ExportFormat, typer.Option("--format")] = ExportFormat.JSON,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="file to write (default: stdout)")
    ] = None,
    lang: Annotated[
        str | None, typer.Option(help="en, fr or nl (default: the authoritative language)")
    ] = None,
    version: Annotated[int | None, typer.Option(help="register version (default: current)")] = None,
    org: Org = None,
) -> None:
    """Write the Art. 30 record of processing as JSON, CSV, HTML or XLSX."""
    if lang is not None and lang not in ("en", "fr", "nl"):
        raise typer.BadParameter("use en, fr or nl", param_hint="--lang")
    with terminal.session() as db:
        organisation = service.get_organisation(db, slug=org)
        stored = service.get_version(db, organisation_id=organisation.id, number=version)
        register = service.register_of(stored)
    body = export(
        register, format, lang=lang or register.organisation.authoritative_language, version=stored.number
    )
    if output is not None:
        output.write_bytes(body)
        terminal.err.print(f"wrote {output} ({len(body)} bytes)")
    elif format is ExportFormat.XLSX:
        raise typer.BadParameter("XLSX is binary: give --output FILE", param_hint="--output")
    else:
        typer.echo(body.decode())


@cli.command("scan")
def scan_site(
    url: Annotated[str, typer.Argument(help="a page of the company's site, e.g. https://www.example.be/")],
    org: Org = None,
    accept_all: Annotated[
        bool, typer.Option("--accept-all", help="also press the banner's 'accept all' and look again")
    ] = False,
    chromium: Annotated[str, typer.Option(help="the Chromium to drive")] = DEFAULT_CHROMIUM,
    as_json: Json = False,
) -> None:
    """Visit URL in Chromium and compare its cookies, storage and third-party hosts with the register's
    trackers (R-23); exit 1 when the site uses one that the register, and so the cookie notice, lacks.
    Only addresses LAWFUL_OUTBOUND_ALLOW admits are visited, as for every call lawful makes."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise typer.BadParameter("give an http:// or https:// address", param_hint="URL")
    with terminal.session() as db:
        organisation = service.get_organisation(db, slug=org)
        rows = compare_site(
            db, organisation_id=organisation.id, url=url, accept_all=accept_all, chromium=chromium
        )
    missing = [row for row in rows if not row["registered"]]
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
    else:
        table = Table("kind", "name", "party", "in the register")
        for row in rows:
            table.add_row(row["kind"], row["name"], row["party"], "yes" if row["registered"] else "no")
        terminal.out.print(table)
    if missing:
        terminal.err.print(
            f"{len(missing)} tracker(s) not in the register: "
            + ", ".join(f"{row['kind']} {row['name']}" for row in missing),
            style="red",
        )
        raise typer.Exit(1)
    terminal.err.print(f"all {len(rows)} tracker(s) found are in the register")
