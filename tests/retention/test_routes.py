"""The retention API: the plan, the privacy officer's run and its log, lifecycle events; each request in the
app's own session, read back by the test's (R-72 to R-78)."""

import uuid
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import audit, keystore, subjects
from tests.factories import bearer, make_api_key, make_register
from tests.retention import world as worlds

OFFICER = ["retention:read", "retention:run", "subjects:write"]


@pytest.fixture
def org(db: Session) -> uuid.UUID:
    return make_register(db, worlds.register()).organisation_id


def _prospect(db: Session, keys: keystore.Keys, org: uuid.UUID, email: str) -> uuid.UUID:
    return worlds.collect(
        db, keys, org, email=email, activity="request_followup", at=datetime(2023, 1, 10, 10, tzinfo=UTC)
    )


def test_the_plan_counts_what_leaves_and_names_no_one(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    _prospect(db, keys, org, "plan-api@example.test")
    token = make_api_key(db, org, ["retention:read"])

    before = client.get(
        "/api/retention/plan", params={"now": "2026-01-10T00:00:00+01:00"}, headers=bearer(token)
    )
    due = client.get(
        "/api/retention/plan", params={"now": "2026-01-11T00:00:00+01:00"}, headers=bearer(token)
    )

    assert before.status_code == due.status_code == 200
    assert (before.json()["due"], before.json()["by_month"]["2026-01"]) == (0, 1)
    [group] = [g for g in due.json()["groups"] if g["activity"] == "request_followup"]
    assert (group["due"], group["step"], group["trigger"]) == (1, "deleted", "last_inbound_contact")
    assert "plan-api@example.test" not in due.text


def test_the_officer_runs_it_and_reads_the_log(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    sid = _prospect(db, keys, org, "run-api@example.test")
    token = make_api_key(db, org, OFFICER)

    ran = client.post("/api/retention/run", json={"now": "2026-01-11T00:00:00+01:00"}, headers=bearer(token))
    runs = client.get("/api/retention/runs", headers=bearer(token))
    detail = client.get(f"/api/retention/runs/{ran.json()['id']}", headers=bearer(token))

    assert ran.status_code == 200 and ran.json()["status"] == "done"
    assert ran.json()["counts"][0] | {"skipped": {}} == {
        "activity": "request_followup",
        "rule": "prospects_3y",
        "trigger": "last_inbound_contact",
        "action": "delete",
        "step": "deleted",
        "done": 1,
        "items": 2,
        "whole": 1,
        "skipped": {},
    }
    assert [r["id"] for r in runs.json()] == [ran.json()["id"]]
    [step] = detail.json()["actions"]
    assert (step["subject_id"], step["action"], step["whole"]) == (str(sid), "deleted", True)
    assert db.get(subjects.Subject, sid) is None
    actions = {
        e.action
        for e in db.scalars(select(audit.AuditEntry).where(audit.AuditEntry.action.like("retention.%")))
    }
    assert actions == {"retention.run_started", "retention.deleted", "retention.run_finished"}


def test_only_the_privacy_officer_runs_it(client: TestClient, db: Session, org: uuid.UUID) -> None:
    reader = make_api_key(db, org, ["retention:read"])

    refused = client.post("/api/retention/run", json={}, headers=bearer(reader))

    assert refused.status_code == 403


def test_an_event_is_recorded_through_the_api_and_audited(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    sid = _prospect(db, keys, org, "event-api@example.test")
    token = make_api_key(db, org, ["subjects:write"])

    made = client.post(
        "/api/retention/events",
        json={"subject_id": str(sid), "kind": "last_inbound_contact", "at": "2025-05-01", "channel": "reply"},
        headers=bearer(token),
    )

    assert made.status_code == 201
    [event] = subjects.events(db, subject_ids=[sid])
    assert (event.kind, event.channel, event.occurred_at) == (
        "last_inbound_contact",
        "reply",
        datetime(2025, 5, 1, 10, tzinfo=UTC),  # noon in Brussels
    )
    entry = audit.latest(db, entity=event)
    assert entry is not None and entry.action == "subjects.event_recorded"


@pytest.mark.parametrize(
    ("change", "status", "named"),
    [
        ({"kind": "birthday"}, 422, "kind"),
        ({"at": "30/06/2020"}, 422, "at"),
        ({"at": "2020-06-30T10:00:00"}, 422, "at"),  # a moment without its zone
        ({"kind": "last_inbound_contact", "channel": "staff"}, 422, "channel"),  # T-30
        ({"activity": "knitting"}, 422, "activity"),
        ({"at": "2099-01-01"}, 422, "at: an event cannot be in the future"),
        ({"subject_id": str(uuid.uuid4())}, 404, "subject"),
        ({"reference": "x" * 201}, 422, "reference"),
    ],
)
def test_a_bad_event_is_refused_naming_the_field_and_writes_nothing(
    client: TestClient,
    db: Session,
    keys: keystore.Keys,
    org: uuid.UUID,
    change: dict[str, str],
    status: int,
    named: str,
) -> None:
    sid = _prospect(db, keys, org, f"bad-{uuid.uuid4().hex[:6]}@example.test")
    token = make_api_key(db, org, ["subjects:write"])
    body = {"subject_id": str(sid), "kind": "contract_end", "at": "2020-06-30"} | change

    refused = client.post("/api/retention/events", json=body, headers=bearer(token))

    assert refused.status_code == status and named in refused.text
    assert subjects.events(db, subject_ids=[sid]) == []


def test_a_run_ahead_of_the_clock_needs_test_mode(
    client: TestClient, db: Session, org: uuid.UUID, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = make_api_key(db, org, OFFICER)
    monkeypatch.setattr(client.app.state.settings, "test_mode", False)  # type: ignore[attr-defined]

    refused = client.post(
        "/api/retention/run", json={"now": "2099-01-01T00:00:00+01:00"}, headers=bearer(token)
    )

    assert refused.status_code == 422 and refused.json()["error"] == "run_ahead_of_clock"


def test_the_plan_counts_the_warnings_before_an_account_is_deleted(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    """R-77: an account closed 2025-01-01 is deleted on 2026-01-02 and its person warned on 2025-12-03."""
    sid = worlds.collect(
        db, keys, org, email="warn-api@example.test", activity="accounts", category="customer",
        at=datetime(2024, 3, 1, 9, tzinfo=UTC),
    )  # fmt: skip
    token = make_api_key(db, org, OFFICER)
    event = {"subject_id": str(sid), "kind": "account_closure", "at": "2025-01-01"}
    assert client.post("/api/retention/events", json=event, headers=bearer(token)).status_code == 201

    before = client.get(
        "/api/retention/plan", params={"now": "2025-12-02T00:00:00+01:00"}, headers=bearer(token)
    )
    on = client.get("/api/retention/plan", params={"now": "2025-12-03T00:00:00+01:00"}, headers=bearer(token))

    [ahead] = [w for w in before.json()["warnings"] if w["activity"] == "accounts"]
    [due] = [w for w in on.json()["warnings"] if w["activity"] == "accounts"]
    assert (ahead["due"], ahead["sent"], ahead["months"]["2025-12"], ahead["warn_before"]) == (
        0,
        0,
        1,
        "P30D",
    )
    assert (due["due"], due["sent"]) == (1, 0)
    assert "warn-api@example.test" not in on.text
