"""Lifecycle events dated by a column of the company's database (issue 17): the Chinook map names
Invoice.InvoiceDate as the `contract_end` of `sales`, so François Tremblay's last invoice (2025-09-20)
starts the 5 years of contract_plus_5; his sales data in lawful are there after the run of 2030-09-20 and
gone after the run of 2030-09-21. Chinook is read by a connection of its own; lawful's rows by the test's."""

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from lawful import db, processing, subjects
from tests.conftest import Lawful
from tests.connectors.conftest import EMAIL, Chinook, dated
from tests.retention import world as worlds

BRUSSELS = ZoneInfo("Europe/Brussels")
LAST_INVOICE = 3  # one of customer 3's invoices, moved later in the test that moves one


def _customer(fresh_url: str, tmp_path: Path, email: str = EMAIL) -> uuid.UUID:
    """The customer as lawful holds them: collected for `sales` from their own order, in 2024."""
    keys = worlds.keys_for(fresh_url, tmp_path)
    with db.open_session(fresh_url) as session:
        [organisation] = processing.list_organisations(session)
        collected = subjects.collect(
            session, worlds.ACTOR, keys, organisation_id=organisation.id, subject_category="customer",
            identities={subjects.IdentityKind.EMAIL: email},
            values={"user.contact.email": email, "user.name.first": "François"},
            collection=subjects.CollectionCreate(
                activity="sales", channel=subjects.Channel.WEB_FORM, collected_at=datetime(2024, 2, 1, 10, tzinfo=UTC)
            ),
        )  # fmt: skip
        session.commit()
    return collected.subject.id


def _import(lawful: Lawful, day: str) -> dict[str, object]:
    done = lawful("connectors", "events", "import", "--now", day, "--json")
    assert done.exit_code == 0, done.output
    [line] = json.loads(done.stdout)["lines"]
    assert isinstance(line, dict)
    return line


def _events(fresh_url: str, sid: uuid.UUID) -> list[tuple[str, str | None, str, str]]:
    with db.open_session(fresh_url) as session:
        event = subjects.LifecycleEvent
        rows = session.execute(
            select(event.kind, event.activity, event.channel, event.occurred_at).where(
                event.subject_id == sid
            )
        )
        return [(k, a, c, o.astimezone(BRUSSELS).date().isoformat()) for k, a, c, o in rows]


def _run(lawful: Lawful, day: str) -> str:
    done = lawful("retention", "run", "--now", day)
    assert done.exit_code == 0, done.output
    return done.stdout


def test_the_last_invoice_date_is_recorded_once_as_the_end_of_the_contract(
    lawful: Lawful, shop: Chinook, fresh_url: str, tmp_path: Path
) -> None:
    sid = _customer(fresh_url, tmp_path)

    first = _import(lawful, "2026-01-01")
    again = _import(lawful, "2026-01-01")

    assert (first["recorded"], first["known"], first["not_held"]) == (1, 0, 58)  # 59 customers, 1 held
    assert (again["recorded"], again["known"]) == (0, 1)
    assert _events(fresh_url, sid) == [("contract_end", "sales", "datastore", "2025-09-20")]


def test_the_column_drives_deletion_the_day_before_and_the_day_of_the_end(
    lawful: Lawful, shop: Chinook, fresh_url: str, tmp_path: Path
) -> None:
    sid = _customer(fresh_url, tmp_path)
    _import(lawful, "2026-01-01")

    planned = json.loads(lawful("retention", "plan", "--now", "2030-09-20", "--json").stdout)
    before = _run(lawful, "2030-09-20")
    with db.open_session(fresh_url) as session:
        kept = worlds.items(session, sid, "sales")
    after = _run(lawful, "2030-09-21")

    group = next(g for g in planned["groups"] if g["activity"] == "sales")
    assert (group["due"], group["months"]["2030-09"]) == (0, 1)
    assert "nothing due" in before and kept > 0
    assert "deleted:1" in after
    with db.open_session(fresh_url) as session:
        assert not worlds.exists(session, sid)


def test_a_later_invoice_moves_the_end_and_a_date_still_to_come_waits(
    lawful: Lawful, shop: Chinook, fresh_url: str, tmp_path: Path
) -> None:
    """A new invoice (2026-03-02) after the first import restarts the five years; one dated after the
    import's day has not happened yet and is not recorded."""
    sid = _customer(fresh_url, tmp_path)
    _import(lawful, "2026-01-01")
    invoice = shop.rows("Invoice", CustomerId=LAST_INVOICE)[0][shop.name("InvoiceId")]
    dated(shop, invoice, "2026-03-02 00:00:00")

    early = _import(lawful, "2026-03-01")
    later = _import(lawful, "2026-03-02")
    _run(lawful, "2030-09-21")
    with db.open_session(fresh_url) as session:
        kept = worlds.items(session, sid, "sales")
    gone = _run(lawful, "2031-03-03")

    assert (early["recorded"], early["ahead"]) == (0, 1)
    assert later["recorded"] == 1
    assert kept > 0 and "deleted:1" in gone
