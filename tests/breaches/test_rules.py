"""The 72-hour clock, its alerts and what a decision needs (Art. 33-34): pure rules, table-driven."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from lawful.breaches import rules
from lawful.breaches.detectors import rules as signals
from lawful.breaches.rules import Audience, DecisionFacts, Exemption, Phase, Risk

BRUSSELS = ZoneInfo("Europe/Brussels")


def _bxl(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BRUSSELS)


@pytest.mark.parametrize(
    ("aware", "due"),
    [
        # a Friday 17:00 → the Monday 17:00: the weekend counts (T-25)
        (_bxl(2026, 5, 8, 17, 0), _bxl(2026, 5, 11, 17, 0)),
        # the end of summer time (25 October 2026): 72 real hours, so 11:00 in Brussels, not 12:00
        (_bxl(2026, 10, 24, 12, 0), datetime(2026, 10, 27, 10, 0, tzinfo=UTC)),
        # Christmas Eve → a Sunday, not moved to the next working day
        (_bxl(2026, 12, 24, 16, 30), _bxl(2026, 12, 27, 16, 30)),
        # the start of summer time (29 March 2026): 72 real hours end at 11:00 in Brussels
        (_bxl(2026, 3, 28, 10, 0), _bxl(2026, 3, 31, 11, 0)),
        # R-93's example
        (datetime.fromisoformat("2026-05-01T10:00+02:00"), datetime.fromisoformat("2026-05-04T10:00+02:00")),
    ],
)
def test_the_deadline_is_awareness_plus_72_real_hours(aware: datetime, due: datetime) -> None:
    assert rules.deadline(aware) == due


def test_the_dst_deadline_reads_eleven_oclock_in_brussels() -> None:
    due = rules.deadline(_bxl(2026, 10, 24, 12, 0))

    assert (due.astimezone(UTC).hour, due.astimezone(BRUSSELS).hour) == (10, 11)


def test_a_naive_awareness_time_is_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        rules.deadline(datetime(2026, 5, 8, 17, 0))  # noqa: DTZ001 (the refusal under test)


AWARE = datetime(2026, 5, 8, 15, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)


@pytest.mark.parametrize(
    ("elapsed", "sent", "due"),
    [
        (timedelta(hours=24) - SECOND, [], []),
        (timedelta(hours=24), [], [24]),
        (timedelta(hours=24), [24], []),
        (timedelta(hours=48) - SECOND, [24], []),
        (timedelta(hours=48), [24], [48]),
        (timedelta(hours=66) - SECOND, [24, 48], []),
        (timedelta(hours=66), [24, 48], [66]),
        (timedelta(hours=66), [], [24, 48, 66]),  # a case recorded late: every threshold it passed
        (timedelta(hours=80), [24, 48, 66], []),
    ],
)
def test_alerts_fire_at_exactly_24_48_and_66_hours(
    elapsed: timedelta, sent: list[int], due: list[int]
) -> None:
    assert rules.alerts_due(AWARE, AWARE + elapsed, sent) == due


@pytest.mark.parametrize(
    ("elapsed", "late"),
    [
        (timedelta(hours=72) - SECOND, False),
        (timedelta(hours=72), False),
        (timedelta(hours=72) + SECOND, True),
    ],
)
def test_a_notification_is_late_only_after_the_72nd_hour(elapsed: timedelta, late: bool) -> None:
    assert rules.is_late(AWARE, AWARE + elapsed) is late


def test_time_left_goes_negative_after_the_deadline() -> None:
    assert rules.time_left(AWARE, AWARE + timedelta(hours=73)) == -timedelta(hours=1)


def test_a_processor_tells_its_client_within_24_hours_by_default() -> None:
    assert rules.client_deadline(AWARE) == AWARE + timedelta(hours=24)


@pytest.mark.parametrize(
    ("risk", "authority", "people"),
    [(Risk.UNLIKELY, False, False), (Risk.RISK, True, False), (Risk.HIGH, True, True)],
)
def test_what_each_risk_level_requires(risk: Risk, authority: bool, people: bool) -> None:
    assert rules.obligations(risk) == rules.Obligations(authority=authority, people=people)


def _decision(**overrides: object) -> DecisionFacts:
    values: dict[str, object] = {
        "audience": Audience.AUTHORITY,
        "notify": True,
        "reasons": "customer data left the company",
        "phase": Phase.INITIAL,
        "decided_at": AWARE + timedelta(hours=10),
    }
    return DecisionFacts(**(values | overrides))  # type: ignore[arg-type]


def _paths(facts: DecisionFacts, risk: Risk | None = Risk.RISK) -> list[str]:
    return [p["path"] for p in rules.decision_problems(facts, aware_at=AWARE, risk=risk)]


@pytest.mark.parametrize(
    ("facts", "risk", "paths"),
    [
        (_decision(), Risk.RISK, []),
        (_decision(reasons="  "), Risk.RISK, ["reasons"]),
        (_decision(notify=False, reasons=""), Risk.UNLIKELY, ["reasons"]),
        # late: the first notification after the 72nd hour needs the reason for the delay
        (_decision(decided_at=AWARE + timedelta(hours=72)), Risk.RISK, []),
        (_decision(decided_at=AWARE + timedelta(hours=72, seconds=1)), Risk.RISK, ["late_reason"]),
        (_decision(decided_at=AWARE + timedelta(hours=80), late_reason="the log came late"), Risk.RISK, []),
        # a follow-up comes when the information does (Art. 33(4))
        (_decision(decided_at=AWARE + timedelta(hours=90), phase=Phase.FOLLOW_UP), Risk.RISK, []),
        # T-26: not notifying is for an assessed "unlikely" only, never for an unproven harm
        (_decision(notify=False), Risk.UNLIKELY, []),
        (_decision(notify=False), Risk.RISK, ["notify"]),
        (_decision(notify=False), Risk.HIGH, ["notify"]),
        (_decision(notify=False), None, ["risk"]),
        # Art. 34: a high risk is told to the people, or an Art. 34(3) exemption is recorded
        (_decision(audience=Audience.PEOPLE, notify=False), Risk.HIGH, ["exemption"]),
        (
            _decision(audience=Audience.PEOPLE, notify=False, exemption=Exemption.UNINTELLIGIBLE),
            Risk.HIGH,
            [],
        ),
        (
            _decision(audience=Audience.PEOPLE, notify=False, exemption=Exemption.DISPROPORTIONATE),
            Risk.HIGH,
            ["public_notice_url"],
        ),
        (
            _decision(
                audience=Audience.PEOPLE,
                notify=False,
                exemption=Exemption.DISPROPORTIONATE,
                public_notice_url="https://acme.test/notice",
            ),
            Risk.HIGH,
            [],
        ),
        (_decision(audience=Audience.PEOPLE, notify=False), Risk.RISK, []),
        (_decision(audience=Audience.PEOPLE, notify=True), Risk.RISK, []),  # voluntary
    ],
)
def test_what_a_decision_needs(facts: DecisionFacts, risk: Risk | None, paths: list[str]) -> None:
    assert _paths(facts, risk) == paths


@pytest.mark.parametrize(
    ("risk", "decided", "paths"),
    [
        (None, set(), ["risk", "decision"]),
        (Risk.UNLIKELY, set(), ["decision"]),
        (Risk.UNLIKELY, {Audience.AUTHORITY}, []),
        (Risk.HIGH, {Audience.AUTHORITY}, ["decision"]),
        (Risk.HIGH, {Audience.AUTHORITY, Audience.PEOPLE}, []),
    ],
)
def test_what_closing_needs(risk: Risk | None, decided: set[Audience], paths: list[str]) -> None:
    assert [p["path"] for p in rules.close_problems(risk=risk, decided=decided)] == paths


@pytest.mark.parametrize(
    ("people", "history", "flagged"),
    [
        (99, [], False),
        (999, [], False),  # no usual size yet, and not unprecedented
        (1000, [5], True),
        (100, [5, 8, 10], True),  # ten times the median of 8
        (79, [5, 8, 10], False),
        (500, [100, 120, 90], False),
        (1000, [100, 120, 90], True),
    ],
)
def test_a_bulk_export_is_flagged_far_above_the_usual_size(
    people: int, history: list[int], flagged: bool
) -> None:
    found = signals.bulk_export(kind="export", export_id="x", people=people, history=history)

    assert (found is not None) is flagged


@pytest.mark.parametrize(
    ("failures", "baseline", "flagged"),
    [(19, 0, False), (20, 0, True), (20, 168 * 5, False), (25, 168 * 5, True)],
)
def test_a_login_spike_is_far_above_the_usual_hourly_rate(
    failures: int, baseline: int, flagged: bool
) -> None:
    found = signals.login_spike(failures=failures, baseline_failures=baseline, day=AWARE.date())

    assert (found is not None) is flagged


def test_an_intact_audit_chain_and_key_store_raise_nothing() -> None:
    assert signals.audit_chain(checked=10, broken_seq=None, reason=None) is None
    assert signals.key_store(people=10, missing=0, unreadable=0, unreachable=False, day=AWARE.date()) is None
