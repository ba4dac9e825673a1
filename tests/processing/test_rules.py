"""The register's legal rules, each refused with its path and rule name (no database)."""

from collections.abc import Callable
from typing import Any

import pytest

from lawful.processing import check
from tests.registers import as_yaml, label, lia, minimal

Change = Callable[[dict[str, Any]], None]


def _set(path: str, value: Any) -> Change:
    def change(doc: dict[str, Any]) -> None:
        target: Any = doc
        *parents, last = path.split("/")
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[int(last) if last.isdigit() else last] = value

    return change


def _delete(path: str) -> Change:
    def change(doc: dict[str, Any]) -> None:
        target: Any = doc
        *parents, last = path.split("/")
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        del target[last]

    return change


def _add_special_category(doc: dict[str, Any]) -> None:
    doc["data_categories"].append({"key": "user.demographic.religious_belief", "label": label("Religion")})


def _add_us_recipient(doc: dict[str, Any]) -> None:
    doc["recipients"].append(
        {
            "key": "vendor",
            "name": "Vendor Inc",
            "label": label("Support"),
            "type": "processor",
            "countries": ["IE", "US"],
            "dpa_ref": "DPA-9",
        }
    )


def _two_bases_for_one_subject(doc: dict[str, Any]) -> None:
    doc["activities"][0]["legal_basis"] = [
        {"subjects": ["customer"], "basis": "contract"},
        {"subjects": ["customer"], "basis": "consent"},
    ]


@pytest.mark.parametrize(
    ("change", "path", "rule"),
    [
        (_set("unexpected", 1), "unexpected", "unknown_key"),
        (_set("activities/0/colour", "red"), "activities[0].colour", "unknown_key"),
        (
            _set("activities/0/automated_decisions", "sometimes"),
            "activities[0].automated_decisions",
            "bool_parsing",
        ),
        (_set("recipients/0/countries", "BE"), "recipients[0].countries", "list_type"),
        (_delete("activities/0/legal_basis"), "activities[0].legal_basis", "missing_basis"),
        (
            _set("activities/0/legal_basis", ["consent", "legitimate_interests"]),
            "activities[0].legal_basis",
            "one_basis",
        ),
        (_two_bases_for_one_subject, "activities[0].legal_basis", "one_basis"),
        (
            _set("activities/0/legal_basis", "legitimate_interests"),
            "activities[0].legitimate_interest",
            "lia_required",
        ),
        (_add_special_category, "data_categories[2].art9_condition", "art9_condition"),
        (_add_us_recipient, "recipients[1].transfer", "transfer_mechanism"),
        (_set("retention_rules/0/duration", "indefinite"), "retention_rules[0].duration", "value_error"),
        (_set("retention_rules/0/duration", None), "retention_rules[0].review_every", "retention_review"),
        (
            _set("retention_rules/0/review_every", "P24M"),
            "retention_rules[0].review_every",
            "retention_review",
        ),
        (_set("activities/0/retention", "forever"), "activities[0].retention", "known_reference"),
        (
            _set("activities/0/data_categories", ["user.name", "user.shoe_size"]),
            "activities[0].data_categories[1]",
            "known_reference",
        ),
        (_set("data_categories/1/key", "user.name"), "data_categories[1].key", "unique_key"),
        (_set("data_categories/1/key", "user.shoe_size"), "data_categories[1].key", "fideslang_category"),
        (_set("activities/0/data_use", "selling.everything"), "activities[0].data_use", "fideslang_use"),
        (
            _set("organisation/authoritative_language", "de"),
            "organisation.authoritative_language",
            "literal_error",
        ),
        (_set("activities/0/role", "processor"), "activities[0].on_behalf_of", "processor_controller"),
        (
            _set("recipients/0/fields", ["user.contact.phone_number"]),
            "recipients[0].fields[0]",
            "known_category",
        ),
    ],
)
def test_each_rule_is_refused_with_its_path(change: Change, path: str, rule: str) -> None:
    document = minimal()
    change(document)

    register, problems = check(as_yaml(document))

    assert register is None
    assert (path, rule) in {(p.path, p.rule) for p in problems}


def test_the_minimal_register_is_valid() -> None:
    register, problems = check(as_yaml(minimal()))

    assert register is not None
    assert problems == []


def test_a_legitimate_interest_activity_with_its_assessment_is_valid() -> None:
    document = minimal()
    document["activities"][0] |= {"legal_basis": "legitimate_interests", "legitimate_interest": lia()}

    register, problems = check(as_yaml(document))

    assert register is not None, problems


def test_subject_categories_may_have_different_bases_in_one_activity() -> None:
    document = minimal()
    document["subject_categories"].append(
        {"key": "customer_staff", "extends": "customer", "label": label("Staff")}
    )
    document["activities"][0] |= {
        "subjects": ["customer", "customer_staff"],
        "legal_basis": [
            {"subjects": ["customer"], "basis": "contract"},
            {"subjects": ["customer_staff"], "basis": "legitimate_interests"},
        ],
        "legitimate_interest": lia(),
    }

    register, problems = check(as_yaml(document))

    assert register is not None, problems


def test_a_subject_category_without_a_basis_is_refused() -> None:
    document = minimal()
    document["subject_categories"].append({"key": "prospect", "label": label("Prospects")})
    document["activities"][0] |= {
        "subjects": ["customer", "prospect"],
        "legal_basis": [{"subjects": ["customer"], "basis": "contract"}],
    }

    _, problems = check(as_yaml(document))

    assert ("activities[0].legal_basis", "missing_basis") in {(p.path, p.rule) for p in problems}


def test_a_special_category_with_an_art9_condition_is_accepted() -> None:
    document = minimal()
    document["data_categories"].append(
        {"key": "user.health_and_medical", "label": label("Health"), "art9_condition": "explicit_consent"}
    )

    register, problems = check(as_yaml(document))

    assert register is not None, problems


def test_a_non_eea_recipient_with_a_mechanism_is_accepted() -> None:
    document = minimal()
    _add_us_recipient(document)
    document["recipients"][1]["transfer"] = {
        "mechanism": "adequacy_dpf",
        "reference": "Decision (EU) 2023/1795",
    }

    register, problems = check(as_yaml(document))

    assert register is not None, problems


def test_scc_transfers_need_a_transfer_impact_assessment() -> None:
    document = minimal()
    _add_us_recipient(document)
    document["recipients"][1]["transfer"] = {"mechanism": "scc", "reference": "2021/914 module 2"}

    _, problems = check(as_yaml(document))

    assert ("recipients[1].transfer.tia_ref", "transfer_impact_assessment") in {
        (p.path, p.rule) for p in problems
    }


def test_a_non_essential_tracker_needs_a_consent_based_activity() -> None:
    document = minimal()
    document["trackers"].append(
        {
            "key": "ga",
            "name": "_ga",
            "kind": "cookie",
            "party": "first",
            "provider": "Google",
            "category": "analytics",
            "purpose": label("Statistics"),
            "duration": "P2Y",
            "activity": "customer_service",
        }
    )

    _, problems = check(as_yaml(document))

    assert ("trackers[1].activity", "tracker_consent") in {(p.path, p.rule) for p in problems}


def test_a_processor_without_a_dpa_is_a_warning_not_an_error() -> None:
    document = minimal()
    del document["recipients"][0]["dpa_ref"]

    register, problems = check(as_yaml(document))

    assert register is not None
    assert [(p.path, p.severity) for p in problems] == [("recipients[0].dpa_ref", "warning")]


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ("format: 1\norganisation: [unclosed", "(line 2, column 15)"),
        ("format: 1\nformat: 1\n", "(line 2, column 1)"),
        ("- just\n- a list\n", "(document)"),
    ],
)
def test_malformed_yaml_is_reported_with_its_position(text: str, path: str) -> None:
    register, problems = check(text)

    assert register is None
    assert problems[0].path.startswith(path.split(",")[0])
