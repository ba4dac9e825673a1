"""Console pages of breaches: the register (every case, notified or not), a case with its live 72-hour
clock, and the form anyone on staff uses to report a suspected incident."""

from datetime import datetime
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Form, Path, Query
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, ValidationError

from lawful import clock
from lawful.actor import Actor
from lawful.web import ConsoleActor, Db, SameOrigin, console_permission, html

from . import rules, service
from .errors import BreachRefused
from .schemas import AssessmentCreate, BreachCreate, DecisionCreate

pages = APIRouter(prefix="/console/breaches", tags=["console"], include_in_schema=False)
Reference = Annotated[str, Path(pattern=r"^[Bb]-[1-9][0-9]{0,8}$")]
Text = Annotated[str, Form(max_length=20_000)]
Moment = Annotated[str, Form(max_length=40)]
M = TypeVar("M", bound=BaseModel)


def _org(actor: Actor) -> Any:
    return actor.organisation_id


def console_moment(value: str) -> datetime | str | None:
    """A console time: `datetime-local` sends Brussels wall time without an offset."""
    if not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return value  # the schema names the field
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=clock.BRUSSELS)


def _valid(model: type[M], **values: Any) -> M:
    """The API's input schema; a wrong field is refused by name (422), nothing written."""
    try:
        return model.model_validate({k: v for k, v in values.items() if v not in (None, "")})
    except ValidationError as exc:
        problems = [{"path": ".".join(map(str, e["loc"])), "message": e["msg"]} for e in exc.errors()]
        raise BreachRefused(
            "invalid input: " + ", ".join(p["path"] for p in problems), problems=problems
        ) from None


@pages.get("")
def register(
    db: Db, actor: ConsoleActor, status: Annotated[rules.Status | None, Query()] = None
) -> HTMLResponse:
    """R-94: every case, notified or not, with its clock."""
    console_permission(actor, "breaches:read")
    found = service.list_cases(db, organisation_id=_org(actor), status=status)
    now = clock.now()
    rows = [(b, rules.time_left(b.aware_at, now)) for b in found]
    return html(
        "breaches/register.html",
        title="Breach register",
        actor=actor,
        rows=rows,
        status=status,
        now=now,
        brussels=clock.BRUSSELS,
    )


@pages.get("/new")
def report_form(
    actor: ConsoleActor, reported: Annotated[str | None, Query(pattern=r"^B-[0-9]{1,9}$")] = None
) -> HTMLResponse:
    """R-93: anyone on staff reports a suspected incident."""
    return html("breaches/new.html", title="Report a breach", actor=actor, reported=reported)


@pages.post("", dependencies=[SameOrigin])
def report(
    db: Db,
    actor: ConsoleActor,
    aware_at: Moment = "",
    title: Annotated[str, Form(max_length=200)] = "",
    summary: Text = "",
    occurred_at: Moment = "",
    detected_at: Moment = "",
) -> RedirectResponse:
    facts = _valid(
        BreachCreate,
        title=title,
        summary=summary,
        aware_at=console_moment(aware_at),
        occurred_at=console_moment(occurred_at),
        detected_at=console_moment(detected_at),
    )
    breach = service.open_case(db, actor, organisation_id=_org(actor), facts=facts)
    if actor.can("breaches:read"):
        return RedirectResponse(f"/console/breaches/{breach.reference}", status_code=303)
    return RedirectResponse(f"/console/breaches/new?reported={breach.reference}", status_code=303)


@pages.get("/{reference}")
def case_page(reference: Reference, db: Db, actor: ConsoleActor) -> HTMLResponse:
    """A case: facts, timeline, risk, decisions, notes, and the live clock (red after 72 hours)."""
    console_permission(actor, "breaches:read")
    breach = service.get(db, organisation_id=_org(actor), reference=reference)
    found = service.case(db, breach=breach)
    now = clock.now()
    decided = any(d.audience == rules.Audience.AUTHORITY for d in found.decisions)
    return html(
        "breaches/case.html",
        title=f"Breach {breach.reference}",
        actor=actor,
        case=found,
        now=now,
        left=rules.time_left(breach.aware_at, now),
        decided=decided,
        brussels=clock.BRUSSELS,
        audiences=list(rules.Audience),
        exemptions=list(rules.Exemption),
        risks=list(rules.Risk),
        can_write=actor.can("breaches:write"),
    )


@pages.post("/{reference}/notes", dependencies=[SameOrigin])
def note_form(reference: Reference, db: Db, actor: ConsoleActor, text: Text = "") -> RedirectResponse:
    console_permission(actor, "breaches:write")
    if not text.strip():
        raise BreachRefused("a note needs its text", problems=[{"path": "text", "message": "required"}])
    service.add_note(db, actor, organisation_id=_org(actor), reference=reference, text=text)
    return RedirectResponse(f"/console/breaches/{reference.upper()}", status_code=303)


@pages.post("/{reference}/assessment", dependencies=[SameOrigin])
def assessment_form(
    reference: Reference, db: Db, actor: ConsoleActor, risk: Moment = "", rationale: Text = ""
) -> RedirectResponse:
    console_permission(actor, "breaches:write")
    made = _valid(AssessmentCreate, risk=risk, rationale=rationale)
    service.assess(
        db, actor, organisation_id=_org(actor), reference=reference, risk=made.risk, rationale=made.rationale
    )
    return RedirectResponse(f"/console/breaches/{reference.upper()}", status_code=303)


@pages.post("/{reference}/decisions", dependencies=[SameOrigin])
def decision_form(
    reference: Reference,
    db: Db,
    actor: ConsoleActor,
    audience: Moment = "",
    notify: Moment = "",
    reasons: Text = "",
    phase: Moment = "initial",
    late_reason: Text = "",
    exemption: Moment = "",
    public_notice_url: Annotated[str, Form(max_length=500)] = "",
) -> RedirectResponse:
    console_permission(actor, "breaches:write")
    decision = _valid(
        DecisionCreate,
        audience=audience,
        notify=notify,
        reasons=reasons,
        phase=phase,
        late_reason=late_reason,
        exemption=exemption,
        public_notice_url=public_notice_url,
    )
    service.decide(db, actor, organisation_id=_org(actor), reference=reference, decision=decision)
    return RedirectResponse(f"/console/breaches/{reference.upper()}", status_code=303)


@pages.post("/{reference}/close", dependencies=[SameOrigin])
def close_form(reference: Reference, db: Db, actor: ConsoleActor) -> RedirectResponse:
    console_permission(actor, "breaches:write")
    service.close(db, actor, organisation_id=_org(actor), reference=reference)
    return RedirectResponse(f"/console/breaches/{reference.upper()}", status_code=303)
