"""What a notification must contain (Art. 33(3)-(4)) without a database: missing items marked "to follow",
the required ones refused unless declared so, a late one needing its reason, the cross-border states."""

import pytest

from lawful.breaches.dossier import rules

KNOWN = {
    "nature": {"kinds": ["confidentiality"]},
    "categories": {"data": [{"key": "user.name", "approx": 3}]},
    "approx_subjects": 3,
    "approx_records": 0,  # a number, even nought, is known
    "contact": {"email": "dpo@example.test"},
    "consequences": {"text": "phishing"},
    "measures": {"taken": "revoked"},
    "cross_border": None,
}


@pytest.mark.parametrize(
    ("value", "missing"), [(None, True), ("  ", True), ([], True), ({}, True), (0, False), ("x", False)]
)
def test_an_item_is_missing_when_nothing_of_it_is_known(value: object, missing: bool) -> None:
    assert rules.missing(value) is missing


def test_every_missing_item_is_marked_to_follow() -> None:
    marked = rules.marked(KNOWN)

    assert marked["cross_border"] == {"to_follow": True}
    assert marked["approx_records"] == 0 and marked["nature"] == KNOWN["nature"]


@pytest.mark.parametrize("item", rules.REQUIRED)
def test_each_item_art_33_3_requires_is_refused_when_missing_and_not_declared_to_follow(item: str) -> None:
    items = KNOWN | {item: None}

    assert [p["path"] for p in rules.problems(items, to_follow=[], late=False, late_reason=None)] == [item]
    assert rules.problems(items, to_follow=[item], late=False, late_reason=None) == []


def test_an_optional_item_missing_is_no_problem() -> None:
    assert rules.problems(KNOWN, to_follow=[], late=False, late_reason=None) == []


def test_a_name_that_is_no_item_of_the_form_is_refused() -> None:
    found = rules.problems(KNOWN, to_follow=["harm"], late=False, late_reason=None)

    assert [p["path"] for p in found] == ["to_follow[0]"]


@pytest.mark.parametrize(
    ("late", "reason", "refused"),
    [(False, None, False), (True, None, True), (True, " ", True), (True, "weekend", False)],
)
def test_a_late_notification_needs_the_reason_for_the_delay(
    late: bool, reason: str | None, refused: bool
) -> None:
    found = rules.problems(KNOWN, to_follow=["late_reason"], late=late, late_reason=reason)

    assert [p["path"] for p in found if p["path"] == "late_reason"] == (["late_reason"] if refused else [])


def test_an_item_declared_to_follow_is_marked_so_even_if_partly_known() -> None:
    assert rules.declared(KNOWN, ["measures"])["measures"] == {"to_follow": True}


def test_other_eea_states_and_countries_outside_are_told_apart_from_home() -> None:
    assert rules.other_states(["BE", "FR", "US", "NL"], "BE", {"BE", "FR", "NL"}) == (["FR", "NL"], ["US"])
