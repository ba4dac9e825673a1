"""The purpose gate as a pure function: every deny reason, alone and in combination (no database)."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lawful.decisions import Person, Purpose, Reason
from lawful.decisions.rules import decide, past_retention, retention_bounds
from lawful.processing import add_period, shortest

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
SERVICE = Purpose(
    "customer_service",
    {"customer": "contract"},
    frozenset({"user.name", "user.contact.email"}),
    marketing=False,
    retention_trigger="contract_end",
    retention_period="P5Y",
)
NEWSLETTER = Purpose(
    "newsletter",
    {"customer": "consent", "prospect": "consent"},
    frozenset({"user.name", "user.contact.email"}),
    marketing=True,
    retention_trigger="last_inbound_contact",
    retention_period="P3Y",
)
PROFILING = Purpose(
    "profiling", {"customer": "legitimate_interests"}, frozenset({"user.name"}), marketing=False
)
CUSTOMER = Person(categories=("customer",), consent="given", last_collected=datetime(2026, 1, 10, tzinfo=UTC))


@pytest.mark.parametrize(
    ("purpose", "person", "fields", "reasons"),
    [
        (SERVICE, CUSTOMER, frozenset(), ()),
        (NEWSLETTER, CUSTOMER, frozenset({"user.contact.email"}), ()),
        (SERVICE, Person(exists=False), frozenset(), (Reason.UNKNOWN_SUBJECT,)),
        (SERVICE, CUSTOMER, frozenset({"user.contact.phone_number"}), (Reason.UNKNOWN_FIELDS,)),
        (SERVICE, replace(CUSTOMER, categories=("supplier_vendor",)), frozenset(), (Reason.NO_LEGAL_BASIS,)),
        (NEWSLETTER, replace(CUSTOMER, consent="never_given"), frozenset(), (Reason.NO_CONSENT,)),
        (NEWSLETTER, replace(CUSTOMER, consent="refused"), frozenset(), (Reason.NO_CONSENT,)),
        (NEWSLETTER, replace(CUSTOMER, consent="withdrawn"), frozenset(), (Reason.CONSENT_WITHDRAWN,)),
        (
            NEWSLETTER,
            replace(CUSTOMER, objections=(("direct_marketing", None, None),)),
            frozenset(),
            (Reason.OBJECTED,),
        ),
        (SERVICE, replace(CUSTOMER, objections=(("direct_marketing", None, None),)), frozenset(), ()),
        (
            PROFILING,
            replace(CUSTOMER, objections=(("legitimate_interest", "profiling", None),)),
            frozenset(),
            (Reason.OBJECTION_PENDING,),
        ),
        (
            PROFILING,
            replace(CUSTOMER, objections=(("legitimate_interest", "profiling", "upheld"),)),
            frozenset(),
            (Reason.OBJECTED,),
        ),
        (
            PROFILING,
            replace(CUSTOMER, objections=(("legitimate_interest", "profiling", "rejected"),)),
            frozenset(),
            (),
        ),
        (PROFILING, replace(CUSTOMER, objections=(("legitimate_interest", "other", None),)), frozenset(), ()),
        (SERVICE, replace(CUSTOMER, restricted=True), frozenset(), (Reason.RESTRICTED,)),
        (NEWSLETTER, replace(CUSTOMER, suppressed=True), frozenset(), (Reason.SUPPRESSED,)),
        (SERVICE, replace(CUSTOMER, suppressed=True), frozenset(), ()),
        (NEWSLETTER, replace(CUSTOMER, child=True), frozenset(), (Reason.UNDER_AGE,)),
        (SERVICE, replace(CUSTOMER, child=True), frozenset(), ()),
        (SERVICE, replace(CUSTOMER, role="processor"), frozenset(), (Reason.CLIENT_DATA,)),
        (
            NEWSLETTER,
            replace(CUSTOMER, last_collected=datetime(2023, 6, 1, 11, 0, tzinfo=UTC)),
            frozenset(),
            (Reason.RETENTION_EXPIRED,),
        ),
        (
            NEWSLETTER,
            replace(CUSTOMER, last_collected=datetime(2023, 6, 1, 13, 0, tzinfo=UTC)),
            frozenset(),
            (),
        ),
        (
            NEWSLETTER,
            replace(CUSTOMER, last_collected=datetime(2020, 1, 1, tzinfo=UTC), holds=("defence",)),
            frozenset(),
            (Reason.RETENTION_EXPIRED, Reason.HELD_FOR_OTHER_PURPOSE),
        ),
        (
            NEWSLETTER,
            replace(CUSTOMER, last_collected=datetime(2020, 1, 1, tzinfo=UTC), holds=("newsletter",)),
            frozenset(),
            (),
        ),
        (
            NEWSLETTER,
            replace(CUSTOMER, consent="withdrawn", restricted=True, suppressed=True),
            frozenset(),
            (Reason.CONSENT_WITHDRAWN, Reason.RESTRICTED, Reason.SUPPRESSED),
        ),
    ],
)
def test_each_reason_denies_and_is_named(
    purpose: Purpose, person: Person, fields: frozenset[str], reasons: tuple[Reason, ...]
) -> None:
    decision = decide(purpose, person, fields, NOW)

    assert (decision.allow, decision.reasons) == (not reasons, reasons)


def test_an_allowed_decision_names_the_fields_and_the_basis() -> None:
    decision = decide(SERVICE, CUSTOMER, frozenset({"user.name"}), NOW)

    assert (decision.fields, decision.basis) == (("user.name",), "contract")


def test_a_non_consent_basis_wins_for_someone_in_two_categories() -> None:
    purpose = Purpose(
        "mixed", {"customer": "contract", "prospect": "consent"}, frozenset({"user.name"}), False
    )

    decision = decide(
        purpose,
        replace(CUSTOMER, categories=("prospect", "customer"), consent="never_given"),
        frozenset(),
        NOW,
    )

    assert (decision.allow, decision.basis) == (True, "contract")


@pytest.mark.parametrize(
    ("start", "period", "end"),
    [
        (datetime(2026, 1, 31, tzinfo=UTC), "P1M", datetime(2026, 2, 28, tzinfo=UTC)),
        (datetime(2024, 2, 29, tzinfo=UTC), "P1Y", datetime(2025, 2, 28, tzinfo=UTC)),
        (datetime(2024, 2, 29, tzinfo=UTC), "P4Y", datetime(2028, 2, 29, tzinfo=UTC)),
        (datetime(2026, 12, 31, tzinfo=UTC), "P2M", datetime(2027, 2, 28, tzinfo=UTC)),
        (datetime(2026, 3, 1, tzinfo=UTC), "P30D", datetime(2026, 3, 31, tzinfo=UTC)),
        (datetime(2026, 3, 1, tzinfo=UTC), "P1Y2M1W", datetime(2027, 5, 8, tzinfo=UTC)),
    ],
)
def test_retention_periods_use_calendar_arithmetic(start: datetime, period: str, end: datetime) -> None:
    assert add_period(start, period) == end


flags = st.fixed_dictionaries(
    {
        "consent": st.sampled_from(["given", "never_given", "withdrawn", "refused"]),
        "restricted": st.booleans(),
        "suppressed": st.booleans(),
        "child": st.booleans(),
        "objected": st.booleans(),
        "expired": st.booleans(),
        "held_here": st.booleans(),
    }
)


@given(flags)
def test_the_newsletter_is_allowed_exactly_when_no_obstacle_applies(f: dict[str, object]) -> None:
    person = replace(
        CUSTOMER,
        consent=str(f["consent"]),
        restricted=bool(f["restricted"]),
        suppressed=bool(f["suppressed"]),
        child=bool(f["child"]),
        objections=(("direct_marketing", None, None),) if f["objected"] else (),
        last_collected=datetime(2020, 1, 1, tzinfo=UTC) if f["expired"] else CUSTOMER.last_collected,
        holds=("newsletter",) if f["held_here"] else (),
    )
    obstacles = [
        f["consent"] != "given",
        f["restricted"],
        f["suppressed"],
        f["child"],
        f["objected"],
        f["expired"] and not f["held_here"],
    ]

    decision = decide(NEWSLETTER, person, frozenset(), NOW)

    assert decision.allow is not any(obstacles)
    assert len(decision.reasons) == sum(bool(o) for o in obstacles)
    assert decision.fields == (() if obstacles and any(obstacles) else ("user.contact.email", "user.name"))


@given(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1), timezones=st.just(UTC)),  # noqa: DTZ001
    st.integers(0, 3),
    st.integers(0, 30),
    st.integers(0, 3),
    st.integers(0, 40),
)
def test_the_shortest_length_of_a_period_never_exceeds_its_real_length(
    start: datetime, years: int, months: int, weeks: int, days: int
) -> None:
    period = "P" + "".join(
        f"{n}{unit}" for n, unit in zip((years, months, weeks, days), "YMWD", strict=True) if n
    )
    if period == "P":
        return
    assert add_period(start, period) - start >= shortest(period)


@pytest.mark.parametrize(
    ("collected", "now", "expired"),
    [
        (datetime(2026, 1, 31, 10, tzinfo=UTC), datetime(2026, 2, 28, 9, 59, tzinfo=UTC), False),
        (datetime(2026, 1, 31, 10, tzinfo=UTC), datetime(2026, 2, 28, 10, tzinfo=UTC), True),
        (datetime(2026, 3, 1, 0, tzinfo=UTC), datetime(2026, 3, 31, 23, 59, tzinfo=UTC), False),
        (datetime(2026, 3, 1, 0, tzinfo=UTC), datetime(2026, 4, 1, 0, tzinfo=UTC), True),
    ],
)
def test_past_retention_on_month_ends(collected: datetime, now: datetime, expired: bool) -> None:
    purpose = Purpose(
        key="p",
        bases={},
        data_categories=frozenset(),
        marketing=False,
        retention_trigger="collection",
        retention_period="P1M",
    )
    assert past_retention(purpose, collected, now) is expired


def _retained(period: str, trigger: str = "collection") -> Purpose:
    return Purpose(
        key="p",
        bases={},
        data_categories=frozenset(),
        marketing=False,
        retention_trigger=trigger,
        retention_period=period,
    )


@given(
    st.datetimes(min_value=datetime(2001, 1, 1), max_value=datetime(2040, 1, 1), timezones=st.just(UTC)),  # noqa: DTZ001
    st.sampled_from(["P1M", "P3Y", "P1Y2M", "P2W", "P10D", "P1Y1M1W1D"]),
    st.integers(0, 10 * 86_400_000_000),
    st.booleans(),
)
def test_the_retention_bounds_agree_with_the_rule(
    now: datetime, period: str, offset: int, before: bool
) -> None:
    purpose = _retained(period)
    bounds = retention_bounds(purpose, now)
    assert bounds is not None
    past_until, kept_from = bounds
    assert kept_from - past_until <= timedelta(days=8, microseconds=1)
    moment = (
        past_until - timedelta(microseconds=offset) if before else kept_from + timedelta(microseconds=offset)
    )
    assert past_retention(purpose, moment, now) is before


def test_the_end_of_retention_is_not_monotone_on_month_ends() -> None:
    """Why the bounds leave days in between: 30 January 00:00 + P1M ends before 28 January 23:00 + P1M."""
    now = datetime(2026, 2, 28, 12, tzinfo=UTC)
    purpose = _retained("P1M")
    assert not past_retention(purpose, datetime(2026, 1, 28, 23, tzinfo=UTC), now)
    assert past_retention(purpose, datetime(2026, 1, 30, 0, tzinfo=UTC), now)
    past_until, kept_from = retention_bounds(purpose, now) or (now, now)
    assert past_until < datetime(2026, 1, 28, 23, tzinfo=UTC) and kept_from > datetime(
        2026, 1, 30, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("now", "period", "collected", "past"),
    [
        (datetime(2026, 2, 28, 10, tzinfo=UTC), "P1M", datetime(2026, 1, 31, 10, tzinfo=UTC), True),
        (datetime(2026, 2, 28, 10, tzinfo=UTC), "P1M", datetime(2026, 1, 28, 10, 0, 1, tzinfo=UTC), False),
        (datetime(2026, 3, 1, 0, tzinfo=UTC), "P1M", datetime(2026, 2, 1, 0, tzinfo=UTC), True),
        (datetime(2028, 2, 28, 12, tzinfo=UTC), "P1Y", datetime(2027, 2, 28, 12, 0, 1, tzinfo=UTC), False),
        (datetime(2028, 2, 28, 12, tzinfo=UTC), "P1Y", datetime(2027, 2, 28, 12, tzinfo=UTC), True),
        (
            datetime(2029, 2, 28, 12, tzinfo=UTC),
            "P1Y",
            datetime(2028, 2, 29, 12, tzinfo=UTC),
            True,
        ),  # leap day
    ],
)
def test_the_bounds_keep_month_ends_and_leap_days_exact(
    now: datetime, period: str, collected: datetime, past: bool
) -> None:
    purpose = _retained(period)
    past_until, kept_from = retention_bounds(purpose, now) or (now, now)
    assert past_until < collected < kept_from  # so these people are decided by the rule itself
    assert past_retention(purpose, collected, now) is past


def test_no_bounds_when_retention_does_not_run_from_the_collection() -> None:
    assert retention_bounds(_retained("P3Y", trigger="contract_end"), NOW) is None
    assert retention_bounds(SERVICE, NOW) is None and retention_bounds(PROFILING, NOW) is None
    assert retention_bounds(NEWSLETTER, NOW) == (
        datetime(2023, 5, 28, 12, tzinfo=UTC),
        datetime(2023, 6, 5, 12, 0, 0, 1, tzinfo=UTC),
    )
