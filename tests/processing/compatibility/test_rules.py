"""Art. 6(4) by table: which new purposes on data already held need a compatibility assessment (R-11)."""

from typing import Any

import pytest

from lawful.processing import Register
from lawful.processing.compatibility import problems
from tests.registers import label, minimal

from .world import assessment, with_loyalty


def _register(document: dict[str, Any]) -> Register:
    return Register.model_validate(document)


OTHER_DATA: dict[str, Any] = {"data_categories": ["user.name"]}  # still held: name


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        (with_loyalty(), [("activities[loyalty].compatibility", "compatibility_assessment_missing")]),
        (with_loyalty(assessment()), []),
        (with_loyalty(assessment(notice_required=False)), []),
        (
            with_loyalty(assessment(outcome="incompatible")),
            [("activities[loyalty].compatibility.outcome", "purpose_incompatible")],
        ),
        (
            with_loyalty(assessment(original_purposes=["webshop"])),
            [("activities[loyalty].compatibility.original_purposes", "compatibility_unknown_purpose")],
        ),
        (with_loyalty(legal_basis="consent", legitimate_interest=None), []),  # new consent is asked instead
        (with_loyalty(legal_basis="legal_obligation", legitimate_interest=None), []),  # the law decides
        (
            with_loyalty(**OTHER_DATA),
            [("activities[loyalty].compatibility", "compatibility_assessment_missing")],
        ),
        (minimal(), []),  # nothing new
    ],
)
def test_a_new_purpose_on_data_already_held_needs_an_assessment(
    document: dict[str, Any], expected: list[tuple[str, str]]
) -> None:
    if document.get("activities") and document["activities"][-1].get("legitimate_interest", 0) is None:
        del document["activities"][-1]["legitimate_interest"]
    found = problems(_register(document), _register(minimal()))

    assert [(p.path, p.rule) for p in found] == expected


def test_a_new_purpose_on_new_data_needs_none() -> None:
    document = with_loyalty(data_categories=["user.loyalty_number"])
    document["data_categories"].append({"key": "user.loyalty_number", "label": label("Loyalty number")})

    assert problems(_register(document), _register(minimal())) == []


def test_the_first_register_has_no_data_held_yet() -> None:
    assert problems(_register(with_loyalty()), None) == []
