"""The scope's rules without a database: the window, names the register does not know, consent in force
during the window, the counts, the categories kept by hand, and when a closed case's list goes (R-82)."""

from datetime import datetime, timedelta
from typing import Any

import pytest

from lawful.breaches.scope import rules
from lawful.breaches.scope.rules import Known, Person

AWARE = datetime.fromisoformat("2026-03-04T09:00:00+01:00")
KNOWN = Known(
    datastores={"chinook": ["Customer", "Invoice"]},
    categories=frozenset({"user.name", "user.contact.email"}),
    recipients=frozenset({"hubspot"}),
    activities=frozenset({"newsletter"}),
)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.mark.parametrize(
    ("since", "until", "expected_end", "problem"),
    [
        (None, None, AWARE, None),
        (at("2026-03-03T00:00:00+01:00"), None, AWARE, None),
        (AWARE, None, AWARE, "since"),  # since the very moment of awareness: nothing left
        (at("2026-03-03T00:00:00+01:00"), at("2026-03-03T00:00:00+01:00"), None, "until"),
        (at("2026-03-03T00:00:00+01:00"), at("2026-03-02T23:59:59+01:00"), None, "until"),
        (at("2026-03-03T00:00:00+01:00"), at("2026-03-03T00:00:01+01:00"), None, None),
    ],
)
def test_the_window_ends_at_awareness_unless_given_and_an_empty_one_is_refused(
    since: datetime | None, until: datetime | None, expected_end: datetime | None, problem: str | None
) -> None:
    _, end, problems = rules.window(since, until, AWARE)

    assert end == (expected_end or until)
    assert [p["path"] for p in problems] == ([problem] if problem else [])


def test_a_window_across_the_end_of_summer_time_is_compared_in_real_time() -> None:
    """2026-10-25 03:00 CEST is 02:00 CET: one hour apart in wall time, the same instant is not empty."""
    since, until = at("2026-10-25T02:30:00+02:00"), at("2026-10-25T02:10:00+01:00")

    assert rules.window(since, until, AWARE)[2] == []


def test_every_unknown_name_is_reported_with_its_path() -> None:
    definition = {
        "systems": ["lawful", "crm"],
        "datastores": [{"key": "chinook", "tables": ["Customer", "Album"]}, {"key": "erp", "tables": []}],
        "categories": ["user.name", "user.health"],
        "recipients": ["mailchimp"],
        "activities": ["newsletter"],
        "purposes": ["contest"],
    }

    paths = [p["path"] for p in rules.problems(definition, KNOWN)]

    assert paths == [
        "systems[1]",
        "datastores[0].tables[1]",
        "datastores[1].key",
        "categories[1]",
        "recipients[0]",
        "purposes[0]",
    ]


def test_a_scope_without_any_source_is_refused() -> None:
    assert [p["path"] for p in rules.problems({"categories": ["user.name"]}, KNOWN)] == ["systems"]


SINCE, UNTIL = at("2026-03-01T00:00:00+01:00"), at("2026-03-31T23:59:59+02:00")


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        ([], False),
        ([("given", at("2026-02-01T00:00:00+01:00"))], True),
        ([("given", at("2026-02-01T00:00:00+01:00")), ("withdrawn", at("2026-02-28T23:59:59+01:00"))], False),
        ([("given", at("2026-02-01T00:00:00+01:00")), ("withdrawn", SINCE)], True),  # in force at `since`
        ([("given", UNTIL)], True),  # given in the window's last second
        ([("given", UNTIL + timedelta(seconds=1))], False),  # after the window
        ([("refused", at("2026-03-10T00:00:00+01:00"))], False),
        ([("withdrawn", at("2026-02-01T00:00:00+01:00")), ("given", at("2026-03-15T00:00:00+01:00"))], True),
    ],
)
def test_a_consent_counts_when_it_was_in_force_at_some_moment_of_the_window(
    events: list[tuple[str, datetime]], expected: bool
) -> None:
    assert rules.in_force(events, SINCE, UNTIL) is expected


def test_the_tally_counts_people_and_records_per_category() -> None:
    one = Person(subject="a", country="BE", subject_categories={"customer"})
    one.add("export", ["user.name", "user.contact.email"], 2)
    one.add("lawful", ["user.name"], 1)
    two = Person(email="b@example.test")
    two.add("datastore:chinook", ["user.contact.phone_number"], 3)

    tally = rules.tally([one, two])

    assert (tally.people, tally.records) == (2, 6)
    assert tally.data_categories == [
        {"key": "user.contact.email", "approx": 1},
        {"key": "user.contact.phone_number", "approx": 1},
        {"key": "user.name", "approx": 1},
    ]
    assert tally.subject_categories == [{"key": "customer", "approx": 1}]
    assert (tally.countries, tally.sources) == ({"BE": 1}, {"datastore:chinook": 1, "export": 1, "lawful": 1})


def test_a_new_computation_replaces_the_earlier_numbers_and_keeps_what_staff_entered() -> None:
    current: list[dict[str, Any]] = [
        {"key": "user.health", "approx": None},
        {"key": "user.name", "approx": 10},
    ]
    previous: list[dict[str, Any]] = [{"key": "user.name", "approx": 10}]
    computed: list[dict[str, Any]] = [{"key": "user.contact.email", "approx": 4}]

    assert rules.merged(current, previous, computed) == [
        {"key": "user.health", "approx": None},
        {"key": "user.contact.email", "approx": 4},
    ]


CLOSED = at("2026-04-01T10:00:00+02:00")


@pytest.mark.parametrize(
    ("closed", "explicit", "expected"),
    [
        (None, None, None),  # open: never
        (CLOSED, None, CLOSED + timedelta(days=30)),
        (CLOSED, at("2026-04-02T00:00:00+02:00"), at("2026-04-02T00:00:00+02:00")),
    ],
)
def test_a_closed_cases_list_goes_at_closure_plus_the_period(
    closed: datetime | None, explicit: datetime | None, expected: datetime | None
) -> None:
    assert rules.destroy_at(closed, explicit, timedelta(days=30)) == expected
