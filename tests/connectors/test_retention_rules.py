"""When a kept datastore row leaves (R-75), and the map rules that make every kept row able to leave (R-71)."""

from datetime import date, timedelta
from typing import Any

import pytest
import yaml

from lawful import processing
from lawful.connectors.retention import rules
from tests.connectors.conftest import EXAMPLE
from tests.registers import as_yaml


def _rule(trigger: str, duration: str | None) -> processing.RetentionRule:
    return processing.RetentionRule(
        key="r",
        label=processing.Label(en="r"),
        trigger=trigger,
        duration=duration,
        review_every=None if duration else "P12M",
        action="delete",
    )


VAT = _rule("document_date_next_january", "P10Y")


@pytest.mark.parametrize(
    ("since", "rule", "leaves"),
    [
        (date(2024, 3, 15), VAT, date(2035, 1, 1)),
        (date(2024, 1, 1), VAT, date(2035, 1, 1)),
        (date(2024, 12, 31), VAT, date(2035, 1, 1)),
        (date(2025, 1, 1), VAT, date(2036, 1, 1)),
        (date(2024, 2, 29), _rule("collection", "P1Y"), date(2025, 2, 28)),
        (date(2025, 1, 31), _rule("collection", "P1M"), date(2025, 2, 28)),
        (date(2024, 1, 31), _rule("collection", "P1M"), date(2024, 2, 29)),
        (date(2020, 6, 30), _rule("contract_end", "P10Y"), date(2030, 6, 30)),
        (date(2025, 3, 30), _rule("account_closure", None), date(2025, 3, 30)),
    ],
)
def test_a_row_leaves_the_day_after_its_last_kept_day(
    since: date, rule: processing.RetentionRule, leaves: date
) -> None:
    assert rules.leaves_on(since, rule) == leaves


@pytest.mark.parametrize(
    ("rule", "today", "first"),
    [
        (VAT, date(2034, 12, 31), date(2024, 1, 1)),  # the invoice of 2024-03-15 is still kept
        (VAT, date(2035, 1, 1), date(2025, 1, 1)),  # and gone on New Year's Day
        (_rule("collection", "P1Y"), date(2025, 2, 28), date(2024, 3, 1)),  # the leap day left that day
        (_rule("collection", "P1Y"), date(2025, 3, 1), date(2024, 3, 2)),
        (_rule("collection", "P1M"), date(2025, 2, 28), date(2025, 2, 1)),  # 28-31 January clamp to it
        (_rule("collection", "P3Y"), date(2026, 1, 10), date(2023, 1, 11)),
    ],
)
def test_rows_dated_before_the_first_kept_day_have_left(
    rule: processing.RetentionRule, today: date, first: date
) -> None:
    assert rules.first_kept(rule, today) == first
    for offset in range(-400, 400):  # the boundary agrees with leaves_on on every day around it
        day = first + timedelta(days=offset)
        assert (rules.leaves_on(day, rule) <= today) is (day < first), day


def test_the_months_ahead_start_with_this_month_and_end_on_their_last_day() -> None:
    months = rules.month_ends(date(2034, 12, 31))

    assert months[:3] == [
        ("2034-12", date(2034, 12, 31)),
        ("2035-01", date(2035, 1, 31)),
        ("2035-02", date(2035, 2, 28)),
    ]
    assert len(months) == 12 and months[-1] == ("2035-11", date(2035, 11, 30))
    assert rules.month_ends(date(2028, 1, 31))[1] == ("2028-02", date(2028, 2, 29))


def _map() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    return document


def _problems(document: dict[str, Any]) -> list[str]:
    _, problems = processing.check(as_yaml(document))
    return [f"{p.path} {p.rule}" for p in problems]


def _tables(document: dict[str, Any]) -> list[dict[str, Any]]:
    tables: list[dict[str, Any]] = document["datastores"][0]["tables"]
    return tables


def test_the_example_map_dates_every_kept_table() -> None:
    assert _problems(_map()) == []


def test_a_kept_table_without_a_date_nor_a_dated_parent_is_refused_naming_the_path() -> None:
    document = _map()
    for column in _tables(document)[1]["columns"]:
        column["keep"] = {k: v for k, v in column["keep"].items() if k != "since"}

    assert _problems(document) == [
        "datastores[0].tables[1].columns[0].keep.since retention_date",
        "datastores[0].tables[2].columns[0].keep.since retention_date",  # its parent dates nothing now
    ]


def test_an_end_that_deletes_rows_and_anonymises_fields_of_them_is_refused() -> None:
    document = _map()
    _tables(document)[1]["columns"][1]["keep"] = {
        **_tables(document)[1]["columns"][1]["keep"],
        "at_end": "set_null",
    }

    assert _problems(document) == ["datastores[0].tables[1].columns[1].keep.at_end end_mixed"]


def test_deleting_invoices_at_their_end_while_their_lines_stay_is_refused() -> None:
    document = _map()
    for column in _tables(document)[2]["columns"]:
        column["keep"] = {**column["keep"], "at_end": "anonymise", "replacement": "0"}

    assert _problems(document) == ["datastores[0].tables[2].link.table end_orphans"]


def test_an_end_that_changes_nothing_is_refused() -> None:
    document = _map()
    for column in _tables(document)[2]["columns"]:
        column["keep"] = {**column["keep"], "at_end": "keep"}
    for column in _tables(document)[1]["columns"]:
        column["keep"] = {**column["keep"], "at_end": "keep"}

    assert _problems(document) == [
        "datastores[0].tables[1].columns[0].keep.at_end end_nothing",
        "datastores[0].tables[2].columns[0].keep.at_end end_nothing",
    ]


def test_anonymise_at_the_end_needs_its_replacement() -> None:
    document = _map()
    _tables(document)[2]["columns"][0]["keep"] = {
        **_tables(document)[2]["columns"][0]["keep"],
        "at_end": "anonymise",
    }

    assert _problems(document) == ["datastores[0].tables[2].columns[0].keep value_error"]


def test_what_an_anonymising_end_writes_skips_the_fields_left_as_they_are() -> None:
    document = _map()
    for column in _tables(document)[1]["columns"]:
        end = {"at_end": "keep"} if column["name"] in ("InvoiceDate", "Total") else {"at_end": "set_null"}
        column["keep"] = {**column["keep"], **end}
    _tables(document)[1]["columns"][1]["keep"] |= {"at_end": "anonymise", "replacement": "gone"}
    register, problems = processing.check(as_yaml(document))
    assert register is not None, problems
    invoice, line = register.datastores[0].tables[1:]

    assert rules.end_changes(invoice, "invoices_vat") == {
        "BillingAddress": "gone",
        "BillingCity": None,
        "BillingState": None,
        "BillingCountry": None,
        "BillingPostalCode": None,
    }
    assert rules.end_changes(line, "invoices_vat") is None  # the lines are deleted
