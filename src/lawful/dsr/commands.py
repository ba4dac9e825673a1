"""`lawful dsr …`: register a request from any channel, see the queue, carry requests out."""

import dataclasses
import json
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress
from rich.table import Table
from sqlalchemy.orm import Session

from lawful import keystore, staff, terminal, work
from lawful.actor import SYSTEM

from . import (
    case_commands,
    cases,
    deletions,
    fees,
    housekeeping,
    objections,
    service,
    staff_intake,
    steps,
    tombstones,
)
from .deletions import commands as deletion_commands
from .disclosures import commands as disclosure_commands
from .errors import RequestNotFound
from .letters import post
from .models import Request
from .notices import commands as notice_commands
from .schemas import postal_of

cli = typer.Typer(help="Rights requests (Art. 12-22).", no_args_is_help=True)


@cli.command("add")
def add(
    kinds: Annotated[str, typer.Option("--types", help="comma-separated: access,erasure,…")],
    channel: Annotated[str, typer.Option(help="email, post, phone, in_person, web_form")],
    email: Annotated[
        str | None, typer.Argument(help="omit for a request by post, phone or in person")
    ] = None,
    received: Annotated[str | None, typer.Option(help="real receipt time, ISO 8601 with offset")] = None,
    language: Annotated[str, typer.Option(help="en, fr or nl")] = "en",
    verified: Annotated[bool, typer.Option(help="identity already checked by staff")] = False,
    name: Annotated[str, typer.Option(help="the person's name, for letters")] = "",
    address: Annotated[str, typer.Option(help="postal address; lines separated by | or newlines")] = "",
    phone: Annotated[str | None, typer.Option(help="phone number, when no email")] = None,
    org: Annotated[str | None, typer.Option("--org")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Register a request with its real receipt time; the due date follows the Belgian calendar. Without
    an email (post, phone, in person) give --address or --phone: it is then answered by letter (R-43)."""
    try:
        received_at = datetime.fromisoformat(received) if received else None
    except ValueError as exc:
        raise typer.BadParameter("use ISO 8601 with an offset", param_hint="--received") from exc
    if received_at is not None and received_at.tzinfo is None:
        raise typer.BadParameter("give the time zone offset, e.g. +01:00", param_hint="--received")
    settings = terminal.settings()
    keys = keystore.open_keys(settings)
    with terminal.session() as db:
        made = staff_intake.register(
            db,
            terminal.operator(),
            keys,
            organisation_id=terminal.organisation_id(db, org),
            kinds=[k.strip() for k in kinds.split(",") if k.strip()],
            email=email,
            language=language,
            channel=channel,
            received_at=received_at,
            identity_verified=verified,
            base_url=settings.base_url,
            postal=postal_of(name, address.replace("|", "\n"), phone) if address or phone else None,
        )
        request = made.request
        result = {
            "id": str(request.id),
            "reference": request.reference,
            "due_on": request.due_on.isoformat(),
            "status": request.status,
            "kinds": request.kinds,
            **({"joined": made.joined.reference} if made.joined is not None else {}),
        }
    if not terminal.emit(result, as_json=as_json):
        terminal.out.print(json.dumps(result))


@cli.command("identify")
def identify(
    reference: str,
    doubt: Annotated[str, typer.Option(help="the reasonable doubt about who asks (R-46)")],
    ask: Annotated[str, typer.Option(help="what you ask for; never more than is held")],
) -> None:
    """Ask for more identification (R-47: within 5 working days of receipt); by letter when the request has
    no email or came on paper (print it with `lawful dsr letter`)."""
    settings = terminal.settings()
    keys = keystore.open_keys(settings)
    with terminal.session() as db:
        request = cases.ask_more_identification(
            db,
            terminal.operator(),
            keys,
            request_id=_by_reference(db, reference).id,
            doubt=doubt,
            asked=ask,
            pause_while_identity=settings.dsr_pause_while_identity,
        )
        due, reply = request.details["identification_due_on"], request.details["identification_reply_by"]
        letters = request.outcome.get("letters", [])
        terminal.out.print(
            f"{request.reference}: identification asked (due by {due}; answer asked by {reply})"
            + (f"; letter {letters[-1]['letter']}" if letters else "")
        )


@cli.command("identified")
def identified(
    reference: str,
    method: Annotated[str, typer.Option(help="how identity was checked, in a few words")],
) -> None:
    """Record that staff checked the person's identity (e.g. the answer to an identification letter)."""
    settings = terminal.settings()
    with terminal.session() as db:
        request = cases.confirm_identity(
            db,
            terminal.operator(),
            request_id=_by_reference(db, reference).id,
            method=method,
            pause_while_identity=settings.dsr_pause_while_identity,
        )
        terminal.out.print(f"{request.reference}: identity confirmed; {request.status}")


@cli.command("unidentified")
def unidentified(
    reference: str,
    why: Annotated[str, typer.Option(help="why identity could not be established")],
) -> None:
    """Close a request whose requester could not be identified, after more identification was asked (R-47)."""
    keys = keystore.open_keys(terminal.settings())
    with terminal.session() as db:
        request = cases.close_unidentified(
            db, terminal.operator(), keys, request_id=_by_reference(db, reference).id, why=why
        )
        terminal.out.print(f"{request.reference}: closed, unable to identify")


@cli.command("letter")
def letter(
    reference: str,
    out: Annotated[Path, typer.Option("--out", help="where to write the PDF")],
    name: Annotated[str | None, typer.Option(help="which letter (see --list); the latest by default")] = None,
    show: Annotated[bool, typer.Option("--list", help="list the request's letters instead")] = False,
) -> None:
    """Write a request's letter as a PDF to print (R-43, R-49)."""
    keys = keystore.open_keys(terminal.settings())
    with terminal.session() as db:
        request = _by_reference(db, reference)
        if show:
            for event in request.outcome.get("letters", []):
                terminal.out.print(f"{event['letter']}  {event['kind']}  {event['channel']}  {event['at']}")
            return
        wanted = name.removesuffix(".pdf").removesuffix(".html") + ".html" if name else None
        filename, body = post.pdf(db, keys, request, wanted)
    out.write_bytes(body)
    terminal.out.print(f"{filename} written to {out}")


def _by_reference(db: Session, reference: str) -> Request:
    found = fees.find_by_reference(db, reference=reference)
    if found is None:
        raise RequestNotFound(f"no request {reference}")
    return found


@cli.command("list")
def list_open(
    org: Annotated[str | None, typer.Option("--org")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Open requests, earliest due date first."""
    with terminal.session() as db:
        rows = [
            {"reference": r.reference, "kinds": r.kinds, "status": r.status, "due_on": r.due_on.isoformat()}
            for r in service.list_open(db, organisation_id=terminal.organisation_id(db, org))
        ]
    if not terminal.emit(rows, as_json=as_json):
        table = Table("reference", "rights", "status", "due")
        for row in rows:
            table.add_row(
                str(row["reference"]), ", ".join(row["kinds"]), str(row["status"]), str(row["due_on"])
            )
        terminal.out.print(table)


@cli.command("run")
def run() -> None:
    """Carry out every pending step now (what the worker does), committing after each."""
    settings = terminal.settings()
    keys = keystore.open_keys(settings)
    done = 0
    with terminal.session() as db:
        for request_id in steps.pending_requests(db):
            while steps.run_next(db, SYSTEM, keys, request_id=request_id, base_url=settings.base_url):
                work.checkpoint(db)  # each step durable on its own, as in the worker
                done += 1
    terminal.out.print(f"{done} step(s) done")


cli.add_typer(notice_commands.tasks_cli, name="tasks")  # recipients told by hand (Art. 19)
cli.command("complete")(notice_commands.complete)
cli.command("show")(case_commands.show)  # the API's reads and decisions on one request
cli.command("extend")(case_commands.extend)
cli.command("refuse")(case_commands.refuse)
cli.command("mandate")(case_commands.mandate)
cli.command("fee-show")(case_commands.fee_show)
cli.command("answer")(case_commands.answer)

tombstones_cli = typer.Typer(help="Erasures re-applied after a backup restore (R-59).", no_args_is_help=True)
cli.add_typer(tombstones_cli, name="tombstones")


@tombstones_cli.command("apply")
def apply_tombstones(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="say what would be erased")] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """After restoring the main database: erase again everyone erased since that backup (exit 1: dry run found some)."""
    settings = terminal.settings()
    keys = keystore.open_keys(settings)
    with terminal.session() as db, Progress(console=terminal.err, transient=True) as bar:
        task = bar.add_task("tombstones", total=None)
        found = tombstones.apply(
            db,
            terminal.operator(),
            keys,
            dry_run=dry_run,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    if not terminal.emit(found.summary(), as_json=as_json):
        verb = "would be" if dry_run else "were"
        terminal.out.print(
            f"{found.tombstones} tombstone(s): {found.subjects} person(s) {verb} erased again "
            f"({found.collections} collection(s), {found.exclusions} exclusion entr(ies) restored, "
            f"{found.messages} queued message(s) deleted)"
        )
    if found.found_some:
        raise typer.Exit(1)


@tombstones_cli.command("status")
def tombstone_status(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """How many erasures are remembered, the newest, and how long they are kept."""
    settings = terminal.settings()
    count, newest = tombstones.status(keystore.open_keys(settings))
    result = {
        "count": count,
        "newest": newest.isoformat() if newest else None,
        "kept_days": settings.backup_rotation_days,
    }
    if not terminal.emit(result, as_json=as_json):
        terminal.out.print(
            f"{count} tombstone(s); newest {result['newest'] or 'none'}; "
            f"kept {settings.backup_rotation_days} days (LAWFUL_BACKUP_ROTATION_DAYS)"
        )


@tombstones_cli.command("sweep")
def sweep_tombstones(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Drop the tombstones older than the backup rotation: no backup that needs them is left."""
    settings = terminal.settings()
    keys = keystore.open_keys(settings)
    with terminal.session() as db:
        dropped = tombstones.sweep_recorded(
            db, terminal.operator(), keys, rotation_days=settings.backup_rotation_days
        )
    if not terminal.emit({"dropped": dropped}, as_json=as_json):
        terminal.out.print(f"{dropped} tombstone(s) dropped")


@cli.command("sweep")
def sweep(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Delete what requests leave behind (R-81, R-82): answers a day after their link expired, used or
    expired codes, closed requests past the register's organisation.records.rights_requests. Hourly too."""
    keys = keystore.open_keys(terminal.settings())
    with terminal.session() as db:
        swept = housekeeping.sweep(db, terminal.operator(), keys)
    if not terminal.emit(dataclasses.asdict(swept), as_json=as_json):
        terminal.out.print(
            f"{swept.answer_parts} answer part(s), {swept.codes} code(s) and {swept.requests} closed "
            f"request(s) deleted; {swept.package_keys} package key(s) destroyed"
        )


@cli.command("fee")
def decide_fee(
    reference: str,
    decision: Annotated[str, typer.Argument(help="paid, waived or declined")],
    note: Annotated[str | None, typer.Option(help="payment reference, why waived, or how declined")] = None,
) -> None:
    """Record that a further copy's fee was paid or waive it (the request goes ahead), or that it was declined."""
    keys = keystore.open_keys(terminal.settings())
    with terminal.session() as db:
        found = fees.find_by_reference(db, reference=reference)
        if found is None:
            raise RequestNotFound(f"no request {reference}")
        request = fees.decide(
            db, terminal.operator(), keys, request_id=found.id, decision=decision, note=note
        )
        terminal.out.print(f"{request.reference}: fee {decision}; {request.status}")


OUTCOMES = {"uphold": "upheld", "reject": "rejected"}


@cli.command("objection")
def decide_objection(
    reference: str,
    decision: Annotated[str, typer.Argument(help="uphold or reject")],
    grounds: Annotated[str | None, typer.Option(help="the compelling legitimate grounds (to reject)")] = None,
) -> None:
    """Decide an objection to legitimate interests: the person is told, then the restriction is lifted (R-67)."""
    if decision not in OUTCOMES:
        raise typer.BadParameter("use uphold or reject", param_hint="DECISION")
    settings = terminal.settings()
    keys = keystore.open_keys(settings)
    with terminal.session() as db:
        found = fees.find_by_reference(db, reference=reference)
        if found is None:
            raise RequestNotFound(f"no request {reference}")
        request = objections.decide(
            db, terminal.operator(), keys, request_id=found.id, outcome=OUTCOMES[decision], grounds=grounds
        )
        deletions.tasks.kick(db)
        terminal.out.print(f"{request.reference}: objection {OUTCOMES[decision]}")
        if "automatic_erasure" in request.outcome:
            terminal.out.print("its data are scheduled for deletion: lawful dsr deletions list")


@cli.command("assign")
def assign(
    reference: str,
    email: Annotated[str | None, typer.Argument(help="the staff member's email; omit to unassign")] = None,
) -> None:
    """Give a request (or a complaint, a question) an owner among the staff (R-45, R-70)."""
    with terminal.session() as db:
        found = fees.find_by_reference(db, reference=reference)
        if found is None:
            raise RequestNotFound(f"no request {reference}")
        member = staff.find_by_email(db, email=email) if email else None
        if email and member is None:
            raise staff.StaffNotFound("no staff member with that email")
        request = cases.assign(
            db, terminal.operator(), request_id=found.id, staff_id=member.id if member else None
        )
        terminal.out.print(f"{request.reference}: {'assigned' if member else 'unassigned'}")


cli.add_typer(deletion_commands.cli, name="deletions")
cli.add_typer(disclosure_commands.cli, name="disclosures")
