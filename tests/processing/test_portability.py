"""What a portable copy carries (Art. 20, R-68, A-08), from the register alone: table over scope, origin,
legal basis and source (no database)."""

from typing import Any

import pytest

from lawful import processing
from tests.registers import label, people


def _register(scope: str | None, *, score_origin: str | None = "inferred") -> processing.Register:
    """The people register plus a lead score on the contact-request activity (contract)."""
    document = people()
    score: dict[str, Any] = {"key": "user.behavior.lead_score", "extends": "user", "label": label("Score")}
    if score_origin is not None:
        score["origin"] = score_origin
    document["data_categories"].append(score)
    next(a for a in document["activities"] if a["key"] == "request_followup")["data_categories"].append(
        "user.behavior.lead_score"
    )
    if scope is not None:
        document["organisation"]["portability"] = {"scope": scope}
    return processing.Register.model_validate(document)


@pytest.mark.parametrize(
    ("scope", "activity", "category", "from_subject", "carried"),
    [
        # the default scope, the legal minimum: given by the person, on consent or contract, not inferred
        (None, "request_followup", "user.name", True, True),  # contract
        (None, "newsletter", "user.contact.email", True, True),  # consent
        (None, "referral", "user.contact.email", True, False),  # legitimate interests: never (T-18)
        (None, "request_followup", "user.behavior.lead_score", True, False),  # inferred
        (None, "request_followup", "user.name", False, False),  # from a partner, not the person
        (None, "newsletter", "user.contact.phone_number", True, False),  # not a category of that activity
        (None, "unknown_activity", "user.name", True, False),
        ("provided_only", "request_followup", "user.behavior.lead_score", True, False),
        ("provided_only", "contest", "user.demographic.date_of_birth", True, True),
        # "all your personal data" (seed 003): inferred and third-party data too, still only those bases
        ("all_under_contract_or_consent", "request_followup", "user.behavior.lead_score", True, True),
        ("all_under_contract_or_consent", "request_followup", "user.name", False, True),
        ("all_under_contract_or_consent", "referral", "user.contact.email", True, False),
        ("all_under_contract_or_consent", "newsletter", "user.contact.phone_number", True, False),
    ],
)
def test_a_value_is_carried_by_scope_basis_origin_and_source(
    scope: str | None, activity: str, category: str, from_subject: bool, carried: bool
) -> None:
    portable = processing.portable(_register(scope))

    assert portable.carries(activity=activity, category=category, from_subject=from_subject) is carried


@pytest.mark.parametrize(("origin", "carried"), [(None, True), ("provided", True), ("observed", True)])
def test_provided_and_observed_categories_are_carried_by_default(origin: str | None, carried: bool) -> None:
    portable = processing.portable(_register(None, score_origin=origin))

    assert (
        portable.carries(activity="request_followup", category="user.behavior.lead_score", from_subject=True)
        is carried
    )


def test_datastores_get_every_category_of_a_portable_activity_and_nothing_inferred() -> None:
    minimum = processing.portable(_register(None)).any_activity()
    everything = processing.portable(_register("all_under_contract_or_consent")).any_activity()

    assert "user.content.private" in minimum  # request_followup, on contract
    assert "user.behavior.lead_score" not in minimum and "user.behavior.lead_score" in everything
    assert everything - minimum == {"user.behavior.lead_score"}


def test_an_unknown_scope_or_origin_is_refused_naming_the_field() -> None:
    with pytest.raises(ValueError, match=r"organisation\.portability\.scope"):
        _register("everything")
    with pytest.raises(ValueError, match=r"data_categories\.\d+\.origin"):
        _register(None, score_origin="guessed")
