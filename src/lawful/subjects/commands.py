"""`lawful subjects …` flags: legal holds, restrictions, the child flag, pending Art. 14 notices."""

import uuid
from datetime import date, datetime
from typing import Annotated, Any

import typer
from rich.table import Table

from lawful import clock, i18n, terminal

from . import limits, reading, rules
from .schemas import RestrictionGround

cli = typer.Typer(help="Flags that limit the use of a person's data.", no_args_is_help=True)
Org = Annotated[str | None, typer.Option("--org", help="organisation slug (default: the only one)")]
Json = Annotated[bool, typer.Option("--json", help="machine-readable output")]


def _date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise typer.BadParameter("use YYYY-MM-DD", param_hint=option) from exc


@cli.command("hold")
def hold(
    subject_id: uuid.UUID,
    case: Annotated[str, typer.Option(help="case reference")],
    reason: Annotated[str, typer.Option(help="why the data must be kept")],
    purpose: Annotated[str, typer.Option(help="the activity the held data may serve")],
    review: Annotated[str, typer.Option(help="review date, YYYY-MM-DD")],
) -> None:
    """Place a legal hold (R-79): kept beyond retention, for that case only."""
    with terminal.session() as db:
        row = limits.place_hold(
            db,
            terminal.operator(),
            subject_id=subject_id,
            case_ref=case,
            reason=reason,
            purpose=purpose,
            review_on=_date(review, "--review"),
        )
    terminal.out.print(f"legal hold {row.id} placed until review on {row.review_on}")


@cli.command("restrict")
def restrict(
    subject_id: uuid.UUID,
    ground: Annotated[RestrictionGround, typer.Option(help="Art. 18(1) ground")],
    reason: Annotated[str, typer.Option(help="why")],
    activity: Annotated[str | None, typer.Option(help="one activity only (default: all)")] = None,
) -> None:
    """Restrict processing (Art. 18): storage only, enforced by the purpose gate."""
    with terminal.session() as db:
        row = limits.restrict(
            db, terminal.operator(), subject_id=subject_id, ground=ground, reason=reason, activity=activity
        )
    terminal.out.print(f"restriction {row.id} in force")


@cli.command("lift-restriction")
def lift_restriction(
    restriction_id: uuid.UUID,
    informed_at: Annotated[str, typer.Option(help="when the person was told, ISO 8601 with offset")],
) -> None:
    """Lift a restriction; Art. 18(3) requires telling the person first."""
    try:
        told = datetime.fromisoformat(informed_at)
    except ValueError as exc:
        raise typer.BadParameter("use an ISO 8601 time with offset", param_hint="--informed-at") from exc
    with terminal.session() as db:
        limits.lift_restriction(db, terminal.operator(), restriction_id=restriction_id, informed_at=told)
    terminal.out.print("restriction lifted")


@cli.command("lift-hold")
def lift_hold(hold_id: uuid.UUID) -> None:
    """Lift a legal hold (R-79) whose case is over: retention applies again. `flags holds` lists the ids."""
    with terminal.session() as db:
        row = limits.lift_hold(db, terminal.operator(), hold_id=hold_id)
    terminal.out.print(f"legal hold {row.id} lifted")


@cli.command("history")
def history(subject_id: uuid.UUID, org: Org = None) -> None:
    """Where each datum of a person came from and under which notice version (JSON, no values; R-118),
    as GET /api/subjects/{subject_id}/history."""
    from . import service
    from .schemas import CollectionRead

    with terminal.session() as db:
        service.get(db, subject_id=subject_id, organisation_id=terminal.organisation_id(db, org))
        rows = [
            CollectionRead.model_validate(c).model_dump(mode="json")
            for c in reading.history(db, subject_id=subject_id)
        ]
    terminal.emit(rows, as_json=True)


@cli.command("flag-child")
def flag_child(subject_id: uuid.UUID) -> None:
    """R-110: stop marketing and profiling for a person found to be under the digital-consent age."""
    with terminal.session() as db:
        limits.flag_child(db, terminal.operator(), subject_id=subject_id)
    terminal.out.print(i18n.t("children.stopped", "en"))


@cli.command("art14-pending")
def art14_pending(
    by: Annotated[str | None, typer.Option(help="due by YYYY-MM-DD (default today)")] = None,
    org: Org = None,
    as_json: Json = False,
) -> None:
    """People whose data came from someone else and who are still owed the Art. 14 notice; exit 1 if any."""
    due_by = _date(by, "--by") if by else clock.today()
    with terminal.session() as db:
        pending = reading.art14_pending(db, organisation_id=terminal.organisation_id(db, org), due_by=due_by)
        rows = [{"subject_id": str(s.id), "due": s.art14_due} for s in pending]
    if not terminal.emit(rows, as_json=as_json):
        table = Table("subject", "notice due")
        for row in rows:
            table.add_row(str(row["subject_id"]), str(row["due"]))
        terminal.out.print(table)
    if rows:
        raise typer.Exit(1)


@cli.command("holds")
def holds(
    overdue: Annotated[bool, typer.Option("--overdue", help="only those past their review date")] = False,
    today: Annotated[str | None, typer.Option("--today", help="as on YYYY-MM-DD (default today)")] = None,
    org: Org = None,
    as_json: Json = False,
) -> None:
    """Legal holds in force (R-79); with --overdue, those past their review date (still holding); exit 1 if any."""
    day = _date(today, "--today") if today else clock.today()
    with terminal.session() as db:
        found = limits.holds(
            db, organisation_id=terminal.organisation_id(db, org), today=day, overdue=overdue
        )
        rows: list[dict[str, Any]] = [
            {
                "id": str(h.id),
                "subject_id": str(h.subject_id),
                "case_ref": h.case_ref,
                "purpose": h.purpose,
                "review_on": h.review_on.isoformat(),
                "overdue": rules.hold_overdue(h, day),
            }
            for h in found
        ]
    if not terminal.emit(rows, as_json=as_json):
        table = Table("hold", "subject", "case", "may serve", "review on", "")
        for row in rows:
            flag = "review overdue" if row["overdue"] else ""
            table.add_row(
                row["id"], row["subject_id"], row["case_ref"], row["purpose"], row["review_on"], flag
            )
        terminal.out.print(table)
    if overdue and rows:
        raise typer.Exit(1)
