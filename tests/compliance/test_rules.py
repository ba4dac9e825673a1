"""The compliance check's rules: each at the day before, the day of and the day after its due date."""

from datetime import UTC, date, datetime, timedelta

import pytest

from lawful.compliance.rules import (
    MASTER_KEY_MAX_AGE,
    Check,
    Item,
    Severity,
    art14_severity,
    audit_severity,
    breach_severity,
    dpa_severity,
    has_overdue,
    master_key_severity,
    ordered,
    request_severity,
    review_severity,
    tombstone_severity,
    transfer_severity,
    translation_severity,
)

DUE = date(2027, 1, 31)
OVER, SOON = Severity.OVERDUE, Severity.DUE_SOON
EEA = frozenset({"BE", "FR", "IE"})


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (DUE - timedelta(days=11), None),
        (DUE - timedelta(days=10), SOON),
        (DUE - timedelta(days=1), SOON),
        (DUE, SOON),
        (DUE + timedelta(days=1), OVER),
    ],
)
def test_a_request_is_due_soon_ten_days_ahead_and_overdue_the_day_after_its_due_date(
    today: date, expected: Severity | None
) -> None:
    assert request_severity(DUE, today) == expected


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (DUE - timedelta(days=8), None),
        (DUE - timedelta(days=1), SOON),
        (DUE, SOON),
        (DUE + timedelta(days=1), OVER),
    ],
)
def test_an_art14_notice_is_overdue_the_day_after_the_month(today: date, expected: Severity | None) -> None:
    assert art14_severity(DUE, today) == expected


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (DUE - timedelta(days=31), None),
        (DUE - timedelta(days=30), SOON),
        (DUE, SOON),
        (DUE + timedelta(days=1), OVER),
        (date(2027, 3, 1), OVER),
    ],
)
def test_a_review_is_due_soon_thirty_days_ahead(today: date, expected: Severity | None) -> None:
    assert review_severity(DUE, today) == expected


DEADLINE = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "decided", "expected"),
    [
        (DEADLINE - timedelta(hours=24), False, SOON),
        (DEADLINE, False, SOON),
        (DEADLINE + timedelta(minutes=1), False, OVER),
        (DEADLINE + timedelta(minutes=1), True, None),
    ],
)
def test_a_breach_clock_runs_until_the_authority_decision(
    now: datetime, decided: bool, expected: Severity | None
) -> None:
    assert breach_severity(DEADLINE, now, authority_decided=decided) == expected


@pytest.mark.parametrize(
    ("kind", "dpa", "expected"),
    [
        ("processor", None, OVER),
        ("sub_processor", " ", OVER),
        ("processor", "DPA-1", None),
        ("third_party", None, None),
    ],
)
def test_a_processor_without_a_dpa_is_overdue(kind: str, dpa: str | None, expected: Severity | None) -> None:
    assert dpa_severity(kind, dpa) == expected


@pytest.mark.parametrize(
    ("countries", "mechanism", "valid_until", "expected"),
    [
        (["BE"], None, None, None),
        (["US"], None, None, OVER),
        (["BE", "US"], "scc", None, None),
        (["US"], "adequacy_dpf", DUE, SOON),
        (["US"], "adequacy_dpf", DUE - timedelta(days=1), OVER),
        (["US"], "adequacy_dpf", DUE + timedelta(days=31), None),
    ],
)
def test_a_transfer_outside_the_eea_needs_a_mechanism_still_valid(
    countries: list[str], mechanism: str | None, valid_until: date | None, expected: Severity | None
) -> None:
    assert (
        transfer_severity(countries, EEA, mechanism=mechanism, valid_until=valid_until, today=DUE) == expected
    )


NOW = datetime(2027, 1, 31, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("since", "older", "expected"),
    [
        (NOW - MASTER_KEY_MAX_AGE - timedelta(days=1), 0, OVER),
        (NOW - MASTER_KEY_MAX_AGE, 0, SOON),
        (NOW - MASTER_KEY_MAX_AGE + timedelta(days=31), 0, None),
        (NOW - timedelta(days=1), 3, SOON),
        (None, 0, None),
    ],
)
def test_the_master_key_is_rotated_yearly_and_rotations_finish(
    since: datetime | None, older: int, expected: Severity | None
) -> None:
    assert master_key_severity(since, NOW, older_keys=older) == expected


def test_counts_and_breaks_are_overdue_and_nothing_is_nothing() -> None:
    assert (audit_severity(True), audit_severity(False)) == (OVER, None)
    assert (tombstone_severity(1), tombstone_severity(0)) == (OVER, None)
    assert (translation_severity(2), translation_severity(0)) == (OVER, None)


def test_the_overdue_come_first_then_the_earliest_due() -> None:
    late = Item(Check.REQUEST, OVER, "privacy_officer", "requests/R-2", date(2027, 1, 2))
    soon = Item(Check.REQUEST, SOON, "privacy_officer", "requests/R-1", date(2027, 1, 1))
    undated = Item(Check.DPA, OVER, "legal", "recipients[0].dpa_ref")

    assert ordered([soon, undated, late]) == [late, undated, soon]
    assert has_overdue([soon]) is False
    assert has_overdue([soon, late]) is True
