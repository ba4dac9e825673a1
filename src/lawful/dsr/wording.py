"""What the status page says of a request, matching its state (R-45): an open request gives the date it
will be answered by, in the long local format; an extended one the extension and why; a closed one
(answered, refused, closed as unidentified, already erased) when it closed, never "we will answer by"."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from babel.numbers import format_decimal

from lawful import clock, i18n

from .erased import ALREADY_ERASED
from .identification import UNIDENTIFIED
from .models import Request
from .rules import Status


@dataclass(frozen=True)
class Words:
    state: str  # the status line (role=status)
    detail: str | None  # the date and what follows from it


def words(request: Any, lang: str) -> Words:
    """`request` is a Request, or what a receipt shows before its code (receipts.Unconfirmed)."""
    status = str(request.status)
    outcome: dict[str, Any] = getattr(request, "outcome", None) or {}
    closed_on = _day(getattr(request, "completed_at", None), lang)
    if erased := outcome.get(ALREADY_ERASED):
        return Words(i18n.t("requests.already_erased", lang, date=_long(erased, lang)), None)
    if outcome.get("closed") == UNIDENTIFIED:
        return Words(i18n.t("requests.unidentified", lang, date=closed_on), None)
    state = i18n.t(f"rights.state.{status}", lang)
    if controllers := outcome.get("controllers"):  # a client controller handles it (forwarded.py)
        return _forwarded(status, outcome, ", ".join(controllers), closed_on, lang)
    if status == Status.COMPLETED:
        return Words(state, i18n.t("requests.answered_on", lang, date=closed_on))
    if status == Status.REFUSED:
        return Words(state, i18n.t("requests.refused_on", lang, date=closed_on))
    due = i18n.long_date(request.due_on, lang)
    if status == Status.EXTENDED:
        detail = i18n.t(
            "requests.extended",
            lang,
            months=request.extension_months,
            date=due,
            reason=request.extension_reason or "",
        )
        return Words(state, detail)
    return Words(state, i18n.t("rights.due", lang, date=due))


def _forwarded(status: str, outcome: dict[str, Any], names: str, closed_on: str, lang: str) -> Words:
    """A request about a client's data: the client answers, so no date of ours; once carried out on its
    instruction, when that was."""
    if status == Status.COMPLETED and outcome.get("client_instruction") == "carry_out":
        return Words(
            i18n.t("rights.state.completed", lang),
            i18n.t("requests.carried_out_for", lang, controller=names, date=closed_on),
        )
    return Words(
        i18n.t("rights.state.forwarded", lang), i18n.t("requests.forwarded_to", lang, controller=names)
    )


def joined(request: Request, lang: str) -> Words:
    """A receipt whose code was confirmed: the request it joined, its reference and where it stands."""
    line = i18n.t(
        "requests.joined", lang, reference=request.reference, date=i18n.long_date(request.due_on, lang)
    )
    current = words(request, lang)
    return Words(line, current.detail if request.status in (Status.COMPLETED, Status.REFUSED) else None)


def _day(instant: datetime | None, lang: str) -> str:
    return i18n.long_date(clock.brussels_date(instant), lang) if instant is not None else ""


def _long(iso: object, lang: str) -> str:
    return i18n.long_date(date.fromisoformat(str(iso)), lang)


PROGRESS = ("received", "identity", "in_progress", "answered")
# Which step a status stands at; a closed request (answered, refused) has every step behind it.
_AT = {
    Status.RECEIVED: 1,
    Status.AWAITING_IDENTITY: 1,
    Status.AWAITING_MANDATE: 1,
    Status.AWAITING_FEE_DECISION: 2,
    Status.IN_PROGRESS: 2,
    Status.EXTENDED: 2,
    Status.FORWARDED: 2,
    "joined": 2,
}


def progress(request: Any) -> list[tuple[str, str]]:
    """The status page's steps (received, identity confirmed, in progress, answered), each done,
    current or to come."""
    at = _AT.get(str(request.status), len(PROGRESS))
    return [
        (step, "done" if index < at else "current" if index == at else "todo")
        for index, step in enumerate(PROGRESS)
    ]


def size(length: int, lang: str) -> str:
    """A file size as people read it: bytes, kB or MB in the page's language (ko and Mo in French)."""
    if length < 1000:
        return i18n.t("answer.bytes", lang, n=length)
    unit, value = ("answer.kb", length / 1000) if length < 1_000_000 else ("answer.mb", length / 1_000_000)
    return i18n.t(unit, lang, n=format_decimal(round(value, 1), format="#,##0.#", locale=lang))
