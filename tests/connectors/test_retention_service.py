"""Retention in a real Chinook database (SQLite copy; PostgreSQL when configured): invoices kept ten years
from the 1 January after their date (R-75), their lines with them, legal holds respected (R-79)."""

import uuid
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session

from lawful import audit, clock, connectors, keystore, subjects
from lawful.actor import Actor
from tests.connectors.conftest import EMAIL, INVOICE, Chinook, count, dated, invoice_and_lines
from tests.factories import make_person, make_register


def day(value: date) -> datetime:
    return datetime.combine(value, time(12), tzinfo=clock.BRUSSELS)


@pytest.fixture
def org(db: Session, chinook: Chinook) -> uuid.UUID:
    dated(chinook, INVOICE, "2024-03-15 00:00:00")
    return make_register(db, chinook.document).organisation_id


def run(
    db: Session, actor: Actor, keys: keystore.Keys, chinook: Chinook, on: date
) -> connectors.RetentionRun:
    return connectors.retention_run(db, actor, keys, now=day(on), settings=chinook.settings)


def test_an_invoice_of_2024_03_15_stays_through_2034_and_leaves_with_its_lines_on_1_january_2035(
    db: Session, actor: Actor, keys: keystore.Keys, chinook: Chinook, org: uuid.UUID
) -> None:
    assert invoice_and_lines(chinook, INVOICE) == (1, 14)

    run(db, actor, keys, chinook, date(2034, 12, 31))

    assert invoice_and_lines(chinook, INVOICE) == (1, 14)
    assert invoice_and_lines(chinook, 250) == (1, 14)  # dated 2024-01-01 00:00: kept as long
    assert count(chinook, "SELECT count(*) FROM {invoice}") == 412 - 249  # every invoice before 2024 left

    done = run(db, actor, keys, chinook, date(2035, 1, 1))

    assert invoice_and_lines(chinook, INVOICE) == (0, 0)
    assert invoice_and_lines(chinook, 332) == (0, 0)  # 2024-12-30: the same New Year's Day
    assert invoice_and_lines(chinook, 333) == (1, 9)  # 2025-01-02: until 2036
    n = chinook.name
    assert {(d.table, d.action, d.rows) for d in done.done} == {
        (n("InvoiceLine"), "deleted", 1798 - 1351),
        (n("Invoice"), "deleted", 332 - 249),
    }
    assert done.problems == []


def test_a_second_run_changes_nothing_and_logs_nothing_more(
    db: Session, actor: Actor, keys: keystore.Keys, chinook: Chinook, org: uuid.UUID
) -> None:
    first = run(db, actor, keys, chinook, date(2035, 1, 1))
    before = chinook.rows("Invoice"), chinook.rows("InvoiceLine"), chinook.rows("Customer")

    second = run(db, actor, keys, chinook, date(2035, 1, 1))

    assert (chinook.rows("Invoice"), chinook.rows("InvoiceLine"), chinook.rows("Customer")) == before
    assert len(first.done) == 2 and second.done == []
    assert len(connectors.list_retention_entries(db, organisation_id=org)) == 2
    assert len(audit.list_entries(db, action="connectors.retention_executed")) == 2


def test_the_deletion_log_has_counts_and_times_and_no_value(
    db: Session, actor: Actor, keys: keystore.Keys, chinook: Chinook, org: uuid.UUID
) -> None:
    run(db, actor, keys, chinook, date(2035, 1, 1))

    entries = {e.table_name: e for e in connectors.list_retention_entries(db, organisation_id=org)}
    invoice = entries[chinook.name("Invoice")]
    assert (invoice.status, invoice.rows, invoice.held, invoice.retention, invoice.action) == (
        "done",
        332,
        0,
        "invoices_vat",
        "deleted",
    )
    assert invoice.ended_on == date(2035, 1, 1) and invoice.keys == [] and invoice.done_at is not None
    entry = audit.latest(db, action="connectors.retention_executed")
    assert entry is not None
    for value in ("Tremblay", EMAIL, "Stuttgart", "Theodor-Heuss"):
        assert value not in str(audit.content(entry))


def test_a_person_under_legal_hold_keeps_their_invoices_reported_as_legal_hold(
    db: Session, actor: Actor, keys: keystore.Keys, chinook: Chinook, org: uuid.UUID
) -> None:
    person = make_person(db, keys, org, email=EMAIL.upper(), category="customer", activity="invoicing")
    subjects.place_hold(
        db,
        actor,
        subject_id=person.subject.id,
        case_ref="C-7",
        reason="a claim about a sale",
        purpose="invoicing",
        review_on=clock.today() + timedelta(days=90),
    )
    mine = "SELECT count(*) FROM {invoice} WHERE {customer} = 3"

    done = run(db, actor, keys, chinook, date(2035, 1, 1))

    assert count(chinook, mine) == 7  # five of them past their end, and the hold past its review date
    assert count(chinook, "SELECT count(*) FROM {invoice}") == 412 - 332 + 5
    by_table = {d.table: d for d in done.done}
    invoice = by_table[chinook.name("Invoice")]
    assert (invoice.rows, invoice.held, invoice.why_held) == (332 - 5, 5, "legal_hold")
    plan = connectors.retention_plan(db, keys, now=day(date(2035, 1, 1)), settings=chinook.settings)
    assert {(line.table, line.due, line.held) for line in plan.lines} >= {(chinook.name("Invoice"), 0, 5)}


def test_a_hold_for_another_activity_does_not_keep_the_invoices(
    db: Session, actor: Actor, keys: keystore.Keys, chinook: Chinook, org: uuid.UUID
) -> None:
    person = make_person(db, keys, org, email=EMAIL, category="customer", activity="sales")
    subjects.place_hold(
        db,
        actor,
        subject_id=person.subject.id,
        case_ref="C-8",
        reason="a dispute over the delivery",
        purpose="sales",  # the invoices are kept for `invoicing` (rule invoices_vat), not for sales
        review_on=clock.today() + timedelta(days=30),
    )

    done = run(db, actor, keys, chinook, date(2035, 1, 1))

    assert count(chinook, "SELECT count(*) FROM {invoice} WHERE {customer} = 3") == 2
    assert all(d.held == 0 for d in done.done)


def test_a_rule_that_legal_holds_do_not_suspend_ends_the_rows_of_a_held_person(
    db: Session, actor: Actor, keys: keystore.Keys, chinook: Chinook
) -> None:
    dated(chinook, INVOICE, "2024-03-15 00:00:00")
    next(r for r in chinook.document["retention_rules"] if r["key"] == "invoices_vat")[
        "legal_hold_suspends"
    ] = False
    org = make_register(db, chinook.document).organisation_id
    person = make_person(db, keys, org, email=EMAIL, category="customer", activity="invoicing")
    subjects.place_hold(
        db,
        actor,
        subject_id=person.subject.id,
        case_ref="C-7",
        reason="claim",
        purpose="invoicing",
        review_on=clock.today() + timedelta(days=30),
    )

    run(db, actor, keys, chinook, date(2035, 1, 1))

    assert count(chinook, "SELECT count(*) FROM {invoice} WHERE {customer} = 3") == 2


def test_a_lifted_hold_lets_the_next_run_end_the_rows(
    db: Session, actor: Actor, keys: keystore.Keys, chinook: Chinook, org: uuid.UUID
) -> None:
    person = make_person(db, keys, org, email=EMAIL, category="customer", activity="invoicing")
    hold = subjects.place_hold(
        db,
        actor,
        subject_id=person.subject.id,
        case_ref="C-7",
        reason="claim",
        purpose="invoicing",
        review_on=clock.today() + timedelta(days=30),
    )
    run(db, actor, keys, chinook, date(2035, 1, 1))
    subjects.lift_hold(db, actor, hold_id=hold.id)

    again = run(db, actor, keys, chinook, date(2035, 1, 1))

    assert count(chinook, "SELECT count(*) FROM {invoice} WHERE {customer} = 3") == 2
    assert {(d.action, d.rows, d.held) for d in again.done if d.table == chinook.name("Invoice")} == {
        ("deleted", 5, 0)
    }


def test_the_plan_counts_what_leaves_now_and_each_month_ahead_and_changes_nothing(
    db: Session, keys: keystore.Keys, chinook: Chinook, org: uuid.UUID
) -> None:
    before = chinook.rows("Invoice")

    plan = connectors.retention_plan(db, keys, now=day(date(2034, 12, 31)), settings=chinook.settings)

    assert chinook.rows("Invoice") == before
    lines = {line.table: line for line in plan.lines}
    invoice = lines[chinook.name("Invoice")]
    assert (invoice.due, invoice.held, invoice.action, invoice.retention) == (
        249,
        0,
        "delete",
        "invoices_vat",
    )
    assert invoice.months["2034-12"] == 0 and invoice.months["2035-01"] == 332 - 249
    assert sum(invoice.months.values()) == 332 - 249 and list(invoice.months)[-1] == "2035-11"
    assert lines[chinook.name("InvoiceLine")].due == 1351
    on_the_day = connectors.retention_plan(db, keys, now=day(date(2035, 1, 1)), settings=chinook.settings)
    assert {line.table: line.due for line in on_the_day.lines}[chinook.name("Invoice")] == 332


def _anonymising(document: dict[str, Any]) -> None:
    """The map ends an invoice by dropping its billing data and keeping its date and total; lines go."""
    for column in document["datastores"][0]["tables"][1]["columns"]:
        keep_as_is = column["name"] in ("InvoiceDate", "Total", "invoice_date", "total")
        column["keep"] = {**column["keep"], "at_end": "keep" if keep_as_is else "set_null"}
    first = document["datastores"][0]["tables"][1]["columns"][1]
    first["keep"] = {**first["keep"], "at_end": "anonymise", "replacement": "anonymised"}


def test_an_invoice_the_map_anonymises_keeps_its_date_and_total_without_the_billing_data(
    db: Session, actor: Actor, keys: keystore.Keys, chinook: Chinook
) -> None:
    _anonymising(chinook.document)
    org = make_register(db, chinook.document).organisation_id
    n = chinook.name
    kept = chinook.rows("Invoice", InvoiceId=2)[0]

    done = run(db, actor, keys, chinook, date(2035, 1, 1))
    again = run(db, actor, keys, chinook, date(2035, 1, 1))

    invoice = chinook.rows("Invoice", InvoiceId=2)[0]
    assert (invoice[n("BillingAddress")], invoice[n("BillingCity")], invoice[n("BillingCountry")]) == (
        "anonymised",
        None,
        None,
    )
    assert (invoice[n("InvoiceDate")], invoice[n("Total")]) == (kept[n("InvoiceDate")], kept[n("Total")])
    assert chinook.rows("InvoiceLine", InvoiceId=2) == []
    assert {(d.table, d.action, d.rows) for d in done.done} == {
        (n("InvoiceLine"), "deleted", 1798),
        (n("Invoice"), "anonymised", 332),
    }
    assert again.done == [] and len(connectors.list_retention_entries(db, organisation_id=org)) == 2


def test_a_run_that_crashed_after_the_datastore_committed_resumes_its_entries_once(
    db: Session, actor: Actor, keys: keystore.Keys, chinook: Chinook, org: uuid.UUID
) -> None:
    run(db, actor, keys, chinook, date(2035, 1, 1))
    entry = next(e for e in connectors.list_retention_entries(db) if e.table_name == chinook.name("Invoice"))
    entry.status, entry.keys, entry.done_at = "planned", [[INVOICE]], None  # lawful's last commit lost
    db.flush()

    resumed = run(db, actor, keys, chinook, date(2035, 1, 1))

    assert [(d.table, d.rows, d.resumed) for d in resumed.done] == [(chinook.name("Invoice"), 332, True)]
    assert entry.status == "done" and entry.keys == []
    assert len(connectors.list_retention_entries(db)) == 2


def test_a_datastore_without_its_url_is_reported_and_the_run_goes_on(
    db: Session, actor: Actor, keys: keystore.Keys, chinook: Chinook, org: uuid.UUID
) -> None:
    settings = chinook.settings.model_copy(update={"datastores": {}})

    found = connectors.retention_run(db, actor, keys, now=day(date(2035, 1, 1)), settings=settings)

    assert found.done == []
    assert [(p.datastore, p.error) for p in found.problems] == [("chinook", "datastore_not_configured")]
    assert invoice_and_lines(chinook, INVOICE) == (1, 14)
