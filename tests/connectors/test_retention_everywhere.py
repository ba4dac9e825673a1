"""One command for the privacy officer: `lawful retention run` imports the events the datastores date, runs
lawful's own store, then every mapped datastore, each in its own unit of work; `--no-datastores` keeps to
lawful's store; `lawful connectors retention run` still works on its own."""

import json
from pathlib import Path

from lawful import db
from tests.conftest import Lawful
from tests.connectors.conftest import INVOICE, Chinook, invoice_and_lines
from tests.connectors.test_events import _customer
from tests.retention import world as worlds


def test_one_run_ends_lawfuls_data_and_the_datastores_rows_the_day_of_their_end(
    lawful: Lawful, shop: Chinook, fresh_url: str, tmp_path: Path
) -> None:
    sid = _customer(fresh_url, tmp_path)

    before = lawful("retention", "run", "--now", "2034-12-31")
    invoice_before = invoice_and_lines(shop, INVOICE)
    after = lawful("retention", "run", "--now", "2035-01-01", "--json")

    assert before.exit_code == 0, before.output
    assert "events from the datastores: 1 recorded" in before.stdout  # the last invoice, as contract_end
    assert "deleted:1" in before.stdout  # François's sales data: 2025-09-20 + P5Y, gone since 2030-09-21
    assert "datastores as of 2034-12-31: 1600 row(s) ended" in before.stdout
    assert invoice_before == (1, 14)
    assert after.exit_code == 0, after.output
    data = json.loads(after.stdout)
    assert sum(d["rows"] for d in data["datastores"]["done"]) > 0  # the invoices of 2024 and their lines
    assert data["events"]["recorded"] == 0
    assert invoice_and_lines(shop, INVOICE) == (0, 0)
    with db.open_session(fresh_url) as session:
        assert not worlds.exists(session, sid)


def test_no_datastores_keeps_to_lawfuls_store_and_the_connectors_command_still_runs(
    lawful: Lawful, shop: Chinook
) -> None:
    own = lawful("retention", "run", "--now", "2035-01-01", "--no-datastores", "--json")
    kept = invoice_and_lines(shop, INVOICE)
    alone = lawful("connectors", "retention", "run", "--now", "2035-01-01")

    assert own.exit_code == 0, own.output
    assert json.loads(own.stdout)["datastores"] is None and kept == (1, 14)
    assert alone.exit_code == 0, alone.output
    assert invoice_and_lines(shop, INVOICE) == (0, 0)


def test_the_plan_shows_the_datastores_too_and_changes_nothing(lawful: Lawful, shop: Chinook) -> None:
    planned = lawful("retention", "plan", "--now", "2035-01-01", "--json")
    own = lawful("retention", "plan", "--now", "2035-01-01", "--json", "--no-datastores")

    assert planned.exit_code == 0, planned.output
    lines = json.loads(planned.stdout)["datastores"]["lines"]
    assert sum(line["due"] for line in lines) > 0
    assert json.loads(own.stdout)["datastores"] is None
    assert invoice_and_lines(shop, INVOICE) == (1, 14)
