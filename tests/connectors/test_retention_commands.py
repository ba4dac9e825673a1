"""`lawful connectors retention plan|run` as the privacy officer runs them, read back from the Chinook
database itself (R-72, R-75, R-79; issue 17's evidence)."""

import json
from datetime import timedelta

import pytest

from lawful import clock
from lawful.config import get_settings
from tests.conftest import Lawful
from tests.connectors.conftest import EMAIL, INVOICE, Chinook, count, invoice_and_lines


def test_the_invoice_of_2024_03_15_is_there_after_the_run_of_2034_12_31_and_gone_after_2035_01_01(
    lawful: Lawful, shop: Chinook
) -> None:
    before = lawful("connectors", "retention", "run", "--now", "2034-12-31")

    assert before.exit_code == 0, before.output
    assert invoice_and_lines(shop, INVOICE) == (1, 14)
    assert "retention run for 2034-12-31: 1600 row(s) ended" in before.output  # 249 invoices, 1351 lines

    after = lawful("connectors", "retention", "run", "--now", "2035-01-01")

    assert after.exit_code == 0, after.output
    assert invoice_and_lines(shop, INVOICE) == (0, 0)
    assert count(shop, "SELECT count(*) FROM {invoice}") == 412 - 332
    again = lawful("connectors", "retention", "run", "--now", "2035-01-01", "--json")
    assert again.exit_code == 0 and json.loads(again.output)["done"] == []
    assert count(shop, "SELECT count(*) FROM {line}") == 2240 - 1798


def test_the_plan_in_json_counts_per_table_rule_and_month_and_changes_nothing(
    lawful: Lawful, shop: Chinook
) -> None:
    result = lawful("connectors", "retention", "plan", "--now", "2034-12-31", "--json")

    assert result.exit_code == 0, result.output
    plan = json.loads(result.output)
    invoice = next(line for line in plan["lines"] if line["table"] == shop.name("Invoice"))
    assert (invoice["due"], invoice["held"], invoice["action"], invoice["retention"]) == (
        249,
        0,
        "delete",
        "invoices_vat",
    )
    assert invoice["months"]["2035-01"] == 83 and plan["today"] == "2034-12-31"
    assert count(shop, "SELECT count(*) FROM {invoice}") == 412
    for value in (EMAIL, "Tremblay", "Theodor-Heuss"):
        assert value not in result.output


def test_a_customer_under_legal_hold_keeps_their_invoices_and_the_run_says_legal_hold(
    lawful: Lawful, shop: Chinook
) -> None:
    added = lawful(
        "subjects", "add", "--activity", "invoicing", "--category", "customer", "--channel", "email",
        "--email", EMAIL, "--json",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    review = (clock.today() + timedelta(days=60)).isoformat()
    subject_id = json.loads(added.output)["subject_id"]
    held = lawful(
        "flags", "hold", subject_id, "--case", "C-7", "--reason", "claim", "--purpose", "invoicing",
        "--review", review,
    )  # fmt: skip
    assert held.exit_code == 0, held.output

    result = lawful("connectors", "retention", "run", "--now", "2035-01-01", "--json")

    assert result.exit_code == 0, result.output
    assert count(shop, "SELECT count(*) FROM {invoice} WHERE {customer} = 3") == 7
    invoice = next(d for d in json.loads(result.output)["done"] if d["table"] == shop.name("Invoice"))
    assert (invoice["rows"], invoice["held"], invoice["why_held"]) == (327, 5, "legal_hold")
    plan = lawful("connectors", "retention", "plan", "--now", "2035-01-01")
    assert plan.exit_code == 0 and "kept by a legal hold (legal_hold)" in plan.output


def test_a_day_after_today_is_refused_outside_test_mode_and_nothing_changes(
    lawful: Lawful, shop: Chinook, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LAWFUL_TEST_MODE", "false")
    get_settings.cache_clear()  # as a fresh `lawful` process reads it

    result = lawful("connectors", "retention", "run", "--now", "2035-01-01")

    assert result.exit_code == 2 and "--now" in result.output
    assert count(shop, "SELECT count(*) FROM {invoice}") == 412


@pytest.mark.parametrize("bad", ["2035-13-01", "35-01-01", "1999-12-31"])
def test_a_day_that_is_not_one_is_refused(lawful: Lawful, bad: str) -> None:
    result = lawful("connectors", "retention", "plan", "--now", bad)

    assert result.exit_code == 2 and "--now" in result.output


def test_a_datastore_without_its_url_fails_the_run_naming_the_setting(
    lawful: Lawful, shop: Chinook, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LAWFUL_DATASTORES__CHINOOK")
    get_settings.cache_clear()

    result = lawful("connectors", "retention", "run", "--now", "2035-01-01")

    assert result.exit_code == 1
    assert "LAWFUL_DATASTORES__CHINOOK" in result.output and "datastore_not_configured" in result.output
    assert count(shop, "SELECT count(*) FROM {invoice}") == 412
