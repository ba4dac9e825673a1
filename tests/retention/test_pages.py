"""The console's retention page: the months-ahead chart as inline SVG, the log, a run, and the event form."""

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lawful import clock, keystore, staff, subjects
from tests.factories import log_in, make_register
from tests.retention import world as worlds

NOW = datetime.now(UTC).isoformat()


@pytest.fixture
def org(db: Session) -> uuid.UUID:
    return make_register(db, worlds.register()).organisation_id


def _officer(client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, role: staff.Role) -> None:
    log_in(client, db, keys, org, role, now=NOW)


def test_the_page_charts_the_next_twelve_months_and_names_no_one(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    soon = clock.now() - timedelta(days=3 * 365) + timedelta(days=40)  # leaves in about 40 days
    worlds.collect(db, keys, org, email="chart@example.test", activity="request_followup", at=soon)
    _officer(client, db, keys, org, staff.Role.PRIVACY_OFFICER)

    page = client.get("/console/retention", headers={"X-Lawful-Now": NOW})

    assert page.status_code == 200
    bars = dict(re.findall(r'data-month="(\d{4}-\d{2})"[^>]*><title>[^:]+: (\d+)</title>', page.text))
    assert len(bars) == 12 and sum(int(n) for n in bars.values()) == 1
    assert '<svg role="img"' in page.text and "<script" not in page.text
    assert "chart@example.test" not in page.text
    assert (
        'action="/console/retention/run"' in page.text and 'action="/console/retention/events"' in page.text
    )


def test_the_officer_runs_it_from_the_console_and_sees_each_step(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    old = clock.now() - timedelta(days=4 * 365)
    sid = worlds.collect(db, keys, org, email="console-run@example.test", activity="request_followup", at=old)
    _officer(client, db, keys, org, staff.Role.PRIVACY_OFFICER)

    ran = client.post("/console/retention/run", headers={"X-Lawful-Now": NOW}, follow_redirects=False)
    shown = client.get(ran.headers["location"], headers={"X-Lawful-Now": NOW})
    listed = client.get("/console/retention", headers={"X-Lawful-Now": NOW})

    assert ran.status_code == 303 and ran.headers["location"].startswith("/console/retention/runs/")
    assert (
        f"<code>{sid}</code>" in shown.text and 'data-step="deleted"' in shown.text and "erased" in shown.text
    )
    assert "prospects_3y · request_followup · deleted" in listed.text
    assert db.get(subjects.Subject, sid) is None


def test_legal_reads_the_log_but_neither_runs_nor_records(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    _officer(client, db, keys, org, staff.Role.LEGAL)

    page = client.get("/console/retention", headers={"X-Lawful-Now": NOW})
    refused = client.post("/console/retention/run", headers={"X-Lawful-Now": NOW}, follow_redirects=False)

    assert page.status_code == 200 and "/console/retention/run" not in page.text
    assert refused.status_code == 403


def test_an_event_recorded_in_the_console_is_the_apis(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    sid = worlds.collect(
        db,
        keys,
        org,
        email="form@example.test",
        activity="contracts",
        category="customer",
        at=datetime(2019, 3, 1, tzinfo=UTC),
    )
    _officer(client, db, keys, org, staff.Role.PRIVACY_OFFICER)
    form = {
        "subject_id": str(sid),
        "kind": "contract_end",
        "at": "2020-06-30",
        "channel": "staff",
        "activity": "",
        "reference": "C-12",
    }

    made = client.post(
        "/console/retention/events", data=form, headers={"X-Lawful-Now": NOW}, follow_redirects=False
    )
    refused = client.post(
        "/console/retention/events",
        data=form | {"at": "soon"},
        headers={"X-Lawful-Now": NOW},
        follow_redirects=False,
    )

    assert made.status_code == 303
    [event] = subjects.events(db, subject_ids=[sid])
    assert (event.kind, event.activity, event.reference) == ("contract_end", None, "C-12")
    assert refused.status_code == 422 and "at" in refused.text


def test_the_page_lists_the_warnings_due_before_an_account_is_deleted(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    """R-77: an account closed 350 days ago is deleted in about 16 days; its warning (30 days ahead) is due."""
    sid = worlds.collect(
        db, keys, org, email="warn-page@example.test", activity="accounts", category="customer",
        at=clock.now() - timedelta(days=700),
    )  # fmt: skip
    subjects.record_event(
        db, worlds.ACTOR, subject_id=sid, kind="account_closure", occurred_at=clock.now() - timedelta(days=350),
        channel="staff",
    )  # fmt: skip
    _officer(client, db, keys, org, staff.Role.PRIVACY_OFFICER)

    page = client.get("/console/retention", headers={"X-Lawful-Now": NOW})

    assert page.status_code == 200
    row = re.search(r'<tr data-warning="accounts">(.*?)</tr>', page.text)
    assert row is not None
    assert [re.sub("<[^>]+>", "", c) for c in re.findall(r"<td>.*?</td>", row.group(1))] == [
        "accounts", "account_12m", "P30D", "1", "0", "0",
    ]  # fmt: skip
    assert "warn-page@example.test" not in page.text
