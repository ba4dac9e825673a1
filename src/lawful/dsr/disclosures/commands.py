"""`lawful dsr disclosures …`: requests of authorities and legal recipients, approved, then carried out (R-89)."""

import json
import uuid
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.table import Table
from sqlalchemy.orm import Session

from lawful import keystore, terminal

from . import service
from .models import Disclosure
from .rules import RequesterKind

cli = typer.Typer(help="Disclosures to authorities and legal recipients (R-89).", no_args_is_help=True)
STATUSES = ("requested", "approved", "disclosed")


@cli.command("create")
def create(
    kind: Annotated[str, typer.Option("--kind", help=", ".join(RequesterKind))],
    legal_basis: Annotated[str, typer.Option("--legal-basis", help="the law or order relied on")],
    subject: Annotated[list[str], typer.Option("--subject", help="a person's id; repeat for several")],
    category: Annotated[list[str], typer.Option("--category", help="a data category; repeat for several")],
    received: Annotated[str, typer.Option("--received", help="the day it arrived, YYYY-MM-DD")],
    recipient: Annotated[str | None, typer.Option("--recipient", help="the register's recipient key")] = None,
    requester: Annotated[
        str | None, typer.Option("--requester", help="its name, if not the register's")
    ] = None,
    reference: Annotated[
        str | None, typer.Option("--reference", help="e.g. the judicial order number")
    ] = None,
    prohibition: Annotated[
        str | None, typer.Option("--prohibition", help="the reference of a legal bar to telling the person")
    ] = None,
    org: Annotated[str | None, typer.Option("--org")] = None,
) -> None:
    """Record an authority's request; refused, naming each field, when something is missing or unknown."""
    try:
        received_on = date.fromisoformat(received)
    except ValueError as exc:
        raise typer.BadParameter("use YYYY-MM-DD", param_hint="--received") from exc
    try:
        people = [uuid.UUID(s) for s in subject]
    except ValueError as exc:
        raise typer.BadParameter("a person's id is a UUID", param_hint="--subject") from exc
    with terminal.session() as db:
        row = service.create(
            db,
            terminal.operator(),
            organisation_id=terminal.organisation_id(db, org),
            requester_kind=kind,
            requester=requester,
            recipient=recipient,
            legal_basis=legal_basis,
            reference=reference,
            subject_ids=people,
            categories=category,
            received_on=received_on,
            prohibited=prohibition is not None,
            prohibition_ref=prohibition,
        )
        terminal.out.print(f"disclosure {row.id} recorded: {row.status}; approve it before disclosing")


@cli.command("approve")
def approve(
    disclosure_id: Annotated[str, typer.Argument(help="the id, or the first characters `list` shows")],
    org: Annotated[str | None, typer.Option("--org")] = None,
) -> None:
    """Approve a request, as a legal or privacy role."""
    with terminal.session() as db:
        row = service.approve(db, terminal.operator(), disclosure_id=_one(db, org, disclosure_id).id)
        terminal.out.print(f"disclosure {row.id}: {row.status} by {row.approved_by}")


@cli.command("disclose")
def disclose(
    disclosure_id: Annotated[str, typer.Argument(help="the id, or the first characters `list` shows")],
    out: Annotated[
        Path | None, typer.Option("--out", help="write the disclosed values there (JSON) for the requester")
    ] = None,
    org: Annotated[str | None, typer.Option("--org")] = None,
) -> None:
    """Carry out an approved request with the minimum data; the log keeps categories only."""
    keys = keystore.open_keys(terminal.settings())
    with terminal.session() as db:
        done = service.disclose(db, terminal.operator(), keys, disclosure_id=_one(db, org, disclosure_id).id)
    # the file is written once the log is committed: no data leave without their record
    row = done.disclosure
    if out is not None:
        values = {str(k): v for k, v in done.data.items()}
        out.write_text(json.dumps(values, indent=2, ensure_ascii=False), encoding="utf-8")
    terminal.out.print(f"disclosure {row.id}: disclosed {', '.join(row.disclosed_categories) or 'nothing'}")
    for refused in row.refused:
        terminal.out.print(f"  not disclosed: {refused['category']} ({refused['reason']})")
    if out is not None:
        terminal.out.print(f"the values are in {out}")


@cli.command("lift-prohibition")
def lift_prohibition(
    disclosure_id: Annotated[str, typer.Argument(help="the id, or the first characters `list` shows")],
    org: Annotated[str | None, typer.Option("--org")] = None,
) -> None:
    """The legal bar to telling the person ended: a disclosure made is told to them now."""
    keys = keystore.open_keys(terminal.settings())
    with terminal.session() as db:
        row = service.lift_prohibition(
            db, terminal.operator(), keys, disclosure_id=_one(db, org, disclosure_id).id
        )
        terminal.out.print(f"disclosure {row.id}: prohibition lifted")


@cli.command("list")
def list_disclosures(
    status: Annotated[str | None, typer.Option(help=", ".join(STATUSES))] = None,
    org: Annotated[str | None, typer.Option("--org")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """The disclosure log, newest first: who asked, on which basis, and what went (categories only)."""
    if status is not None and status not in STATUSES:
        raise typer.BadParameter(f"use {', '.join(STATUSES)}", param_hint="--status")
    with terminal.session() as db:
        found = service.list_disclosures(db, organisation_id=terminal.organisation_id(db, org), status=status)
        people = service.people_of(db, disclosure_ids=[d.id for d in found])
        rows = [_row(d, [str(p.subject_id) for p in people[d.id]]) for d in found]
    if terminal.emit(rows, as_json=as_json):
        return
    table = Table("id", "requester", "basis", "people", "status", "disclosed", "told", box=box.SIMPLE_HEAD)
    for row in rows:
        table.add_row(
            row["id"][:8],
            f"{row['requester']} ({row['requester_kind']})",
            row["legal_basis"][:40],
            str(len(row["subject_ids"])),
            row["status"],
            ", ".join(row["disclosed_categories"]) or "—",
            "prohibited" if row["prohibition_in_force"] else "yes" if row["disclosed_at"] else "—",
        )
    terminal.out.print(table)


@cli.command("show")
def show(
    disclosure_id: Annotated[str, typer.Argument(help="the id, or the first characters `list` shows")],
    org: Annotated[str | None, typer.Option("--org")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """One entry of the log, as GET /api/dsr/disclosures/{id} answers it (categories only)."""
    with terminal.session() as db:
        organisation_id = terminal.organisation_id(db, org)
        row = service.get(db, disclosure_id=_one(db, org, disclosure_id).id, organisation_id=organisation_id)
        people = service.people_of(db, disclosure_ids=[row.id])
        data = _row(row, [str(p.subject_id) for p in people[row.id]])
    if not terminal.emit(data, as_json=as_json):
        terminal.out.print(json.dumps(data, indent=2, ensure_ascii=False))


def _row(d: Disclosure, subject_ids: list[str]) -> dict[str, Any]:
    return {
        "id": str(d.id),
        "status": d.status,
        "requester_kind": d.requester_kind,
        "requester": d.requester,
        "recipient": d.recipient,
        "legal_basis": d.legal_basis,
        "reference": d.reference,
        "received_on": d.received_on.isoformat(),
        "subject_ids": subject_ids,
        "categories": d.categories,
        "disclosed_at": d.disclosed_at.isoformat() if d.disclosed_at else None,
        "disclosed_categories": d.disclosed_categories,
        "refused": d.refused,
        "prohibition_in_force": d.prohibition_ref is not None and d.prohibition_lifted_at is None,
    }


def _one(db: Session, org: str | None, wanted: str) -> Disclosure:
    prefix = wanted.strip().lower()
    if not prefix or any(c not in "0123456789abcdef-" for c in prefix):
        raise typer.BadParameter("not a disclosure id", param_hint="DISCLOSURE_ID")
    found = service.find(db, organisation_id=terminal.organisation_id(db, org), prefix=prefix)
    if len(found) != 1:
        raise typer.BadParameter(
            "no such disclosure" if not found else "several disclosures start so", param_hint="DISCLOSURE_ID"
        )
    return found[0]
