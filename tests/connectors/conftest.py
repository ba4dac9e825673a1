"""The Chinook sample database as the company's sales database: a SQLite copy, and PostgreSQL when set."""

import re
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import SecretStr
from sqlalchemy import MetaData, Table, create_engine, make_url, select, text

from lawful import connectors, processing
from lawful.config import Settings
from tests.conftest import PG_URL, Lawful, _pg_database, drop_database
from tests.registers import EXAMPLES, as_yaml

CHINOOK = Path("/work/shared/datasets/chinook")
EXAMPLE = EXAMPLES / "connectors" / "chinook.yaml"
EMAIL = "ftremblay@gmail.com"  # François Tremblay, customer 3 of the sample data, with 7 invoices


@dataclass
class Chinook:
    url: str
    document: dict[str, Any]
    settings: Settings

    @property
    def register(self) -> processing.Register:
        register, problems = processing.check(as_yaml(self.document))
        assert register is not None, problems
        return register

    def rows(self, table: str, **where: object) -> list[dict[str, Any]]:
        """The rows of a table (SQLite names) where the columns equal the values, in key order."""
        engine = create_engine(self.url)
        with engine.connect() as connection:
            live = Table(self.name(table), MetaData(), autoload_with=connection)
            query = select(live).where(*(live.c[self.name(k)] == v for k, v in where.items()))
            found = [dict(r._mapping) for r in connection.execute(query.order_by(*live.primary_key))]
        engine.dispose()
        return found

    def name(self, sqlite_name: str) -> str:
        """A table or column name as this database spells it (the PostgreSQL script uses snake_case)."""
        return _snake(sqlite_name) if self.url.startswith("postgresql") else sqlite_name


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _snake_map(document: dict[str, Any]) -> dict[str, Any]:
    for table in document["datastores"][0]["tables"]:
        table["name"] = _snake(table["name"])
        table["link"] = {k: _snake(v) if k != "identity" else v for k, v in table["link"].items()}
        for column in table["columns"]:
            column["name"] = _snake(column["name"])
            if column.get("keep", {}).get("since"):
                column["keep"] = {**column["keep"], "since": _snake(column["keep"]["since"])}
        for event in table.get("events", []):
            event["column"] = _snake(event["column"])
    return document


def _load_postgresql() -> str:
    assert PG_URL is not None
    url = _pg_database(PG_URL, f"lawful_chinook_{uuid.uuid4().hex[:10]}")
    script = (CHINOOK / "Chinook_PostgreSql.sql").read_text(encoding="utf-8")
    script = script.split("\\c chinook;", 1)[1]  # the script creates its own database first
    engine = create_engine(url)
    with engine.begin() as connection:
        driver = connection.connection.driver_connection
        assert driver is not None
        driver.execute(script)  # no parameters: the script's '%' stays text
    engine.dispose()
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def chinook(request: pytest.FixtureRequest, tmp_path: Path, settings: Settings) -> Iterator[Chinook]:
    """A fresh copy of Chinook for each test (the shared file is read-only), and its dataset map."""
    document = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    if request.param == "postgresql":
        if PG_URL is None:
            pytest.skip("LAWFUL_TEST_DATABASE_URL is not set")
        url, document = _load_postgresql(), _snake_map(document)
    else:
        target = tmp_path / "chinook.sqlite"
        shutil.copyfile(CHINOOK / "Chinook_Sqlite.sqlite", target)
        target.chmod(0o644)
        url = f"sqlite:///{target}"
    yield Chinook(url, document, settings.model_copy(update={"datastores": {"chinook": SecretStr(url)}}))
    connectors.dispose()
    if make_url(url).get_backend_name() == "postgresql":
        drop_database(url)


INVOICE = 264  # customer 13's invoice of 2024-03-03 with 14 lines; `shop` dates it 2024-03-15 (R-75)


def count(chinook: Chinook, sql: str) -> int:
    """A count read through a connection of the test's own, straight from the datastore (sqlite3 for
    the SQLite file); `sql` names {invoice}, {line}, {id} and {customer}."""
    n = chinook.name
    query = sql.format(
        invoice=n("Invoice"), line=n("InvoiceLine"), id=n("InvoiceId"), customer=n("CustomerId")
    )
    if chinook.url.startswith("sqlite"):
        with closing(sqlite3.connect(chinook.url.removeprefix("sqlite:///"))) as connection:
            found: int = connection.execute(query).fetchone()[0]
        return found
    engine = create_engine(chinook.url)
    with engine.connect() as connection:
        found = connection.execute(text(query)).scalar_one()
    engine.dispose()
    return found


def invoice_and_lines(chinook: Chinook, invoice: int) -> tuple[int, int]:
    return (
        count(chinook, f"SELECT count(*) FROM {{invoice}} WHERE {{id}} = {invoice:d}"),  # noqa: S608 (an int)
        count(chinook, f"SELECT count(*) FROM {{line}} WHERE {{id}} = {invoice:d}"),  # noqa: S608
    )


def dated(chinook: Chinook, invoice: int, value: str) -> None:
    """Set an invoice's date, as the shop's own software would."""
    engine = create_engine(chinook.url)
    n = chinook.name
    with engine.begin() as connection:
        connection.execute(
            text(f"UPDATE {n('Invoice')} SET {n('InvoiceDate')} = :d WHERE {n('InvoiceId')} = :i"),  # noqa: S608
            {"d": value, "i": invoice},
        )
    engine.dispose()


@pytest.fixture
def shop(lawful: Lawful, chinook: Chinook, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Chinook:
    """For `lawful …` commands: Chinook mapped in the applied register and its URL set, invoice 264
    dated 2024-03-15, test mode on (the run may be given a later day)."""
    monkeypatch.setenv("LAWFUL_DATASTORES__CHINOOK", chinook.url)
    monkeypatch.setenv("LAWFUL_TEST_MODE", "true")
    dated(chinook, INVOICE, "2024-03-15 00:00:00")
    lawful.apply_register(tmp_path, as_yaml(chinook.document))
    return chinook
