"""Access and erasure in a real Chinook database (SQLite copy; PostgreSQL when configured)."""

import uuid
from typing import Any

import pytest
from sqlalchemy.orm import Session

from lawful import audit, connectors, keystore
from lawful.actor import Actor
from tests.connectors.conftest import EMAIL, Chinook
from tests.factories import make_register


def _customer(chinook: Chinook) -> dict[str, Any]:
    return chinook.rows("Customer", CustomerId=3)[0]


def _invoices(chinook: Chinook) -> list[dict[str, Any]]:
    return chinook.rows("Invoice", CustomerId=3)


def _erase(
    db: Session, actor: Actor, keys: keystore.Keys, chinook: Chinook, org: uuid.UUID
) -> dict[str, Any]:
    return connectors.erase(
        db, actor, keys, chinook.settings, chinook.register, organisation_id=org, key="chinook", email=EMAIL
    )


@pytest.fixture
def org(db: Session, chinook: Chinook) -> uuid.UUID:
    return make_register(db, chinook.document).organisation_id


def test_access_finds_the_customer_by_email_with_their_invoices_and_lines(chinook: Chinook) -> None:
    found = connectors.collect(chinook.settings, chinook.register, key="chinook", email="FTremblay@gmail.com")

    tables = [row["table"] for row in found["rows"]]
    n = chinook.name
    assert tables.count(n("Customer")) == 1 and tables.count(n("Invoice")) == 7
    assert tables.count(n("InvoiceLine")) == 38
    customer = next(row for row in found["rows"] if row["table"] == n("Customer"))
    assert customer["key"] == {n("CustomerId"): 3}
    assert {(f["column"], f["category"], f["value"]) for f in customer["fields"]} >= {
        (n("Email"), "user.contact.email", EMAIL),
        (n("LastName"), "user.name.last", "Tremblay"),
    }


def test_access_for_someone_unknown_finds_no_row(chinook: Chinook) -> None:
    found = connectors.collect(chinook.settings, chinook.register, key="chinook", email="nobody@example.test")

    assert found["rows"] == []


def test_erasure_anonymises_the_customer_and_keeps_the_invoices_intact(
    db: Session, actor: Actor, keys: keystore.Keys, chinook: Chinook, org: uuid.UUID
) -> None:
    invoices = _invoices(chinook)

    evidence = _erase(db, actor, keys, chinook, org)

    n = chinook.name
    customer = _customer(chinook)
    assert (customer[n("Email")], customer[n("LastName")], customer[n("Phone")]) == ("erased", "erased", None)
    assert _invoices(chinook) == invoices and len(invoices) == 7
    fields = {(f["table"], f["column"]): f for f in evidence["fields"]}
    assert fields[(n("Customer"), n("Email"))]["action"] == "anonymised"
    assert fields[(n("Customer"), n("Phone"))]["action"] == "erased"
    billing = fields[(n("Invoice"), n("BillingAddress"))]
    assert (billing["action"], billing["rows"], billing["until"]) == ("kept", 7, "2035-12-31")
    assert "VAT Code art. 60" in billing["reason"]


def test_erasure_run_twice_does_nothing_more_and_reports_the_same(
    db: Session, actor: Actor, keys: keystore.Keys, chinook: Chinook, org: uuid.UUID
) -> None:
    first = _erase(db, actor, keys, chinook, org)
    customer, invoices = _customer(chinook), _invoices(chinook)

    second = _erase(db, actor, keys, chinook, org)

    assert second == first
    assert (_customer(chinook), _invoices(chinook)) == (customer, invoices)
    assert len(audit.list_entries(db, action="connectors.erased")) == 1


def test_erasure_interrupted_after_the_datastore_committed_resumes_its_plan(
    db: Session, actor: Actor, keys: keystore.Keys, chinook: Chinook, org: uuid.UUID
) -> None:
    first = _erase(db, actor, keys, chinook, org)
    record = db.query(connectors.DatastoreErasure).one()
    record.status = "planned"  # as if lawful's commit after the datastore's had been lost
    db.flush()

    again = _erase(db, actor, keys, chinook, org)

    assert again == first and record.status == "done"


def test_erasure_is_audited_with_counts_and_no_personal_value(
    db: Session, actor: Actor, keys: keystore.Keys, chinook: Chinook, org: uuid.UUID
) -> None:
    _erase(db, actor, keys, chinook, org)

    entry = audit.latest(db, action="connectors.erased")
    assert entry is not None and entry.actor_label == actor.label
    assert EMAIL not in str(audit.content(entry)) and "Tremblay" not in str(audit.content(entry))


def test_a_map_naming_an_unknown_column_is_refused_naming_its_path(chinook: Chinook) -> None:
    chinook.document["datastores"][0]["tables"][0]["columns"][3]["name"] = "Adress"

    with pytest.raises(connectors.MapMismatch) as raised:
        connectors.collect(chinook.settings, chinook.register, key="chinook", email=EMAIL)

    assert raised.value.problems == [
        {
            "path": "datastores[0].tables[0].columns[3].name",
            "message": f"no column 'Adress' in table {chinook.name('Customer')!r}",
        }
    ]
    assert connectors.check(chinook.settings, chinook.register) == raised.value.problems


def test_the_example_map_fits_the_live_database(chinook: Chinook) -> None:
    assert connectors.check(chinook.settings, chinook.register) == []


def test_set_null_on_a_not_null_column_is_refused_by_the_check(chinook: Chinook) -> None:
    email = chinook.document["datastores"][0]["tables"][0]["columns"][10]
    email.pop("replacement")
    email["erasure"] = "set_null"

    problems = connectors.check(chinook.settings, chinook.register)

    assert [p["path"] for p in problems] == ["datastores[0].tables[0].columns[10].erasure"]


def test_a_datastore_without_its_url_setting_is_refused_naming_the_setting(chinook: Chinook) -> None:
    settings = chinook.settings.model_copy(update={"datastores": {}})

    with pytest.raises(connectors.DatastoreNotConfigured) as raised:
        connectors.collect(settings, chinook.register, key="chinook", email=EMAIL)

    assert raised.value.problems[0]["path"] == "datastores[0].url_setting"
    assert "LAWFUL_DATASTORES__CHINOOK" in raised.value.detail
