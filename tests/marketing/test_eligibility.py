"""The send-time rule as a table (no database): basis × consent × objection × restriction × exclusion entry.

A queued marketing message goes only if, at its turn, the gate allows the person for the campaign's
purpose and no exclusion entry covers that purpose (R-36, T-14)."""

import itertools
from datetime import UTC, datetime

import pytest

from lawful.decisions.rules import Person, Purpose, decide
from lawful.marketing import eligibility

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
BASES = ["consent", "legitimate_interests"]
STATES = ["given", "withdrawn", "never_given"]
OBJECTIONS = [(), (("direct_marketing", None, None),)]
ENTRIES = [None, "newsletter", "product_news", "marketing"]  # no entry, this purpose, another, every one
CASES = list(itertools.product(BASES, STATES, OBJECTIONS, [False, True], ENTRIES, [False, True]))


def expected(basis: str, state: str, objected: bool, restricted: bool, entry: str | None) -> str | None:
    if basis == "consent" and state != "given":
        return "consent_withdrawn" if state == "withdrawn" else "no_consent"
    if objected:
        return "objected"
    if restricted:
        return "restricted"
    if entry in ("newsletter", "marketing"):
        return "suppressed"
    return None


@pytest.mark.parametrize(("basis", "state", "objections", "restricted", "entry", "address_listed"), CASES)
def test_a_message_goes_only_when_nothing_stands_in_the_way_at_its_turn(
    basis: str,
    state: str,
    objections: tuple[tuple[str, None, None], ...],
    restricted: bool,
    entry: str | None,
    address_listed: bool,
) -> None:
    purpose = Purpose(
        key="newsletter",
        bases={"prospect": basis},
        data_categories=frozenset({"user.contact.email"}),
        marketing=True,
    )
    person = Person(
        categories=("prospect",),
        consent=state,
        objections=objections,
        restricted=restricted,
        suppressed=entry is not None and eligibility.covers(entry, "newsletter"),
    )
    decision = decide(purpose, person, frozenset(), NOW)

    reason = eligibility.reason_at_send(
        allowed=decision.allow,
        reasons=[str(r) for r in decision.reasons],
        address_suppressed=address_listed,  # the message's own address, written when it was queued
    )

    want = expected(basis, state, bool(objections), restricted, entry)
    assert reason == (want if want is not None or not address_listed else "suppressed")


def test_an_entry_for_one_newsletter_does_not_cover_another() -> None:
    assert eligibility.covers("newsletter", "newsletter")
    assert eligibility.covers("marketing", "product_news")
    assert not eligibility.covers("newsletter", "product_news")


def test_the_table_covers_every_combination() -> None:
    assert len(CASES) == 2 * 3 * 2 * 2 * 4 * 2
