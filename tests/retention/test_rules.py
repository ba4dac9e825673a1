"""The retention rules as pure functions: each trigger's end at the day before and the day of (R-72 to R-79)."""

from datetime import UTC, date, datetime

import pytest

from lawful.processing import retention_end, retention_start
from lawful.retention import rules
from lawful.retention.rules import Generalise, Next, Rule, Skip, Step
from lawful.subjects.rules import hold_in_force, hold_overdue

BRUSSELS = rules.BRUSSELS


def day(text: str) -> datetime:
    """The start of a day in Brussels: what `--now DAY` means."""
    return rules.start_of_day(date.fromisoformat(text))


def noon(text: str) -> datetime:
    return datetime.fromisoformat(text + "T12:00").replace(tzinfo=BRUSSELS)


# (trigger, event, period, last day present, first day gone): the evidence, each at the day before
# and the day of the end
VECTORS = [
    ("last_inbound_contact", datetime(2023, 1, 10, 10, tzinfo=UTC), "P3Y", "2026-01-10", "2026-01-11"),
    ("last_inbound_contact", noon("2025-05-01"), "P3Y", "2028-05-01", "2028-05-02"),
    ("contract_end", noon("2020-06-30"), "P10Y", "2030-06-30", "2030-07-01"),
    ("contract_end", datetime(2020, 6, 30, 21, 59, tzinfo=UTC), "P10Y", "2030-06-30", "2030-07-01"),
    ("document_date_next_january", noon("2024-03-15"), "P10Y", "2034-12-31", "2035-01-01"),
    ("document_date_next_january", noon("2024-12-31"), "P10Y", "2034-12-31", "2035-01-01"),
    ("recruitment_end", noon("2026-01-15"), "P6M", "2026-07-15", "2026-07-16"),  # across the summer time
    ("recruitment_end", noon("2026-01-15"), "P2Y", "2028-01-15", "2028-01-16"),  # a talent pool
    ("account_closure", noon("2025-01-01"), "P12M", "2026-01-01", "2026-01-02"),
    (
        "relationship_end",
        noon("2024-02-29"),
        "P1Y",
        "2025-02-28",
        "2025-03-01",
    ),  # no 29 February: its month's end
    ("relationship_end", noon("2025-01-31"), "P1M", "2025-02-28", "2025-03-01"),  # Reg. 1182/71 Art. 3(2)(c)
    ("client_dpa_end", noon("2026-10-24"), "P1D", "2026-10-25", "2026-10-26"),  # the night the clocks go back
]


@pytest.mark.parametrize(("trigger", "event", "period", "present", "gone"), VECTORS)
def test_the_data_are_present_on_their_last_day_and_gone_the_next(
    trigger: str, event: datetime, period: str, present: str, gone: str
) -> None:
    rule = Rule("a", "r", trigger, period, "delete")

    kept = rules.next_step(rule, event, day(present), archived=False)
    ended = rules.next_step(rule, event, day(gone), archived=False)

    assert kept.due > day(present) and kept.step is Step.DELETED
    assert ended.due <= day(gone)


def test_a_contract_is_archived_from_its_end_and_deleted_ten_years_on() -> None:
    rule = Rule("contracts", "contract_archive", "contract_end", "P10Y", "archive_restricted")
    ended = noon("2020-06-30")

    before = rules.next_step(rule, ended, day("2020-06-30"), archived=False)
    archived = rules.next_step(rule, ended, day("2020-07-01"), archived=False)
    last_day = rules.next_step(rule, ended, day("2030-06-30"), archived=True)
    gone = rules.next_step(rule, ended, day("2030-07-01"), archived=True)

    assert (before.step, before.due > day("2020-06-30")) == (Step.ARCHIVED, True)
    assert (archived.step, archived.due <= day("2020-07-01")) == (Step.ARCHIVED, True)
    assert (last_day.step, last_day.due > day("2030-06-30")) == (Step.DELETED, True)
    assert (gone.step, gone.due <= day("2030-07-01")) == (Step.DELETED, True)


def test_an_archive_rule_past_its_end_deletes_without_archiving_first() -> None:
    rule = Rule("contracts", "contract_archive", "contract_end", "P10Y", "archive_restricted")

    found = rules.next_step(rule, noon("2010-01-05"), day("2026-01-01"), archived=False)

    assert found.step is Step.DELETED


def test_an_anonymise_rule_anonymises_at_its_end() -> None:
    rule = Rule("contest", "contest_1y", "collection", "P1Y", "anonymise")

    found = rules.next_step(rule, datetime(2025, 3, 1, 9, tzinfo=UTC), day("2026-03-02"), archived=False)

    assert found == Next(
        Step.ANONYMISED, datetime(2026, 3, 1, 9, tzinfo=UTC), datetime(2026, 3, 1, 9, tzinfo=UTC)
    )


def test_a_rule_without_duration_ends_at_its_trigger() -> None:
    moment = datetime(2026, 2, 1, 8, tzinfo=UTC)

    assert retention_end("consent_withdrawal", moment, None) == moment


def test_a_day_trigger_is_counted_from_the_midnight_after_its_day() -> None:
    """Regulation 1182/71 Art. 3(1): the day of the event is not counted, whatever its time."""
    early, late = datetime(2020, 6, 29, 22, 0, 1, tzinfo=UTC), datetime(2020, 6, 30, 21, 59, tzinfo=UTC)

    assert (
        retention_start("contract_end", early) == retention_start("contract_end", late) == day("2020-07-01")
    )
    assert retention_start("collection", late) == late


@pytest.mark.parametrize(
    ("own", "events", "first", "start"),
    [
        (
            None,
            None,
            datetime(2023, 1, 10, tzinfo=UTC),
            datetime(2023, 1, 10, tzinfo=UTC),
        ),  # never wrote: collection
        (
            datetime(2024, 1, 1, tzinfo=UTC),
            None,
            datetime(2023, 1, 10, tzinfo=UTC),
            datetime(2024, 1, 1, tzinfo=UTC),
        ),
        (
            datetime(2024, 1, 1, tzinfo=UTC),
            datetime(2025, 5, 1, tzinfo=UTC),
            datetime(2023, 1, 10, tzinfo=UTC),
            datetime(2025, 5, 1, tzinfo=UTC),
        ),
        (None, None, None, None),
    ],
)
def test_the_last_inbound_contact_is_the_latest_own_contact_or_the_collection(
    own: datetime | None, events: datetime | None, first: datetime | None, start: datetime | None
) -> None:
    assert rules.inbound_start(own, events, first) == start


@pytest.mark.parametrize(
    ("step", "held", "claims", "suspends", "skip"),
    [
        (Step.DELETED, True, False, True, Skip.LEGAL_HOLD),
        (Step.ANONYMISED, True, True, True, Skip.LEGAL_HOLD),
        (Step.DELETED, False, True, True, Skip.LEGAL_CLAIMS),
        (Step.DELETED, True, False, False, None),  # a rule a hold does not suspend
        (Step.ARCHIVED, True, True, True, None),  # archiving loses nothing
        (Step.DELETED, False, False, True, None),
    ],
)
def test_what_holds_a_step_back(
    step: Step, held: bool, claims: bool, suspends: bool, skip: Skip | None
) -> None:
    rule = Rule("a", "r", "collection", "P1Y", "delete", hold_suspends=suspends)

    assert rules.skip(rule, step, held=held, legal_claims=claims) is skip


class _Hold:
    def __init__(self, lifted_at: datetime | None, review_on: date) -> None:
        self.lifted_at, self.review_on = lifted_at, review_on


@pytest.mark.parametrize(
    ("lifted", "review", "today", "in_force", "overdue"),
    [
        (None, date(2026, 3, 1), date(2026, 2, 28), True, False),
        (None, date(2026, 3, 1), date(2026, 3, 1), True, False),
        (None, date(2026, 3, 1), date(2026, 3, 2), True, True),  # past review: flagged, still kept
        (datetime(2026, 2, 1, tzinfo=UTC), date(2026, 3, 1), date(2026, 2, 2), False, False),
    ],
)
def test_a_hold_keeps_until_lifted_and_is_flagged_past_its_review(
    lifted: datetime | None, review: date, today: date, in_force: bool, overdue: bool
) -> None:
    hold = _Hold(lifted, review)

    assert (hold_in_force(hold, today), hold_overdue(hold, today)) == (in_force, overdue)


@pytest.mark.parametrize(
    ("items", "held", "claims", "requests", "consents", "why"),
    [
        (0, False, False, 0, 0, None),
        (2, False, False, 0, 0, "other_activities"),
        (0, True, False, 0, 0, "legal_hold"),
        (0, False, True, 0, 0, "legal_hold"),
        (0, False, False, 1, 0, "open_request"),
        (0, False, False, 0, 1, "consent_in_force"),
    ],
)
def test_a_whole_record_goes_only_when_nothing_is_left(
    items: int, held: bool, claims: bool, requests: int, consents: int, why: str | None
) -> None:
    found = rules.why_not_whole(
        items_left=items, held=held, legal_claims=claims, open_requests=requests, consents=consents
    )

    assert found == why


@pytest.mark.parametrize(
    ("category", "value", "kept"),
    [
        ("user.demographic.date_of_birth", "1990-07-14", "1990"),
        ("user.demographic.date_of_birth", "14/07/1990", None),  # not a date: nothing kept
        ("user.contact.address.country", "BE", "BE"),
        ("user.contact.address.postal_code", "1050", "10xx"),
        ("user.contact.address.postal_code", "10", None),
        ("user.demographic.gender", "female", "female"),
        ("user.contact.email", "someone@example.test", None),
        ("user.name", "Jan Peeters", None),
        ("user.contact.phone_number", "+32470000000", None),
        ("user.content.private", "a message", None),
        ("user.contact.address.country", "  ", None),
    ],
)
def test_anonymising_keeps_only_the_declared_generalisation(
    category: str, value: str, kept: str | None
) -> None:
    assert rules.anonymised(category, value) == kept


def test_every_declared_generalisation_keeps_something_and_identifiers_are_dropped() -> None:
    assert set(rules.ANONYMISED.values()) <= {Generalise.KEEP, Generalise.YEAR, Generalise.AREA}
    assert not any(category.startswith(("user.name", "user.contact.email")) for category in rules.ANONYMISED)


@pytest.mark.parametrize(
    ("now", "first", "last"),
    [
        (day("2026-01-10"), "2026-01", "2026-12"),
        (day("2026-12-31"), "2026-12", "2027-11"),
        (datetime(2026, 12, 31, 23, 30, tzinfo=UTC), "2027-01", "2027-12"),  # already January in Brussels
    ],
)
def test_the_plan_counts_twelve_months_from_the_current_one(now: datetime, first: str, last: str) -> None:
    months = rules.months_ahead(now)

    assert (len(months), months[0], months[-1]) == (12, first, last)


@pytest.mark.parametrize(
    ("given", "now", "moment"),
    [
        (date(2025, 5, 1), datetime(2026, 12, 7, 9, tzinfo=UTC), noon("2025-05-01")),
        (
            date(2026, 12, 7),
            datetime(2026, 12, 7, 9, tzinfo=UTC),
            datetime(2026, 12, 7, 9, tzinfo=UTC),
        ),  # today
    ],
)
def test_a_day_without_its_time_is_taken_at_noon_or_now(given: date, now: datetime, moment: datetime) -> None:
    assert rules.middle_of_day(given, now) == moment
