"""Until when a kept field is kept, and the map rules that protect records kept by law (T-03)."""

from datetime import date

import pytest
import yaml

from lawful import processing
from lawful.connectors import rules
from tests.connectors.conftest import EXAMPLE
from tests.registers import as_yaml


def _rule(trigger: str, duration: str) -> processing.RetentionRule:
    return processing.RetentionRule(
        key="r", label=processing.Label(en="r"), trigger=trigger, duration=duration, action="delete"
    )


@pytest.mark.parametrize(
    ("since", "trigger", "duration", "until"),
    [
        (date(2024, 3, 15), "document_date_next_january", "P10Y", date(2034, 12, 31)),
        (date(2024, 12, 31), "document_date_next_january", "P10Y", date(2034, 12, 31)),
        (date(2025, 1, 1), "document_date_next_january", "P10Y", date(2035, 12, 31)),
        (date(2024, 3, 1), "collection", "P1Y", date(2025, 2, 28)),
        (date(2024, 2, 29), "collection", "P1Y", date(2025, 2, 27)),
        (date(2025, 1, 31), "collection", "P1M", date(2025, 2, 27)),
        (date(2024, 1, 31), "collection", "P1M", date(2024, 2, 28)),
    ],
)
def test_a_kept_field_is_kept_until_the_last_day_of_its_period(
    since: date, trigger: str, duration: str, until: date
) -> None:
    assert rules.kept_until(since, _rule(trigger, duration)) == until


def test_without_a_date_the_end_is_the_rules_criterion() -> None:
    assert rules.kept_until(None, _rule("contract_end", "P5Y")) is None


def _problems(change: dict[str, object]) -> list[str]:
    document = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    document["datastores"][0]["tables"][0]["columns"][0].update(change)
    _, problems = processing.check(as_yaml(document))
    return [f"{p.path} {p.rule}" for p in problems]


def test_deleting_customer_rows_that_kept_invoices_reference_is_refused() -> None:
    assert _problems({"erasure": "delete_row", "replacement": None}) == [
        "datastores[0].tables[0].columns deletes_kept_rows"
    ]


def test_a_column_of_a_category_the_register_does_not_declare_is_refused() -> None:
    assert _problems({"category": "user.biometric"}) == [
        "datastores[0].tables[0].columns[0].category unknown_category"
    ]


def test_anonymise_without_a_replacement_is_refused_with_its_path() -> None:
    assert _problems({"replacement": None}) == ["datastores[0].tables[0].columns[0] value_error"]
