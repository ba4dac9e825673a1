"""Which data go after a withdrawal or an upheld objection, which stay and why (R-62): the pure rule."""

from datetime import UTC, datetime

import pytest

from lawful.dsr.deletions.rules import (
    Activity,
    Item,
    Person,
    Trigger,
    Verdict,
    Why,
    ended,
    sort,
    still_based,
    why_not_whole,
)
from lawful.processing import add_period

NEWSLETTER = Activity(
    "newsletter", {"customer": "consent", "prospect": "consent"}, frozenset({"email", "name"}), True
)
CONTEST = Activity("contest", {"prospect": "consent"}, frozenset({"email", "birth"}), True)
SERVICE = Activity("customer_service", {"customer": "contract"}, frozenset({"email", "name"}))
OFFERS = Activity(
    "customer_offers", {"customer": "legitimate_interests"}, frozenset({"email", "phone"}), True
)
ANALYTICS = Activity("analytics", {"customer": "legitimate_interests"}, frozenset({"usage"}))
INVOICING = Activity("invoicing", {"customer": "legal_obligation"}, frozenset({"name"}))
PROOF = Activity(
    "newsletter_proof", {"prospect": "consent"}, frozenset({"email"}), True, "consent_withdrawal", "P1M"
)
REGISTER = (NEWSLETTER, CONTEST, SERVICE, OFFERS, ANALYTICS, INVOICING, PROOF)
AT = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def _person(**overrides: object) -> Person:
    fields: dict[str, object] = {"categories": ("customer",), "consents": {}} | overrides
    return Person(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("trigger", "activity", "person", "gone"),
    [
        (
            Trigger.CONSENT_WITHDRAWN,
            "newsletter",
            _person(consents={"newsletter": "withdrawn"}),
            {"newsletter"},
        ),
        (
            Trigger.CONSENT_WITHDRAWN,
            "newsletter",
            _person(consents={"newsletter": "given"}),
            set(),
        ),  # given again
        (
            Trigger.CONSENT_WITHDRAWN,
            "gone_from_register",
            _person(consents={"gone_from_register": "withdrawn"}),
            set(),
        ),
        (
            Trigger.CONSENT_WITHDRAWN,
            "customer_service",
            _person(consents={"customer_service": "withdrawn"}),
            set(),
        ),
        (Trigger.OBJECTION_UPHELD, "customer_offers", _person(), {"customer_offers"}),
        (Trigger.OBJECTION_UPHELD, None, _person(), {"customer_offers", "analytics"}),  # every LI activity
        (Trigger.OBJECTION_UPHELD, "customer_service", _person(), set()),  # contract: no Art. 21(1) objection
        (
            Trigger.MARKETING_OBJECTION,
            None,
            _person(),
            {"newsletter", "contest", "customer_offers", "newsletter_proof"},
        ),
    ],
)
def test_the_trigger_ends_only_the_activities_that_lost_their_basis(
    trigger: Trigger, activity: str | None, person: Person, gone: set[str]
) -> None:
    assert ended(trigger, activity, REGISTER, person) == gone


@pytest.mark.parametrize(
    ("activity", "person", "basis"),
    [
        (SERVICE, _person(collected_for=frozenset({"customer_service"})), "contract"),
        (SERVICE, _person(), None),  # a contract basis in the register, but no contract with this person
        (SERVICE, _person(categories=("prospect",), collected_for=frozenset({"customer_service"})), None),
        (INVOICING, _person(collected_for=frozenset({"invoicing"})), "legal_obligation"),
        (NEWSLETTER, _person(consents={"newsletter": "given"}), "consent"),
        (NEWSLETTER, _person(consents={"newsletter": "withdrawn"}), None),
        (
            NEWSLETTER,
            _person(consents={"newsletter": "given"}, objections=(("direct_marketing", None, None),)),
            None,
        ),
        (OFFERS, _person(collected_for=frozenset({"customer_offers"})), "legitimate_interests"),
        (
            OFFERS,
            _person(
                collected_for=frozenset({"customer_offers"}),
                objections=(("legitimate_interest", "customer_offers", "upheld"),),
            ),
            None,
        ),
        (
            OFFERS,
            _person(
                collected_for=frozenset({"customer_offers"}),
                objections=(("legitimate_interest", "customer_offers", "rejected"),),
            ),
            "legitimate_interests",
        ),
        (
            ANALYTICS,
            _person(
                collected_for=frozenset({"analytics"}), objections=(("legitimate_interest", None, "upheld"),)
            ),
            None,
        ),
    ],
)
def test_another_activity_keeps_a_basis_only_while_it_really_processes_the_person(
    activity: Activity, person: Person, basis: str | None
) -> None:
    assert still_based(activity, person) == basis


def test_withdrawn_data_another_basis_needs_are_kept_and_the_rest_is_deleted() -> None:
    person = _person(
        consents={"newsletter": "withdrawn"}, collected_for=frozenset({"newsletter", "invoicing"})
    )
    items = [Item(1, "email", "newsletter"), Item(2, "name", "newsletter"), Item(3, "name", "invoicing")]

    verdicts = sort(items, REGISTER, person, gone=frozenset({"newsletter"}), triggered_at=AT, now=AT)

    assert [(v.item.id, v.why, v.by) for v in verdicts] == [
        (1, Why.DELETED, None),
        (2, Why.OTHER_BASIS, "invoicing (legal_obligation)"),
    ]  # item 3 was never the newsletter's: not part of the verdicts


@pytest.mark.parametrize(
    ("person", "why"),
    [
        (_person(holds=frozenset({"newsletter"})), Why.LEGAL_HOLD),
        (_person(holds=frozenset({"customer_service"})), Why.DELETED),  # a hold on something else
        (_person(legal_claims=True), Why.LEGAL_CLAIMS),
        (_person(holds=frozenset({"newsletter"}), legal_claims=True), Why.LEGAL_CLAIMS),
    ],
)
def test_a_legal_hold_or_a_restriction_for_legal_claims_keeps_the_data(person: Person, why: Why) -> None:
    verdicts = sort(
        [Item(1, "email", "newsletter")],
        REGISTER,
        person,
        gone=frozenset({"newsletter"}),
        triggered_at=AT,
        now=AT,
    )

    assert [v.why for v in verdicts] == [why]


@pytest.mark.parametrize(
    ("withdrawn", "now", "why"),
    [
        (datetime(2026, 1, 31, 12, tzinfo=UTC), datetime(2026, 2, 28, 11, 59, tzinfo=UTC), Why.RETENTION),
        (datetime(2026, 1, 31, 12, tzinfo=UTC), datetime(2026, 2, 28, 12, tzinfo=UTC), Why.DELETED),
        (
            datetime(2024, 1, 31, 12, tzinfo=UTC),
            datetime(2024, 2, 29, 11, tzinfo=UTC),
            Why.RETENTION,
        ),  # leap day
        (datetime(2024, 1, 31, 12, tzinfo=UTC), datetime(2024, 2, 29, 12, tzinfo=UTC), Why.DELETED),
        (datetime(2026, 12, 31, 23, tzinfo=UTC), datetime(2027, 1, 31, 22, tzinfo=UTC), Why.RETENTION),
        (datetime(2026, 12, 31, 23, tzinfo=UTC), datetime(2027, 1, 31, 23, tzinfo=UTC), Why.DELETED),
    ],
)
def test_a_retention_period_counted_from_the_withdrawal_keeps_the_data_to_its_last_moment(
    withdrawn: datetime, now: datetime, why: Why
) -> None:
    person = _person(categories=("prospect",), consents={"newsletter_proof": "withdrawn"})

    verdicts = sort(
        [Item(1, "email", "newsletter_proof")],
        REGISTER,
        person,
        gone=frozenset({"newsletter_proof"}),
        triggered_at=withdrawn,
        now=now,
    )

    assert [v.why for v in verdicts] == [why]
    assert verdicts[0].until is None or verdicts[0].until == add_period(withdrawn, "P1M")


@pytest.mark.parametrize(
    ("start", "period", "end"),
    [
        (datetime(2026, 1, 31, tzinfo=UTC), "P1M", datetime(2026, 2, 28, tzinfo=UTC)),
        (datetime(2024, 2, 29, tzinfo=UTC), "P1Y", datetime(2025, 2, 28, tzinfo=UTC)),
        (datetime(2026, 3, 10, tzinfo=UTC), "P30D", datetime(2026, 4, 9, tzinfo=UTC)),
        (datetime(2026, 3, 10, tzinfo=UTC), "P1Y2M1W", datetime(2027, 5, 17, tzinfo=UTC)),
    ],
)
def test_periods_follow_the_calendar(start: datetime, period: str, end: datetime) -> None:
    assert add_period(start, period) == end


@pytest.mark.parametrize(
    ("whys", "items", "person", "open_requests", "why_not"),
    [
        ([Why.DELETED], 1, _person(), 0, None),
        ([Why.DELETED, Why.LEGAL_HOLD], 2, _person(), 0, "data_kept"),
        ([Why.DELETED], 2, _person(), 0, "other_activities"),
        ([Why.DELETED], 1, _person(consents={"contest": "given"}), 0, "consent_in_force"),
        ([Why.DELETED], 1, _person(holds=frozenset({"defence"})), 0, "legal_hold"),
        ([Why.DELETED], 1, _person(), 1, "open_request"),
    ],
)
def test_the_whole_record_goes_only_when_nothing_at_all_is_left(
    whys: list[Why], items: int, person: Person, open_requests: int, why_not: str | None
) -> None:
    verdicts = [Verdict(Item(n, "email", "newsletter"), why) for n, why in enumerate(whys)]

    assert why_not_whole(verdicts, items=items, person=person, open_requests=open_requests) == why_not
