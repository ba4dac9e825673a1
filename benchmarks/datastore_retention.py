"""Retention in a company datastore: the plan and the run over a sales database shaped like Chinook.

The datastore has the tables and columns of the Chinook sample (Customer, Invoice, InvoiceLine) and is
mapped by the example register examples/connectors/chinook.yaml: invoices are kept ten years from the
1 January after their date, their lines with them, and deleted at the end (R-75). It holds 20,000
customers and 100,000 invoices of 3 lines each (400,000 kept rows), dated over 2015-2025; on 2026-06-01
the invoices of 2015 (10 %) and their lines have passed their end (on 2026-01-01), and those of 2016
leave on 2027-01-01, within the plan's twelve months ahead. 100 of the customers with 2015 invoices are
people of lawful under a legal hold, whose rows stay.

Timed, in this process, each in a fresh session of lawful's database:
- `connectors.retention_plan(...)`: what leaves now and in each month ahead; changes nothing;
- `connectors.retention_run(...)`: the deletion-log entries committed, then the rows deleted in one
  transaction of the datastore, then the entries done with their audit entries, committed;
- the same run again, which finds nothing left to do.

Goals (issue 17's figures for lawful's own people): the plan at least 20,000 rows evaluated per second,
the run at least 500 rows ended per second.

Run: .venv/bin/python -m benchmarks.datastore_retention [--database sqlite|postgresql] [--smoke]
(--smoke: 200 customers, 1,000 invoices, 5 held customers.)
"""

import base64
import random
import secrets
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from pydantic import SecretStr
from sqlalchemy.orm import Session

from lawful import clock, connectors, db, keystore, processing, subjects
from lawful.actor import Actor, ActorKind
from lawful.config import Settings

from .environment import ROOT, database_url
from .report import header, options
from .seeded import _revision

REGISTER = "examples/connectors/chinook.yaml"
STAFF = Actor(ActorKind.CLI, label="cli:benchmark")
NOW = datetime(2026, 6, 1, 12, tzinfo=clock.BRUSSELS)
LINES = 3
GOAL_PLAN, GOAL_RUN = 20_000, 500
CHUNK = 5_000


@dataclass(frozen=True)
class Size:
    customers: int
    invoices: int
    held: int


REAL = Size(20_000, 100_000, 100)
SMOKE = Size(200, 1_000, 5)


def main() -> None:
    args = options(__doc__ or "")
    size = SMOKE if args.smoke else REAL
    with installation(args.database) as (settings, store_url):
        header(f"datastore retention, {size.invoices:,} invoices of {LINES} lines", args.database, REGISTER)
        print(f"# code: {_revision()}")
        started = time.perf_counter()
        expiring = fill_datastore(store_url, size, random.Random(1))
        apply_register(settings, size)
        kept = size.invoices * (1 + LINES)
        print(
            f"seeded in {time.perf_counter() - started:.1f} s: {size.customers:,} customers, "
            f"{kept:,} kept rows ({expiring:,} invoices past their end on {NOW.date()}), "
            f"{size.held} customers under a legal hold"
        )
        engine = db.make_engine(settings.resolved_database_url())
        keys = keystore.open_keys(settings)
        with Session(engine) as session:
            started = time.perf_counter()
            plan = connectors.retention_plan(session, keys, now=NOW, settings=settings)
            seconds = time.perf_counter() - started
        due, held = sum(line.due for line in plan.lines), sum(line.held for line in plan.lines)
        ahead = sum(sum(line.months.values()) for line in plan.lines)
        print(f"  plan: {kept:,} kept rows evaluated in {seconds:.2f} s: {kept / seconds:,.0f} rows/s")
        print(f"    due {due:,}, held {held:,} (legal_hold), leaving in the next 12 months {ahead:,}")
        print(f"    goal {GOAL_PLAN:,} rows/s: {'met' if kept / seconds >= GOAL_PLAN else 'missed'}")
        with Session(engine) as session:
            started = time.perf_counter()
            run = connectors.retention_run(session, STAFF, keys, now=NOW, settings=settings)
            session.commit()
            seconds = time.perf_counter() - started
        ended = sum(d.rows for d in run.done)
        entries = sum(1 for d in run.done if d.entry_id)
        print(f"  run: {ended:,} rows ended in {seconds:.2f} s: {ended / seconds:,.0f} rows/s")
        print(f"    {entries} deletion-log entries with their audit entries; problems: {run.problems}")
        print(f"    goal {GOAL_RUN:,} rows/s: {'met' if ended / seconds >= GOAL_RUN else 'missed'}")
        with Session(engine) as session:
            started = time.perf_counter()
            again = connectors.retention_run(session, STAFF, keys, now=NOW, settings=settings)
            session.commit()
            seconds = time.perf_counter() - started
        print(f"  second run: {sum(d.rows for d in again.done)} rows ended in {seconds:.2f} s")
        left = _count(store_url)
        print(f"  verified: {left:,} kept rows left in the datastore (expected {kept - ended:,})")
        if left != kept - ended or due != ended or due + held != expiring * (1 + LINES):
            raise SystemExit("the run did not end exactly what the plan said")
        engine.dispose()


@contextmanager
def installation(database: str) -> Iterator[tuple[Settings, str]]:
    """lawful's database, its key store and the company's datastore, fresh; removed on exit."""
    with (
        tempfile.TemporaryDirectory(prefix="lawful-bench-dsret-") as tmp,
        database_url(database, "dsret", Path(tmp) / "lawful.db") as url,
        database_url(database, "dsret_keys", Path(tmp) / "keys.db") as keys_url,
        database_url(database, "dsret_store", Path(tmp) / "sales.db") as store_url,
    ):
        settings = Settings(
            data_dir=Path(tmp),
            database_url=url,
            keystore_url=keys_url,
            master_key=SecretStr(base64.b64encode(secrets.token_bytes(32)).decode()),
            datastores={"chinook": SecretStr(store_url)},
        )
        yield settings, store_url
        connectors.dispose()


def fill_datastore(url: str, size: Size, rng: random.Random) -> int:
    """Customers, invoices and lines in bulk; returns how many invoices are dated 2015 (past their end)."""
    engine = db.make_engine(url)
    metadata = _schema()
    metadata.create_all(engine)
    customer, invoice, line = (metadata.tables[n] for n in ("Customer", "Invoice", "InvoiceLine"))
    expiring, invoices, lines = 0, [], []
    for number in range(1, size.invoices + 1):
        old = number % 10 == 0  # one in ten dated 2015
        expiring += old
        first = date(2015, 1, 1) if old else date(2016, 1, 1)
        span = 364 if old else (date(2025, 12, 31) - first).days
        when = datetime.combine(first + timedelta(days=rng.randrange(span)), datetime.min.time())
        owner = 1 + (number * 7919) % size.customers
        invoices.append({**_billing(owner), "InvoiceId": number, "CustomerId": owner, "InvoiceDate": when})
        for index in range(LINES):
            lines.append(
                {
                    "InvoiceLineId": (number - 1) * LINES + index + 1,
                    "InvoiceId": number,
                    "TrackId": rng.randrange(1, 3500),
                    "UnitPrice": 0.99,
                    "Quantity": 1,
                }
            )
    with engine.begin() as connection:
        customers = [_customer(n) for n in range(1, size.customers + 1)]
        for table, rows in ((customer, customers), (invoice, invoices), (line, lines)):
            for start in range(0, len(rows), CHUNK):
                connection.execute(sa.insert(table), rows[start : start + CHUNK])
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text("ANALYZE"))
    engine.dispose()
    return expiring


def apply_register(settings: Settings, size: Size) -> Any:
    """The example register applied; the first customers of old invoices are people under a legal hold."""
    engine = db.make_engine(settings.resolved_database_url())
    db.upgrade_to_head(engine)
    keys = keystore.open_keys(settings)
    text = (ROOT / REGISTER).read_text(encoding="utf-8")
    with Session(engine) as session:
        version, _ = processing.apply(session, STAFF, text=text, source=REGISTER)
        held_owners = sorted({1 + (n * 7919) % size.customers for n in range(10, size.invoices + 1, 10)})
        for owner in held_owners[: size.held]:
            person = subjects.collect(
                session,
                STAFF,
                keys,
                organisation_id=version.organisation_id,
                subject_category="customer",
                identities={subjects.IdentityKind.EMAIL: _email(owner)},
                values={},
                collection=subjects.CollectionCreate(
                    activity="invoicing", channel=subjects.Channel.EMAIL, source=subjects.Source.SUBJECT
                ),
            )
            subjects.place_hold(
                session,
                STAFF,
                subject_id=person.subject.id,
                case_ref=f"C-{owner}",
                reason="a claim",
                purpose="invoicing",
                review_on=clock.today() + timedelta(days=90),
            )
        organisation_id = version.organisation_id
        session.commit()
    engine.dispose()
    return organisation_id


def _schema() -> sa.MetaData:
    metadata = sa.MetaData()
    text = sa.String(70)
    sa.Table(
        "Customer",
        metadata,
        sa.Column("CustomerId", sa.Integer, primary_key=True, autoincrement=False),
        *(sa.Column(n, text) for n in ("FirstName", "LastName", "Company", "Address", "City", "State")),
        *(sa.Column(n, text) for n in ("Country", "PostalCode", "Phone", "Fax")),
        sa.Column("Email", text, nullable=False),
    )
    sa.Table(
        "Invoice",
        metadata,
        sa.Column("InvoiceId", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("CustomerId", sa.ForeignKey("Customer.CustomerId"), nullable=False, index=True),
        sa.Column("InvoiceDate", sa.DateTime, nullable=False),
        *(sa.Column(f"Billing{n}", text) for n in ("Address", "City", "State", "Country", "PostalCode")),
        sa.Column("Total", sa.Numeric(10, 2), nullable=False),
    )
    sa.Table(
        "InvoiceLine",
        metadata,
        sa.Column("InvoiceLineId", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("InvoiceId", sa.ForeignKey("Invoice.InvoiceId"), nullable=False, index=True),
        sa.Column("TrackId", sa.Integer, nullable=False),
        sa.Column("UnitPrice", sa.Numeric(10, 2), nullable=False),
        sa.Column("Quantity", sa.Integer, nullable=False),
    )
    return metadata


def _email(number: int) -> str:
    return f"customer-{number}@example.test"


def _customer(number: int) -> dict[str, Any]:
    return {
        "CustomerId": number,
        "FirstName": "First",
        "LastName": f"Last {number}",
        "Address": f"{number} Rue de Test",
        "City": "Bruxelles",
        "Country": "Belgium",
        "PostalCode": "1000",
        "Email": _email(number),
    }


def _billing(owner: int) -> dict[str, Any]:
    return {
        "BillingAddress": f"{owner} Rue de Test",
        "BillingCity": "Bruxelles",
        "BillingCountry": "Belgium",
        "BillingPostalCode": "1000",
        "Total": 2.97,
    }


def _count(url: str) -> int:
    engine = db.make_engine(url)
    with engine.connect() as connection:
        found = sum(
            connection.execute(sa.text(f'SELECT count(*) FROM "{table}"')).scalar_one()  # noqa: S608
            for table in ("Invoice", "InvoiceLine")
        )
    engine.dispose()
    return int(found)


if __name__ == "__main__":
    main()
