"""Retention rules that never end, account data without a period after the relationship, warnings before
deletion (R-71, R-77, R-82): refused with their path, from the rules and from `lawful register check`."""

import json
from pathlib import Path
from typing import Any

import pytest

from lawful.processing import check
from tests.conftest import Lawful
from tests.registers import as_yaml, label, minimal


def _rule(**fields: Any) -> dict[str, Any]:
    return {"key": "kept", "label": label("Kept"), "action": "delete"} | fields


def _with_rule(**fields: Any) -> dict[str, Any]:
    """The minimal register whose only activity (customers' service data, a contract) uses `fields`."""
    document = minimal()
    document["retention_rules"] = [_rule(**fields)]
    document["activities"][0]["retention"] = "kept"
    return document


def _found(document: dict[str, Any]) -> set[tuple[str, str]]:
    _, problems = check(as_yaml(document))
    return {(p.path, p.rule) for p in problems}


@pytest.mark.parametrize(
    ("fields", "path", "rule"),
    [
        ({"trigger": "collection"}, "retention_rules[0].duration", "retention_end"),
        ({"trigger": "collection", "review_every": "P6M"}, "retention_rules[0].duration", "retention_end"),
        ({"trigger": "last_inbound_contact"}, "retention_rules[0].duration", "retention_end"),
        ({"trigger": "document_date_next_january"}, "retention_rules[0].duration", "retention_end"),
        ({"trigger": "contract_end"}, "retention_rules[0].review_every", "retention_review"),
        (
            {"trigger": "contract_end", "review_every": "P13M"},
            "retention_rules[0].review_every",
            "retention_review",
        ),
        (
            {"trigger": "relationship_end", "review_every": "P12M"},
            "retention_rules[0].duration",
            "post_relationship_period",
        ),
        (
            {"trigger": "account_closure", "review_every": "P12M", "warn_before": "P30D"},
            "retention_rules[0].duration",
            "post_relationship_period",
        ),
        (
            {"trigger": "account_closure", "duration": "P12M"},
            "retention_rules[0].warn_before",
            "warning_period",
        ),
        (
            {"trigger": "relationship_end", "duration": "P12M", "warn_before": "P12M"},
            "retention_rules[0].warn_before",
            "warning_period",
        ),
        (
            {"trigger": "relationship_end", "duration": "P1M", "warn_before": "P5W"},
            "retention_rules[0].warn_before",
            "warning_period",
        ),
        (
            {"trigger": "relationship_end", "duration": "P12M", "warn_before": "P0D"},
            "retention_rules[0].warn_before",
            "warning_period",
        ),
        (
            {"trigger": "collection", "duration": "P2Y", "warn_before": "P30D"},
            "retention_rules[0].warn_before",
            "warning_period",
        ),
        (
            {"trigger": "contract_end", "duration": "P1Y", "warn_before": "30 days"},
            "retention_rules[0].warn_before",
            "value_error",
        ),
        # customers' service data under a contract that end only if they object: never, for a former customer
        (
            {"trigger": "objection", "review_every": "P12M"},
            "activities[0].retention",
            "post_relationship_period",
        ),
        (
            {"trigger": "consent_withdrawal", "duration": "P1Y"},
            "activities[0].retention",
            "post_relationship_period",
        ),
        (
            {"trigger": "contract_end", "review_every": "P12M"},
            "activities[0].retention",
            "post_relationship_period",
        ),
    ],
)
def test_a_rule_that_never_ends_or_ends_unstated_is_refused_with_its_path(
    fields: dict[str, Any], path: str, rule: str
) -> None:
    register, problems = check(as_yaml(_with_rule(**fields)))

    assert register is None
    assert (path, rule) in {(p.path, p.rule) for p in problems}, problems


@pytest.mark.parametrize(
    "fields",
    [
        {"trigger": "collection", "duration": "P2Y"},
        {"trigger": "last_inbound_contact", "duration": "P3Y"},
        {"trigger": "contract_end", "duration": "P5Y"},
        {"trigger": "relationship_end", "duration": "P12M"},
        {"trigger": "relationship_end", "duration": "P12M", "warn_before": "P30D"},
        {"trigger": "relationship_end", "duration": "P12M", "warn_before": "P11M"},
        {"trigger": "account_closure", "duration": "P12M", "warn_before": "P30D"},
        {"trigger": "account_closure", "duration": "P2D", "warn_before": "P1D"},
    ],
)
def test_a_rule_with_its_end_and_its_warning_is_accepted(fields: dict[str, Any]) -> None:
    register, problems = check(as_yaml(_with_rule(**fields)))

    assert register is not None, problems


@pytest.mark.parametrize(
    "change",
    [
        {"data_use": "marketing.communications.email", "legal_basis": "consent"},  # not service data
        {"legal_basis": "legitimate_interests"},  # not the customer's contract
        {"role": "processor", "legal_basis": None, "on_behalf_of": "Client SA"},  # the client's DPA decides
    ],
)
def test_only_customers_service_data_under_contract_need_a_period_after_the_relationship(
    change: dict[str, Any],
) -> None:
    document = _with_rule(trigger="objection", review_every="P12M")
    document["activities"][0] |= {k: v for k, v in change.items() if v is not None}
    if change.get("legal_basis", "") is None:
        del document["activities"][0]["legal_basis"]
    if change.get("legal_basis") == "legitimate_interests":
        document["activities"][0]["legitimate_interest"] = {
            "interest": label("i"),
            "necessity": "n",
            "impact": "i",
            "safeguards": "s",
            "outcome": "o",
            "reviewer": "DPO",
            "reviewed_on": "2026-01-01",
        }

    assert ("activities[0].retention", "post_relationship_period") not in _found(document)


def test_a_category_refining_customer_counts_as_customers() -> None:
    document = _with_rule(trigger="objection", review_every="P12M")
    document["subject_categories"] = [
        {"key": "customer", "label": label("Customers")},
        {"key": "subscriber", "extends": "account_holder", "label": label("Subscribers")},
        {"key": "account_holder", "extends": "customer", "label": label("Account holders")},
    ]
    document["activities"][0]["subjects"] = ["subscriber"]

    assert ("activities[0].retention", "post_relationship_period") in _found(document)


@pytest.mark.parametrize(
    ("evidence", "after_withdrawal", "refused"),
    [("P5Y", "P5Y", False), ("P5Y", "P61M", True), ("P5Y", "P4Y11M", False), ("P10Y", "P6Y", False)],
)
def test_the_proof_of_consent_outlasts_data_kept_after_a_withdrawal(
    evidence: str, after_withdrawal: str, refused: bool
) -> None:
    document = minimal()
    document["organisation"]["records"] = {"consent_evidence": evidence}
    document["retention_rules"].append(_rule(trigger="consent_withdrawal", duration=after_withdrawal))

    found = _found(document)

    assert (("organisation.records.consent_evidence", "consent_evidence_period") in found) is refused


def test_the_consent_evidence_period_is_an_iso_period() -> None:
    document = minimal()
    document["organisation"]["records"] = {"consent_evidence": "five years"}

    assert ("organisation.records.consent_evidence", "value_error") in _found(document)


def test_register_check_names_each_path_and_exits_1(lawful: Lawful, tmp_path: Path) -> None:
    document = minimal()
    document["retention_rules"] += [
        _rule(key="forever", trigger="collection"),
        _rule(key="accounts", trigger="account_closure", duration="P12M"),
        _rule(key="after_end", trigger="relationship_end", review_every="P12M"),
    ]
    path = tmp_path / "register.yaml"
    path.write_text(as_yaml(document), encoding="utf-8")

    result = lawful("register", "check", str(path), "--json")

    assert result.exit_code == 1
    found = {(p["path"], p["rule"]) for p in json.loads(result.stdout)["problems"]}
    assert found == {
        ("retention_rules[1].duration", "retention_end"),
        ("retention_rules[2].warn_before", "warning_period"),
        ("retention_rules[3].duration", "post_relationship_period"),
    }


def test_register_check_accepts_a_warning_and_prints_the_register_valid(
    lawful: Lawful, tmp_path: Path
) -> None:
    document = minimal()
    document["retention_rules"].append(
        _rule(key="accounts", trigger="account_closure", duration="P12M", warn_before="P30D")
    )
    path = tmp_path / "register.yaml"
    path.write_text(as_yaml(document), encoding="utf-8")

    result = lawful("register", "check", str(path))

    assert result.exit_code == 0, result.output
    assert "the register is valid" in result.stdout


def test_the_register_schema_describes_the_warning_and_the_pseudonymised_flag(lawful: Lawful) -> None:
    result = lawful("register", "schema")

    definitions = json.loads(result.stdout)["$defs"]
    assert "warn_before" in definitions["RetentionRule"]["properties"]
    assert "pseudonymised" in definitions["Activity"]["properties"]
    assert "consent_evidence" in definitions["Records"]["properties"]
