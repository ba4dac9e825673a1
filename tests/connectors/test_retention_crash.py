"""A real `lawful connectors retention run` killed (SIGKILL) while it waits to change the Chinook database:
its deletion-log entries are committed, the datastore is untouched, and the next run resumes them, so
every row goes exactly once with one log entry per table and rule (R-72).

PostgreSQL only: lawful's SQLite connections begin every transaction with BEGIN IMMEDIATE, reads included,
so no lock lets the run read and plan and then holds it before its change. On SQLite the interrupted run
is simulated in test_retention_service.py."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import Lawful
from tests.connectors.conftest import INVOICE, Chinook, count, invoice_and_lines

SECONDS = 60


@contextmanager
def writes_blocked(chinook: Chinook) -> Iterator[None]:
    """Another client of the datastore holds a lock that lets readers in and makes writers wait."""
    engine = create_engine(chinook.url)
    with engine.connect() as connection:
        connection.execute(text(f"LOCK TABLE {chinook.name('InvoiceLine')} IN SHARE MODE"))
        yield
        connection.rollback()
    engine.dispose()


def entries(url: str) -> list[tuple[str, str, int]]:
    engine = create_engine(url)
    with engine.connect() as connection:
        found = connection.execute(
            text("SELECT table_name, status, rows FROM datastore_retentions ORDER BY table_name")
        ).all()
    engine.dispose()
    return [(t, s, r) for t, s, r in found]


def audited(url: str) -> int:
    engine = create_engine(url)
    with engine.connect() as connection:
        found = connection.execute(
            text("SELECT count(*) FROM audit_entries WHERE action = 'connectors.retention_executed'")
        ).scalar_one()
    engine.dispose()
    return int(found)


@pytest.mark.parametrize("chinook", ["postgresql"], indirect=True)
def test_a_run_killed_before_the_datastore_committed_is_resumed_and_ends_each_row_once(
    lawful: Lawful, shop: Chinook, fresh_url: str
) -> None:
    with writes_blocked(shop):
        process = subprocess.Popen(
            [sys.executable, "-m", "lawful", "connectors", "retention", "run", "--now", "2035-01-01"],
            env=dict(os.environ),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + SECONDS
            while len(entries(fresh_url)) < 2 and process.poll() is None and time.monotonic() < deadline:
                time.sleep(0.1)
            time.sleep(0.5)  # past the commit of the entries, waiting for the datastore's lock
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait(10)
    n = shop.name
    assert entries(fresh_url) == [(n("Invoice"), "planned", 332), (n("InvoiceLine"), "planned", 1798)]
    assert invoice_and_lines(shop, INVOICE) == (1, 14)  # the datastore's transaction never committed

    resumed = lawful("connectors", "retention", "run", "--now", "2035-01-01")

    assert resumed.exit_code == 0, resumed.output
    assert "(resumed)" in resumed.output
    assert invoice_and_lines(shop, INVOICE) == (0, 0)
    assert count(shop, "SELECT count(*) FROM {invoice}") == 412 - 332
    assert entries(fresh_url) == [(n("Invoice"), "done", 332), (n("InvoiceLine"), "done", 1798)]
    assert audited(fresh_url) == 2
    assert lawful("connectors", "retention", "run", "--now", "2035-01-01").exit_code == 0
    assert audited(fresh_url) == 2 and len(entries(fresh_url)) == 2
