"""R-107 in the company's datastores: at the end of a client's DPA, the rows of the client's people are
deleted from the tables the dataset map marks as that client's (`client:`), and only from them. Chinook on
SQLite and PostgreSQL, read back through a connection of the test's own; lawful on a database of its own."""

import copy
import os
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import SecretStr
from sqlalchemy import func, select

from lawful import audit, clients, clock, db, keystore, processing, subjects
from lawful.actor import SYSTEM
from lawful.config import Settings
from lawful.retention import contracts
from tests.clients.processor_world import with_client
from tests.conftest import MASTER_KEY, Lawful
from tests.connectors.conftest import EXAMPLE, Chinook, count
from tests.factories import make_register
from tests.registers import as_yaml

ENDS = date(2026, 6, 30)
AT_END = datetime(2026, 6, 30, 10, tzinfo=UTC)
THEIRS = {1: "luisg@embraer.com.br", 3: "FTremblay@gmail.com"}  # the brand's shoppers (customers 1, 3)
OURS = {13: "fernadaramos4@uol.com.br"}  # a person of the company's own, in the same table


def register(document: dict[str, Any], *, marked: bool) -> dict[str, Any]:
    """Chinook's register with the client `brand`, a shop run for it, and (marked) its tables as the brand's."""
    document = with_client(copy.deepcopy(document))
    dpa = document["clients"][0]["dpa"]
    dpa["subject_categories"] = ["customer"]
    dpa["sub_processors"] = []
    sales = next(a for a in document["activities"] if a["key"] == "sales")
    shop = {key: value for key, value in sales.items() if key not in ("legal_basis", "recipients")}
    document["activities"].append(
        shop
        | {
            "key": "brand_shop",
            "name": {
                "en": "The brand's shop",
                "fr": "La boutique de la marque",
                "nl": "De winkel van het merk",
            },
            "role": "processor",
            "on_behalf_of": "brand",
            "data_categories": ["user.contact.email"],
        }
    )
    if marked:
        for table in document["datastores"][0]["tables"]:
            table["client"] = "brand"
    return document


def _problems(document: dict[str, Any]) -> list[str]:
    _, problems = processing.check(as_yaml(document))
    return [f"{p.path} {p.rule}" for p in problems]


def _end(chinook: Chinook, fresh_url: str, tmp_path: Path, *, marked: bool) -> dict[str, Any]:
    """The register applied, the brand's people and ours collected, then the DPA's end and its erasure."""
    settings = Settings(
        database_url=fresh_url,
        data_dir=tmp_path,
        master_key=SecretStr(MASTER_KEY),
        datastores={"chinook": SecretStr(chinook.url)},
    )
    keys = keystore.open_keys(settings)
    with db.open_session(fresh_url) as session:
        org = make_register(session, register(chinook.document, marked=marked)).organisation_id
        for email in THEIRS.values():
            _collect(session, keys, org, email, client="brand")
        for email in OURS.values():
            _collect(session, keys, org, email, client=None)
        session.commit()
    with clock.pinned(AT_END), db.open_session(fresh_url) as session:
        contracts.end(session, SYSTEM, organisation_id=org, client="brand", ends_on=ENDS)
        contracts.hand_over(session, SYSTEM, keys, organisation_id=org, client="brand")
        contracts.erase(session, SYSTEM, keys, organisation_id=org, client="brand", settings=settings)
        session.commit()
        entry = session.scalars(
            select(audit.AuditEntry).where(audit.AuditEntry.action == "clients.contract_data_erased")
        ).one()
        assert session.scalar(select(func.count()).where(subjects.Subject.client == "brand")) == 0
    return dict(entry.data)


def _collect(session: Any, keys: keystore.Keys, org: uuid.UUID, email: str, *, client: str | None) -> None:
    subjects.collect(
        session,
        SYSTEM,
        keys,
        organisation_id=org,
        subject_category="customer",
        identities={subjects.IdentityKind.EMAIL: email},
        values={"user.contact.email": email},
        collection=subjects.CollectionCreate(
            activity="brand_shop" if client else "sales", channel=subjects.Channel.WEB_FORM
        ),
        client=client,
    )


def _held(chinook: Chinook, customer: int) -> tuple[int, int, int]:
    """Customer row, invoices and invoice lines of one customer, counted by a connection of the test's own."""
    return (
        count(chinook, f"SELECT count(*) FROM {chinook.name('Customer')} WHERE {{customer}} = {customer:d}"),  # noqa: S608
        count(chinook, f"SELECT count(*) FROM {{invoice}} WHERE {{customer}} = {customer:d}"),  # noqa: S608
        count(
            chinook,
            "SELECT count(*) FROM {line} WHERE {id} IN "  # noqa: S608 (an int)
            f"(SELECT {{id}} FROM {{invoice}} WHERE {{customer}} = {customer:d})",
        ),
    )


def test_the_clients_people_leave_the_tables_marked_as_its_own_and_the_companys_rows_stay(
    chinook: Chinook, fresh_url: str, tmp_path: Path
) -> None:
    before = {customer: _held(chinook, customer) for customer in (*THEIRS, *OURS, 2)}
    customers = count(chinook, f"SELECT count(*) FROM {chinook.name('Customer')}")  # noqa: S608

    data = _end(chinook, fresh_url, tmp_path, marked=True)

    for customer in THEIRS:
        assert before[customer][:2] == (1, 7)
        assert _held(chinook, customer) == (0, 0, 0)
    assert _held(chinook, 13) == before[13]  # ours, in the same table: untouched
    assert _held(chinook, 2) == before[2]  # nobody's in lawful: untouched
    assert count(chinook, f"SELECT count(*) FROM {chinook.name('Customer')}") == customers - 2  # noqa: S608
    n = chinook.name
    lines = before[1][2] + before[3][2]
    assert data["datastore_rows_deleted"] == {
        f"chinook.{n('Customer')}": 2,
        f"chinook.{n('Invoice')}": 14,
        f"chinook.{n('InvoiceLine')}": lines,
    }
    assert "luisg" not in str(data)


def test_tables_not_marked_as_the_clients_keep_its_peoples_rows(
    chinook: Chinook, fresh_url: str, tmp_path: Path
) -> None:
    before = {customer: _held(chinook, customer) for customer in THEIRS}

    data = _end(chinook, fresh_url, tmp_path, marked=False)

    assert {customer: _held(chinook, customer) for customer in THEIRS} == before
    assert data["datastore_rows_deleted"] == {}


def test_register_check_knows_the_client_and_wants_the_tables_below_a_clients_table_marked_too() -> None:
    document = register(yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")), marked=True)
    assert _problems(document) == []
    tables = document["datastores"][0]["tables"]
    tables[0]["client"] = "nobody"
    del tables[2]["client"]
    assert _problems(document) == [
        "datastores[0].tables[0].client unknown_client",
        "datastores[0].tables[1].client client_children",
        "datastores[0].tables[2].client client_children",
    ]


def test_without_the_datastores_settings_the_erasure_is_refused_and_nothing_is_erased(
    chinook: Chinook, fresh_url: str, tmp_path: Path
) -> None:
    settings = Settings(database_url=fresh_url, data_dir=tmp_path, master_key=SecretStr(MASTER_KEY))
    keys = keystore.open_keys(settings)
    with db.open_session(fresh_url) as session:
        org = make_register(session, register(chinook.document, marked=True)).organisation_id
        _collect(session, keys, org, THEIRS[3], client="brand")
        session.commit()
    with clock.pinned(AT_END), db.open_session(fresh_url) as session:
        contracts.end(session, SYSTEM, organisation_id=org, client="brand", ends_on=ENDS)
        contracts.hand_over(session, SYSTEM, keys, organisation_id=org, client="brand")
        with pytest.raises(clients.ending.StepRefused, match="datastores"):
            contracts.erase(session, SYSTEM, keys, organisation_id=org, client="brand")
        assert session.scalar(select(func.count()).where(subjects.Subject.client == "brand")) == 1
    assert _held(chinook, 3)[:2] == (1, 7)


def test_lawful_client_end_erase_reaches_the_datastore_through_its_setting(
    lawful: Lawful, chinook: Chinook, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LAWFUL_DATASTORES__CHINOOK", chinook.url)
    lawful.apply_register(tmp_path, as_yaml(register(chinook.document, marked=True)))
    settings = Settings(
        database_url=os.environ["LAWFUL_DATABASE_URL"], data_dir=tmp_path, master_key=SecretStr(MASTER_KEY)
    )
    keys = keystore.open_keys(settings)
    with db.open_session(settings.resolved_database_url()) as session:
        [org] = session.scalars(select(processing.RegisterVersion.organisation_id).distinct())
        _collect(session, keys, org, THEIRS[3], client="brand")
        session.commit()
    ours = _held(chinook, 13)

    lawful("clients", "end", "record", "brand", "--ends-on", "2026-03-31")
    lawful("clients", "end", "return", "brand", "-o", str(tmp_path / "brand.json"))
    erased = lawful("clients", "end", "erase", "brand")

    assert erased.exit_code == 0, erased.output
    assert _held(chinook, 3) == (0, 0, 0)
    assert _held(chinook, 13) == ours
