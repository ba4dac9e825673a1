"""`lawful decide export …`: bulk exports of personal data for a declared purpose (R-91), as /api/exports
does them (R-123): each command calls the service function its route calls, under the same permission."""

import dataclasses
import json
import os
import uuid
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.orm import Session

from lawful import keystore, terminal
from lawful.actor import Actor

from . import exports
from .models import Export
from .schemas import ExportRead

cli = typer.Typer(help="Bulk exports for a declared purpose, with approval above the threshold (R-91).")
Org = Annotated[str | None, typer.Option("--org", help="organisation slug (default: the only one)")]


def _acting(db: Session, org: str | None) -> tuple[Actor, uuid.UUID]:
    """The staff member of `--as` (in their organisation), or the operator acting in the one named, as an
    API key acts in its own: the export's service functions look the export up in the actor's."""
    actor = terminal.operator()
    if actor.organisation_id is None:
        actor = dataclasses.replace(actor, organisation_id=terminal.organisation_id(db, org))
    assert actor.organisation_id is not None
    return actor, actor.organisation_id


def _actor(db: Session, org: str | None) -> Actor:
    return _acting(db, org)[0]


def _emit(export: Export) -> None:
    terminal.emit(ExportRead.model_validate(export).model_dump(mode="json"), as_json=True)


@cli.command("request")
def request(
    purpose: Annotated[str, typer.Option(help="the declared purpose (an activity of the register)")],
    field: Annotated[
        list[str] | None, typer.Option("--field", help="a data category (default: the purpose's)")
    ] = None,
    category: Annotated[str | None, typer.Option("--category", help="only people of this category")] = None,
    org: Org = None,
) -> None:
    """Ask for an export (JSON), as POST /api/exports: built now, or waiting for the privacy officer's
    approval above the threshold."""
    settings = terminal.settings()
    keys = keystore.open_keys(settings)
    with terminal.session() as db:
        actor, organisation_id = _acting(db, org)
        export = exports.request(
            db,
            actor,
            keys,
            organisation_id=organisation_id,
            purpose=purpose,
            fields=field or [],
            subject_category=category,
            approval_threshold=settings.export_approval_threshold,
        )
        _emit(export)


@cli.command("show")
def show(export_id: uuid.UUID, org: Org = None) -> None:
    """An export's state (JSON), as GET /api/exports/{export_id}."""
    with terminal.session() as db:
        _emit(exports.get(db, export_id=export_id, organisation_id=_acting(db, org)[1]))


@cli.command("approve")
def approve(export_id: uuid.UUID, org: Org = None) -> None:
    """Approve a large export (the privacy officer, not its requester; JSON), as POST …/approval."""
    keys = keystore.open_keys(terminal.settings())
    with terminal.session() as db:
        _emit(exports.approve(db, _actor(db, org), keys, export_id=export_id))


@cli.command("file")
def file(
    export_id: uuid.UUID,
    out: Annotated[Path, typer.Option("--out", dir_okay=False, help="where to write the CSV (made private)")],
    org: Org = None,
) -> None:
    """Write the export's CSV to --out (mode 0600; never to the terminal: it is personal data), as
    GET /api/exports/{export_id}/file. Each download is audited."""
    keys = keystore.open_keys(terminal.settings())
    with terminal.session() as db:
        body = exports.download(db, _actor(db, org), keys, export_id=export_id)
        descriptor = os.open(
            out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600
        )  # the audit rolls back if this fails
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(body)
    terminal.out.print(json.dumps({"export_id": str(export_id), "written": str(out), "bytes": len(body)}))
