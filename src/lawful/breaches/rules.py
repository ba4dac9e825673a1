"""The law of a breach case (Art. 33-34): the 72-hour clock, its alerts, what a risk level requires, and
what a notification decision and a closure need. Values in, values out."""

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

# Art. 33(1): "not later than 72 hours after having become aware of it". A period in hours: Regulation
# 1182/71 Art. 3(4)'s roll-over to the next working day applies to periods in days, not hours (T-25).
BREACH_NOTIFICATION_WINDOW = timedelta(hours=72)
# Art. 28(3)(f), 33(2), R-103: a processor tells its client "without undue delay"; the DPA's deadline,
# 24 hours from awareness unless the DPA says otherwise
CLIENT_NOTICE_WINDOW = timedelta(hours=24)
ALERT_THRESHOLDS_HOURS = (24, 48, 66)  # the privacy officers are warned at these hours of the clock


class Nature(StrEnum):
    """EDPB Guidelines 9/2022: a breach of confidentiality, integrity or availability (or several)."""

    CONFIDENTIALITY = "confidentiality"
    INTEGRITY = "integrity"
    AVAILABILITY = "availability"


class Risk(StrEnum):
    """Art. 33(1) and 34(1): unlikely to result in a risk, a risk, or a high risk to people."""

    UNLIKELY = "unlikely"
    RISK = "risk"
    HIGH = "high"


class Status(StrEnum):
    OPEN = "open"
    ASSESSED = "assessed"
    NOTIFIED = "notified"
    CLOSED = "closed"


class Reporter(StrEnum):
    STAFF = "staff"
    PROCESSOR = "processor"
    SYSTEM = "system"


class Audience(StrEnum):
    AUTHORITY = "authority"  # the APD, Art. 33
    PEOPLE = "people"  # the people affected, Art. 34
    CLIENT = "client"  # the client controller, when the organisation acts as its processor (Art. 33(2))


class Phase(StrEnum):
    """Art. 33(4): information may be provided in phases without undue further delay."""

    INITIAL = "initial"
    FOLLOW_UP = "follow_up"


class Exemption(StrEnum):
    """Art. 34(3): when telling each person is not required."""

    UNINTELLIGIBLE = "34(3)(a)"  # e.g. the data were encrypted and the key is safe
    MITIGATED = "34(3)(b)"  # later measures make the high risk no longer likely
    DISPROPORTIONATE = "34(3)(c)"  # a public communication instead


def deadline(aware_at: datetime) -> datetime:
    """Art. 33(1): awareness plus 72 real hours, in UTC (a DST change does not move it; T-25)."""
    return _utc(aware_at) + BREACH_NOTIFICATION_WINDOW


def client_deadline(aware_at: datetime, window: timedelta = CLIENT_NOTICE_WINDOW) -> datetime:
    """R-103: when the processor's notice to its client controller is due."""
    return _utc(aware_at) + window


def time_left(aware_at: datetime, now: datetime) -> timedelta:
    """What remains of the 72 hours (negative once they are over)."""
    return deadline(aware_at) - _utc(now)


def is_late(aware_at: datetime, at: datetime) -> bool:
    """A notification at `at` is late when the 72 hours are over; the 72nd hour itself is still in time."""
    return _utc(at) > deadline(aware_at)


def alerts_due(aware_at: datetime, now: datetime, sent: Iterable[int]) -> list[int]:
    """The alert thresholds (hours) reached at `now` and not yet sent, lowest first (R-95)."""
    done = set(sent)
    elapsed = _utc(now) - _utc(aware_at)
    return [h for h in ALERT_THRESHOLDS_HOURS if h not in done and elapsed >= timedelta(hours=h)]


@dataclass(frozen=True)
class Obligations:
    authority: bool  # Art. 33(1): notify unless unlikely to result in a risk
    people: bool  # Art. 34(1): tell the people when the risk is high, unless an Art. 34(3) exemption


def obligations(risk: Risk) -> Obligations:
    """What a risk level requires. T-26: the test is "unlikely to result in a risk", not "harm proven"."""
    return Obligations(authority=risk is not Risk.UNLIKELY, people=risk is Risk.HIGH)


@dataclass(frozen=True)
class DecisionFacts:
    audience: Audience
    notify: bool
    reasons: str
    phase: Phase
    decided_at: datetime
    late_reason: str | None = None
    exemption: Exemption | None = None
    public_notice_url: str | None = None


def decision_problems(facts: DecisionFacts, *, aware_at: datetime, risk: Risk | None) -> list[dict[str, str]]:
    """Each field a notification decision lacks, as {path, message}; empty when it may be recorded.

    Reasons always (Art. 33(5), T-26); the reason for the delay when the first notification of the
    authority comes after the 72 hours (Art. 33(1)); not notifying needs an assessment saying the
    breach is unlikely to result in a risk; not telling the people of a high risk needs an Art. 34(3)
    exemption, and 34(3)(c) its public communication."""
    problems = []
    if not facts.reasons.strip():
        problems.append(_problem("reasons", "a decision needs its reasons, whether to notify or not"))
    late = facts.audience is Audience.AUTHORITY and facts.notify and facts.phase is Phase.INITIAL
    if late and is_late(aware_at, facts.decided_at) and not (facts.late_reason or "").strip():
        problems.append(_problem("late_reason", "the 72 hours are over: give the reason for the delay"))
    if facts.audience is Audience.AUTHORITY and not facts.notify:
        if risk is None:
            problems.append(_problem("risk", "assess the risk before deciding not to notify"))
        elif obligations(risk).authority:
            problems.append(
                _problem("notify", f"a breach assessed {risk} must be notified: only an unlikely risk is not")
            )
    if facts.audience is Audience.PEOPLE and not facts.notify and risk is Risk.HIGH:
        if facts.exemption is None:
            problems.append(
                _problem(
                    "exemption", "a high risk is told to the people unless an Art. 34(3) exemption applies"
                )
            )
        elif facts.exemption is Exemption.DISPROPORTIONATE and not (facts.public_notice_url or "").strip():
            problems.append(_problem("public_notice_url", "Art. 34(3)(c) needs the public communication"))
    return problems


def close_problems(*, risk: Risk | None, decided: Collection[Audience]) -> list[dict[str, str]]:
    """R-94: a case is closed with its assessment and its decision on the authority (notified or not,
    with reasons); a high risk needs the decision on the people too."""
    problems = []
    if risk is None:
        problems.append(_problem("risk", "assess the risk before closing"))
    if Audience.AUTHORITY not in decided:
        problems.append(_problem("decision", "record the decision on notifying the authority, with reasons"))
    if risk is Risk.HIGH and Audience.PEOPLE not in decided:
        problems.append(_problem("decision", "a high risk needs the decision on telling the people"))
    return problems


def reference(number: int) -> str:
    return f"B-{number}"


def _problem(path: str, message: str) -> dict[str, str]:
    return {"path": path, "message": message}


def _utc(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise ValueError("a breach's times must say their time zone")
    return instant.astimezone(UTC)
