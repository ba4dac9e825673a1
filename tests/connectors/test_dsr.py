"""A rights request reaches the Chinook sales database: one step per datastore, in the answer."""

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import dsr, jobs, keystore
from lawful.actor import Actor
from tests.connectors.conftest import EMAIL, Chinook
from tests.factories import answer_files, make_fulfilled_request, make_register

BASE = "https://chinook.example.test"


@pytest.fixture
def org(db: Session, chinook: Chinook) -> Iterator[uuid.UUID]:
    with jobs.configured(
        chinook.settings.model_copy(update={"jobs_url": "immediate"})
    ):  # what a worker reads
        yield make_register(db, chinook.document).organisation_id


def _request(db: Session, actor: Actor, keys: keystore.Keys, org: uuid.UUID, kinds: list[str]) -> dsr.Request:
    return make_fulfilled_request(db, actor, keys, org, kinds=kinds, email=EMAIL, base_url=BASE)


def _package(db: Session, keys: keystore.Keys, request: dsr.Request, name: str) -> Any:
    return json.loads(answer_files(db, keys, dsr.steps.download_token(keys, request.id))[name])


def test_an_access_request_reports_the_chinook_rows_of_a_customer_lawful_never_met(
    db: Session, actor: Actor, keys: keystore.Keys, chinook: Chinook, org: uuid.UUID
) -> None:
    request = _request(db, actor, keys, org, ["access"])

    report = _package(db, keys, request, "access.json")
    assert report["found"] is True and request.status == "completed"
    [store] = report["datastores"]
    assert store["datastore"] == "chinook"
    assert sum(1 for row in store["rows"] if row["table"] == chinook.name("Invoice")) == 7


def test_an_erasure_request_erases_in_chinook_once_keeps_the_invoices_and_certifies_each_field(
    db: Session, actor: Actor, keys: keystore.Keys, chinook: Chinook, org: uuid.UUID
) -> None:
    request = _request(db, actor, keys, org, ["erasure"])

    steps = {s.kind: s for s in db.scalars(select(dsr.Step).where(dsr.Step.request_id == request.id))}
    assert steps["datastore_erasure:chinook"].attempts == 1
    certificate = _package(db, keys, request, "answer.json")
    fields = certificate["results"]["datastore_erasure:chinook"]["fields"]
    n = chinook.name
    assert {(f["table"], f["action"]) for f in fields} == {
        (n("Customer"), "anonymised"),
        (n("Customer"), "erased"),
        (n("Invoice"), "kept"),
        (n("InvoiceLine"), "kept"),
    }
    customer = chinook.rows("Customer", CustomerId=3)[0]
    assert (customer[n("Email")], len(chinook.rows("Invoice", CustomerId=3))) == ("erased", 7)


def test_a_portability_request_carries_the_chinook_fields_held_on_contract_and_leaves_out_the_invoices(
    db: Session, actor: Actor, keys: keystore.Keys, chinook: Chinook, org: uuid.UUID
) -> None:
    request = _request(db, actor, keys, org, ["portability"])

    steps = {s.kind for s in db.scalars(select(dsr.Step).where(dsr.Step.request_id == request.id))}
    assert "datastore_portability:chinook" in steps and request.status == "completed"
    rows = _package(db, keys, request, "portability.json")["data"]
    customer = {
        (r["category"], r["value"]) for r in rows if r["source"] == f"chinook:{chinook.name('Customer')}"
    }
    assert {("user.contact.email", EMAIL), ("user.name.last", "Tremblay")} <= customer
    # the sale is a contract (portable); the invoice dates and totals are kept for the VAT Code only
    assert {r["category"] for r in rows} >= {"user.contact.address", "user.name.first"}
    assert "user.behavior.purchase_history" not in {r["category"] for r in rows}
    csv_text = answer_files(db, keys, dsr.steps.download_token(keys, request.id))["portability.csv"]
    assert csv_text.decode().splitlines()[0] == "category,value,collected_at,source"
    assert EMAIL in csv_text.decode()
