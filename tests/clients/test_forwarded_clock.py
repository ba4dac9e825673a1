"""A request forwarded to a client controller runs on the client's clock until it instructs (Art. 28(3)(e)):
the privacy officer's reminders and the compliance check do not call it overdue, the company's own request
of the same day is, and the client's instruction brings the forwarded one back onto our clock."""

from datetime import date, datetime, time, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lawful import clock, compliance, dsr, keystore
from tests.clients.forwarding_world import ACME, World, ask, enter, forwardings, instruct, world
from tests.conftest import Receiver

ANNE, CARL = "anne@example.test", "carl@example.test"


@pytest.fixture
def site(db: Session, receiver: Receiver) -> World:
    return world(db, receiver.url)


def _overdue(db: Session, keys: keystore.Keys, site: World, day: date) -> tuple[set[str], set[str]]:
    db.expire_all()
    reminded = {r.reference for r, why in dsr.cases.reminders_due(db, organisation_id=site.org, today=day)}
    with clock.pinned(datetime.combine(day, time(12), tzinfo=clock.BRUSSELS)):
        items = compliance.check(db, keys, organisation_id=site.org)
    checked = {
        i.concerns.removeprefix("requests/")
        for i in items
        if i.check == compliance.Check.REQUEST and str(i.severity) == "overdue"
    }
    return reminded, checked


def test_a_forwarded_request_is_not_ours_to_chase_until_the_client_instructs(
    client: TestClient, db: Session, keys: keystore.Keys, site: World
) -> None:
    enter(client, "acme_contest", ANNE)
    forwarded = ask(client, site.staff, ANNE, ["erasure"])
    ours = ask(client, site.staff, CARL, ["access"])
    due = date.fromisoformat(ours["due_on"])
    after = due + timedelta(days=1)

    reminded, checked = _overdue(db, keys, site, after)

    assert forwarded["status"] == "forwarded" and forwarded["due_on"] == ours["due_on"]
    assert ours["reference"] in reminded and ours["reference"] in checked
    assert forwarded["reference"] not in reminded | checked

    [row] = forwardings(db)
    assert instruct(client, site.brand, ACME, row.request_id, "carry_out").status_code == 200
    reminded, checked = _overdue(db, keys, site, after)
    assert forwarded["reference"] in reminded and forwarded["reference"] in checked
