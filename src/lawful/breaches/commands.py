"""`lawful breaches …` (also `lawful breach …`): open a case, keep the register, run the clock's alerts
and the detectors."""

from datetime import datetime
from typing import Annotated, Any, TypeVar

import typer
from pydantic import BaseModel, ValidationError
from rich.table import Table

from lawful import clock, keystore, terminal
from lawful.actor import SYSTEM, Actor, ActorKind

from . import alerts, detectors, rules, service
from .schemas import (
    MAX_COUNT,
    AlertSent,
    AssessmentCreate,
    BreachCreate,
    BreachRead,
    DecisionCreate,
    Detected,
    read,
)

cli = typer.Typer(
    help="Personal-data breaches (Art. 33-34): the register and the 72-hour clock.", no_args_is_help=True
)
Org = Annotated[str | None, typer.Option("--org", help="the organisation's slug (default: the only one)")]
Json = Annotated[bool, typer.Option("--json", help="machine-readable output")]
At = Annotated[str | None, typer.Option(help="ISO 8601 with its offset, e.g. 2026-05-01T10:00+02:00")]
Listed = Annotated[str, typer.Option(help="comma-separated")]
M = TypeVar("M", bound=BaseModel)


def _valid(model: type[M], **values: Any) -> M:
    """The same input schema as the API; a wrong field is named, nothing is written, exit 1."""
    try:
        return model.model_validate({k: v for k, v in values.items() if v is not None})
    except ValidationError as exc:
        terminal.err.print(
            "error (invalid_input): " + ", ".join(_where(e["loc"]) for e in exc.errors()), style="red"
        )
        for error in exc.errors():
            terminal.err.print(f"  - {_where(error['loc'])}: {error['msg']}")
        raise typer.Exit(1) from None


def _where(loc: tuple[Any, ...]) -> str:
    return "--" + str(loc[0]).replace("_", "-") if loc else "input"


def _names(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _counts(text: str) -> list[dict[str, Any]]:
    """`user.contact.email:2000,user.name` → categories with their approximate numbers."""
    found = []
    for part in _names(text):
        key, _, approx = part.partition(":")
        found.append({"key": key.strip(), "approx": approx.strip() or None})
    return found


def _brussels(instant: datetime) -> str:
    return instant.astimezone(clock.BRUSSELS).isoformat(timespec="minutes")


def _left(breach: Any) -> str:
    left = rules.time_left(breach.aware_at, clock.now())
    minutes = int(left.total_seconds() // 60)
    return f"{'-' if minutes < 0 else ''}{abs(minutes) // 60} h {abs(minutes) % 60:02d} min"


@cli.command("open")
def open_case(
    aware_at: Annotated[
        str | None, typer.Option(help="when the organisation became aware (starts the clock)")
    ] = None,
    title: Annotated[str, typer.Option(help="default: the summary's first line")] = "",
    summary: Annotated[str, typer.Option(help="what happened, as far as known")] = "",
    occurred_at: At = None,
    detected_at: At = None,
    nature: Listed = "",
    data_categories: Annotated[str, typer.Option(help="key[:approx],… e.g. user.contact.email:2000")] = "",
    subject_categories: Annotated[str, typer.Option(help="key[:approx],… e.g. customer:2000")] = "",
    approx_subjects: Annotated[int | None, typer.Option(min=0, max=MAX_COUNT)] = None,
    approx_records: Annotated[int | None, typer.Option(min=0, max=MAX_COUNT)] = None,
    systems: Listed = "",
    datastores: Listed = "",
    recipients: Listed = "",
    consequences: Annotated[str | None, typer.Option()] = None,
    measures_taken: Annotated[str | None, typer.Option()] = None,
    measures_proposed: Annotated[str | None, typer.Option()] = None,
    client: Annotated[str | None, typer.Option(help="the client controller whose data are concerned")] = None,
    org: Org = None,
    as_json: Json = False,
) -> None:
    """R-93: open a case; the authority deadline is awareness + 72 hours, weekends and holidays included."""
    facts = _valid(
        BreachCreate,
        title=title,
        summary=summary,
        aware_at=aware_at,
        occurred_at=occurred_at,
        detected_at=detected_at,
        nature=_names(nature),
        data_categories=_counts(data_categories),
        subject_categories=_counts(subject_categories),
        approx_subjects=approx_subjects,
        approx_records=approx_records,
        systems=_names(systems),
        datastores=_names(datastores),
        recipients=_names(recipients),
        consequences=consequences,
        measures_taken=measures_taken,
        measures_proposed=measures_proposed,
        client_controller=client,
    )
    with terminal.session() as db:
        breach = service.open_case(
            db, terminal.operator(), organisation_id=terminal.organisation_id(db, org), facts=facts
        )
        result = {
            "reference": breach.reference,
            "deadline": _brussels(breach.deadline_at),
            "status": breach.status,
        }
    if not terminal.emit(result, as_json=as_json):
        terminal.out.print(
            f"{result['reference']} opened; the authority deadline is {result['deadline']} (Brussels)"
        )


@cli.command("list")
def list_cases(
    status: Annotated[rules.Status | None, typer.Option()] = None, org: Org = None, as_json: Json = False
) -> None:
    """R-94: the register, every case notified or not, the newest first."""
    with terminal.session() as db:
        found = service.list_cases(db, organisation_id=terminal.organisation_id(db, org), status=status)
        rows = [
            {
                "reference": b.reference,
                "title": b.title,
                "status": b.status,
                "risk": b.risk,
                "aware_at": _brussels(b.aware_at),
                "deadline": _brussels(b.deadline_at),
                "left": _left(b) if b.status != rules.Status.CLOSED else None,
                "reported_by": b.reported_by_kind,
            }
            for b in found
        ]
    if not terminal.emit(rows, as_json=as_json):
        table = Table(
            "case", "title", "status", "risk", "aware (Brussels)", "deadline", "left", "reported by"
        )
        for row in rows:
            table.add_row(*(str(row[k] or "—") for k in row))
        terminal.out.print(table)


@cli.command("show")
def show(reference: str, org: Org = None, as_json: Json = False) -> None:
    """A case with its facts, timeline, notes and decisions."""
    with terminal.session() as db:
        breach = service.get(db, organisation_id=terminal.organisation_id(db, org), reference=reference)
        shown = read(service.case(db, breach=breach))
        left = _left(breach)
    if terminal.emit(shown.model_dump(mode="json"), as_json=as_json):
        return
    _print_case(shown, left)


def _print_case(shown: BreachRead, left: str) -> None:
    out = terminal.out
    out.print(f"{shown.reference}: {shown.title} [{shown.status}]")
    out.print(f"aware {_brussels(shown.aware_at)} · deadline {_brussels(shown.deadline_at)} · left {left}")
    out.print(
        f"risk: {shown.risk or 'not assessed'}"
        + (f" ({shown.risk_rationale})" if shown.risk_rationale else "")
    )
    for note in shown.notes:
        out.print(f"note {_brussels(note.at)} {note.author}: {note.text}")
    for d in shown.decisions:
        verb = "notify" if d.notify else "do not notify"
        out.print(f"decision {_brussels(d.decided_at)} {d.phase}: {verb} {d.audience}: {d.reasons}")


@cli.command("note")
def note(reference: str, text: str, org: Org = None) -> None:
    """R-93: a step of the investigation into the cause."""
    with terminal.session() as db:
        organisation_id = terminal.organisation_id(db, org)
        service.add_note(
            db, terminal.operator(), organisation_id=organisation_id, reference=reference, text=text
        )
    terminal.out.print(f"{reference.upper()}: note added")


@cli.command("assess")
def assess(
    reference: str,
    risk: Annotated[str, typer.Option(help="unlikely, risk or high")],
    rationale: Annotated[str, typer.Option(help="why this level")],
    org: Org = None,
) -> None:
    """Art. 33(1), 34(1): the risk to people, with its rationale."""
    assessment = _valid(AssessmentCreate, risk=risk, rationale=rationale)
    with terminal.session() as db:
        breach = service.assess(
            db,
            terminal.operator(),
            organisation_id=terminal.organisation_id(db, org),
            reference=reference,
            risk=assessment.risk,
            rationale=assessment.rationale,
        )
        needs = rules.obligations(assessment.risk)
    terminal.out.print(
        f"{breach.reference}: assessed {breach.risk}; authority: {'notify' if needs.authority else 'not required'};"
        f" people: {'tell them' if needs.people else 'not required'}"
    )


@cli.command("decide")
def decide(
    reference: str,
    audience: Annotated[str, typer.Option(help="authority, people or client")],
    notify: Annotated[bool, typer.Option("--notify/--no-notify", help="the decision")],
    reasons: Annotated[str, typer.Option(help="why (always required, T-26)")] = "",
    phase: Annotated[str, typer.Option(help="initial or follow_up")] = "initial",
    late_reason: Annotated[str | None, typer.Option(help="after 72 hours: the reason for the delay")] = None,
    exemption: Annotated[str | None, typer.Option(help="Art. 34(3): 34(3)(a), 34(3)(b) or 34(3)(c)")] = None,
    public_notice_url: Annotated[str | None, typer.Option()] = None,
    at: At = None,
    org: Org = None,
) -> None:
    """Art. 33(5): record a decision to notify or not, with its reasons."""
    decision = _valid(
        DecisionCreate,
        audience=audience,
        notify=notify,
        reasons=reasons or None,
        phase=phase,
        late_reason=late_reason,
        exemption=exemption,
        public_notice_url=public_notice_url,
        decided_at=at,
    )
    with terminal.session() as db:
        made = service.decide(
            db,
            terminal.operator(),
            organisation_id=terminal.organisation_id(db, org),
            reference=reference,
            decision=decision,
        )
        verb = "notify" if made.notify else "not notify"
    terminal.out.print(f"{reference.upper()}: decided to {verb} the {made.audience} ({made.phase})")


@cli.command("close")
def close(reference: str, org: Org = None) -> None:
    """R-94: close a case with its assessment and decisions; it stays in the register."""
    with terminal.session() as db:
        breach = service.close(
            db, terminal.operator(), organisation_id=terminal.organisation_id(db, org), reference=reference
        )
    terminal.out.print(f"{breach.reference}: closed")


@cli.command("alerts")
def send_alerts(as_json: Json = False) -> None:
    """Send the clock's alerts due now (+24/+48/+66 h) to the privacy officers, each once (as the job does)."""
    settings = terminal.settings()
    keys = keystore.open_keys(settings)
    with terminal.session() as db:
        sent = alerts.send_alerts(db, _runner(), keys, now=clock.now(), base_url=settings.base_url)
        rows = [AlertSent(reference=a.reference, hours=a.threshold_hours, officers=a.officers) for a in sent]
    if not terminal.emit([r.model_dump(mode="json") for r in rows], as_json=as_json):
        for row in rows:
            terminal.out.print(f"{row.reference}: {row.hours} h alert sent to {row.officers} officer(s)")
        terminal.out.print(f"{len(rows)} alert(s) sent")


@cli.command("detect")
def detect(
    only: Annotated[str | None, typer.Option(help=", ".join(detectors.DETECTORS))] = None,
    as_json: Json = False,
) -> None:
    """Run the detectors now (as the job does): each signal opens one case, reported by lawful itself."""
    if only is not None and only not in detectors.DETECTORS:
        raise typer.BadParameter(f"one of {', '.join(detectors.DETECTORS)}", param_hint="--only")
    keys = keystore.open_keys(terminal.settings())
    with terminal.session() as db:
        found = detectors.detect(db, _runner(), keys, now=clock.now(), only=[only] if only else None)
        rows = [Detected.model_validate(b) for b in found]
    if not terminal.emit([r.model_dump(mode="json") for r in rows], as_json=as_json):
        for row in rows:
            terminal.out.print(f"{row.reference}: {row.title} ({row.detector})")
        terminal.out.print(f"{len(rows)} signal(s)")


def _runner() -> Actor:
    """Who runs a job from the shell: the system, as the worker does, for the operator; the staff member
    with `--as` (whose session sees their organisation only, so the job acts on it alone)."""
    actor = terminal.operator()
    return SYSTEM if actor.kind is ActorKind.CLI else actor


from .clients.commands import cli as _clients_cli  # noqa: E402
from .dossier.commands import cli as _dossier_cli  # noqa: E402  (sub-packages' commands, mounted here)
from .letters.commands import cli as _letters_cli  # noqa: E402
from .scope.commands import cli as _scope_cli  # noqa: E402
from .update_commands import cli as _update_cli  # noqa: E402

for _sub in (_scope_cli, _dossier_cli, _letters_cli, _clients_cli, _update_cli):
    cli.add_typer(_sub)
