"""`lawful clients register`: the Art. 30(2) record as JSON, CSV, HTML or XLSX (R-105)."""

from pathlib import Path
from typing import Annotated

import typer

from lawful import processing, terminal

from .files import write
from .service import processor_record


def register(
    format: Annotated[processing.ExportFormat, typer.Option("--format")] = processing.ExportFormat.JSON,
    client: Annotated[str | None, typer.Option("--client", help="one client (default: all)")] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="file to write (default: stdout)")
    ] = None,
    lang: Annotated[str | None, typer.Option(help="en, fr or nl")] = None,
    org: Annotated[str | None, typer.Option("--org", help="organisation slug")] = None,
) -> None:
    """Write the record of processing carried out as a processor (Art. 30(2)), for all clients or one."""
    if lang is not None and lang not in ("en", "fr", "nl"):
        raise typer.BadParameter("use en, fr or nl", param_hint="--lang")
    if output is None and format is processing.ExportFormat.XLSX:
        raise typer.BadParameter("XLSX is binary: give --output FILE", param_hint="--output")
    with terminal.session() as db:
        _, _, data = processor_record(
            db,
            terminal.operator(),
            organisation_id=terminal.organisation_id(db, org),
            client=client,
            lang=lang,
        )
    body = write(data, format)
    if output is not None:
        output.write_bytes(body)
        terminal.err.print(f"wrote {output} ({len(body)} bytes)")
    else:
        typer.echo(body.decode())
