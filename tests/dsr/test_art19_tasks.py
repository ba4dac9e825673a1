"""Art. 19, R-56: every recipient hears of an erasure, through its API with retries, or by staff who record
what they did; the request completes only once nobody is left. Time is driven by X-Lawful-Now and the
pinned clock, never by sleeping; recipients are real HTTP servers on loopback."""

import json
import socket
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from lawful import clock, dsr, keystore, staff
from lawful import db as lawful_db
from lawful.actor import Actor
from lawful.dsr import notices, recipients
from lawful.dsr.notices import RecipientNotice
from lawful.dsr.notices import rules as notice_rules
from lawful.dsr.tasks import retry_due_recipients
from tests.conftest import Lawful
from tests.factories import bearer, log_in, make_api_key, make_fulfilled_request, make_person, make_register
from tests.registers import as_yaml, people

T0 = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)  # a Thursday; the request is due Monday 4 January 2027
EMAIL = "leaving@example.test"


@dataclass
class Scripted:
    """A recipient's system that answers each POST with the next status of its script, then 204."""

    url: str
    script: list[int] = field(default_factory=list)
    received: list[dict[str, Any]] = field(default_factory=list)


@pytest.fixture
def scripted() -> Iterator[Scripted]:
    found = Scripted("")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            found.received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(found.script.pop(0) if found.script else 204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            return

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    found.url = f"http://127.0.0.1:{server.server_address[1]}/gdpr"
    yield found
    server.shutdown()
    server.server_close()
    thread.join()


def _closed_port() -> str:
    """An address where nothing listens: the connection is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}/gdpr"


def _org(db: Session, hubspot: str | None) -> uuid.UUID:
    document = people()
    hub = next(r for r in document["recipients"] if r["key"] == "hubspot")
    if hubspot is None:
        del hub["endpoint"]
    else:
        hub["endpoint"] = hubspot
    return make_register(db, document).organisation_id


def _at(instant: datetime) -> dict[str, str]:
    return {"X-Lawful-Now": instant.isoformat()}


def _erase(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, *, customer: bool = False
) -> tuple[str, dict[str, str]]:
    """An erasure registered by staff at T0 and run at once, through the API, of a newsletter subscriber
    (HubSpot received the address) who may be a customer too (Host SA, which has no endpoint, did too)."""
    make_person(db, keys, org, email=EMAIL, activity="newsletter")
    if customer:
        make_person(db, keys, org, email=EMAIL, category="customer", activity="customer_service")
    auth = bearer(make_api_key(db, org, ["dsr:read", "dsr:write"]))
    body = {"kinds": ["erasure"], "email": EMAIL, "channel": "email", "identity_verified": True}
    made = client.post("/api/dsr", json=body, headers=auth | _at(T0))
    assert made.status_code == 201, made.text
    request_id = made.json()["id"]
    assert client.post(f"/api/dsr/{request_id}/run", headers=auth | _at(T0)).status_code == 200
    return request_id, auth


def _retry(client: TestClient, auth: dict[str, str], at: datetime) -> int:
    answer = client.post("/api/dsr/recipients/retry", headers=auth | _at(at))
    assert answer.status_code == 200, answer.text
    return int(answer.json()["tried"])


def _notice(client: TestClient, auth: dict[str, str], request_id: str, name: str) -> dict[str, Any]:
    found = client.get(f"/api/dsr/{request_id}/recipients", headers=auth).json()["recipients"]
    return next(n for n in found if n["recipient"] == name)


def test_a_recipient_failing_twice_is_told_on_the_third_attempt_after_one_then_five_minutes(
    client: TestClient, db: Session, keys: keystore.Keys, scripted: Scripted
) -> None:
    scripted.script = [503, 502]
    org = _org(db, scripted.url)
    request_id, auth = _erase(client, db, keys, org)
    first = _notice(client, auth, request_id, "HubSpot Inc.")
    waiting = client.get(f"/api/dsr/{request_id}", headers=auth).json()

    before_one_minute = _retry(client, auth, T0 + timedelta(seconds=59))
    second = _retry(client, auth, T0 + timedelta(minutes=1))
    before_five_more = _retry(client, auth, T0 + timedelta(minutes=6, seconds=-1))
    third = _retry(client, auth, T0 + timedelta(minutes=6))

    assert (first["status"], first["attempts"], first["last_error"]) == ("retrying", 1, "server error 503")
    assert datetime.fromisoformat(first["next_attempt_at"]) == T0 + timedelta(minutes=1)
    assert (
        waiting["status"] == "in_progress" and "answered_at" in waiting["outcome"]
    )  # answered, not completed
    assert waiting["outcome"]["recipients_notified"]["HubSpot Inc."].startswith("not delivered: retrying")
    assert (before_one_minute, second, before_five_more, third) == (0, 1, 0, 1)
    assert len(scripted.received) == 3 and all(p["email"] == EMAIL for p in scripted.received)
    done = _notice(client, auth, request_id, "HubSpot Inc.")
    assert (done["status"], done["attempts"], done["method"]) == ("delivered", 3, "api")
    assert datetime.fromisoformat(done["told_at"]) == T0 + timedelta(minutes=6)
    final = client.get(f"/api/dsr/{request_id}", headers=auth).json()
    assert (
        final["status"] == "completed"
        and final["outcome"]["recipients_notified"]["HubSpot Inc."] == "delivered"
    )
    assert datetime.fromisoformat(final["completed_at"]) == T0 + timedelta(minutes=6)
    stored = db.scalars(select(RecipientNotice).where(RecipientNotice.recipient == "HubSpot Inc.")).one()
    assert stored.payload is None  # the sealed message (with the address) is gone once delivered


def hub_reference(client: TestClient, auth: dict[str, str], request_id: str) -> str:
    return str(client.get(f"/api/dsr/{request_id}", headers=auth).json()["reference"])


def test_a_recipient_that_never_answers_becomes_a_task_after_the_last_back_off(
    client: TestClient, db: Session, keys: keystore.Keys, engine: Engine
) -> None:
    org = _org(db, _closed_port())
    request_id, auth = _erase(client, db, keys, org)
    db.commit()
    sessions = lawful_db.make_sessionmaker(engine)
    instant, tried = T0, []
    for wait in notice_rules.BACKOFF:  # the worker's job, at each moment an attempt falls due
        instant += wait
        with clock.pinned(instant - timedelta(seconds=1)):
            tried.append(retry_due_recipients(sessions, keys))
        with clock.pinned(instant):
            tried.append(retry_due_recipients(sessions, keys))
    with clock.pinned(instant + timedelta(days=1)):
        after = retry_due_recipients(sessions, keys)

    assert tried == [0, 1] * 5 and after == 0
    hub = _notice(client, auth, request_id, "HubSpot Inc.")
    assert (hub["status"], hub["attempts"], hub["last_error"]) == ("open", 6, "unreachable")
    assert hub["reason"] == "not delivered after 6 attempts"
    assert hub["due_on"] == "2026-12-11"  # five working days after Friday 4 December, when it failed
    tasks = client.get("/api/dsr/tasks", headers=auth).json()
    assert [(t["reference"], t["recipient"], t["status"]) for t in tasks] == [
        (hub_reference(client, auth, request_id), "HubSpot Inc.", "open")
    ]
    assert client.get(f"/api/dsr/{request_id}", headers=auth).json()["status"] == "in_progress"


def test_recipients_without_an_endpoint_are_tasks_and_the_request_waits_for_their_outcomes(
    client: TestClient, db: Session, keys: keystore.Keys
) -> None:
    org = _org(db, None)
    request_id, auth = _erase(client, db, keys, org, customer=True)
    log_in(client, db, keys, org, staff.Role.SUPPORT, now=(T0 + timedelta(hours=1)).isoformat())
    later = _at(T0 + timedelta(hours=1))

    refused = client.post(f"/api/dsr/{request_id}/complete", headers=auth | later)
    page = client.get("/console/tasks", headers=later)
    host = _notice(client, auth, request_id, "Host SA")
    form = {
        "notice": host["id"],
        "outcome": "told",
        "method": "letter",
        "told_on": "2026-12-03",
        "note": "to their DPO",
    }
    sent = client.post(
        f"/console/requests/{request_id}/recipients", data=form, headers=later, follow_redirects=False
    )
    still = client.post(f"/api/dsr/{request_id}/complete", headers=auth | later)
    impossible = {
        "recipient": "HubSpot Inc.",
        "outcome": "impossible",
        "note": "the account was closed in 2025",
    }
    recorded = client.post(f"/api/dsr/{request_id}/recipients", json=impossible, headers=auth | later)
    again = client.post(f"/api/dsr/{request_id}/complete", headers=auth | later)

    assert refused.status_code == 409 and refused.json()["error"] == "recipients_pending"
    assert "Host SA" in refused.json()["detail"] and "HubSpot Inc." in refused.json()["detail"]
    assert {"HubSpot Inc.", "Host SA"} <= set(p["message"].split(":")[0] for p in refused.json()["problems"])
    assert page.status_code == 200 and f'data-task="{host["id"]}"' in page.text
    assert host["status"] == "open" and host["reason"] == "no endpoint" and host["due_on"] == "2026-12-10"
    assert sent.status_code == 303
    assert (
        still.status_code == 409
        and "HubSpot Inc." in still.json()["detail"]
        and "Host SA" not in still.json()["detail"]
    )
    assert recorded.status_code == 200 and recorded.json()["outcome"] == "impossible"
    final = client.get(f"/api/dsr/{request_id}", headers=auth).json()
    assert final["status"] == "completed"  # the answer had gone out: the last outcome completes it
    assert again.status_code == 409  # already completed
    told = client.get(f"/api/dsr/{request_id}/recipients", headers=auth).json()["told"]
    assert told == [  # what the person is told when they ask (Art. 19, second sentence)
        {
            "recipient": "Host SA",
            "outcome": "told",
            "told_at": (T0 + timedelta(hours=1)).isoformat(),  # "today" in the form: now, not noon ahead
            "method": "letter",
            "reason": None,
        },
        {
            "recipient": "HubSpot Inc.",
            "outcome": "impossible",
            "told_at": None,
            "method": None,
            "reason": "the account was closed in 2025",
        },
    ]
    assert "Host SA" not in client.get("/console/tasks", headers=later).text


def test_what_the_person_reads_of_each_recipient_in_their_language(db: Session) -> None:
    told = {
        "recipient": "Host SA",
        "outcome": "told",
        "told_at": "2026-12-03T23:30:00+00:00",
        "method": "letter",
    }
    gone = {"recipient": "HubSpot Inc.", "outcome": "impossible", "reason": "compte clôturé"}

    assert recipients.describe(told, "fr") == "Host SA a été informé le 4 décembre 2026, par courrier."
    assert (
        recipients.describe(told, "nl") == "Host SA werd op 4 december 2026 op de hoogte gebracht, per brief."
    )
    assert recipients.describe(gone, "fr").startswith("HubSpot Inc. n'a pas pu être informé")
    assert recipients.describe({"recipient": "X", "outcome": None}, "en").startswith("X is being told")


@pytest.mark.parametrize(
    ("form", "path"),
    [
        ({"outcome": "told", "told_at": "2026-12-03T10:00:00+01:00"}, "method"),
        (
            {"outcome": "told", "method": "letter", "told_at": "2026-12-05T10:00:00+01:00"},
            "told_at",
        ),  # future
        ({"outcome": "told", "method": "letter"}, "told_at"),
        ({"outcome": "disproportionate", "note": "too hard"}, "note"),
    ],
)
def test_an_outcome_without_what_art19_needs_is_refused_naming_the_field(
    client: TestClient, db: Session, keys: keystore.Keys, form: dict[str, str], path: str
) -> None:
    org = _org(db, None)
    request_id, auth = _erase(client, db, keys, org, customer=True)

    answer = client.post(
        f"/api/dsr/{request_id}/recipients",
        json={"recipient": "Host SA", **form},
        headers=auth | _at(T0 + timedelta(hours=2)),
    )

    assert answer.status_code == 422 and answer.json()["problems"][0]["path"] == path
    assert _notice(client, auth, request_id, "Host SA")["status"] == "open"


@pytest.mark.parametrize(
    ("attempts", "wait"),
    [(0, None), (1, timedelta(minutes=1)), (2, timedelta(minutes=5)), (5, timedelta(hours=12)), (6, None)],
)
def test_the_back_off_after_each_failed_attempt(attempts: int, wait: timedelta | None) -> None:
    assert notice_rules.next_attempt(attempts, T0) == (None if wait is None else T0 + wait)


@pytest.mark.parametrize(
    ("today", "request_due", "due"),
    [
        (date(2026, 12, 3), date(2027, 1, 4), date(2026, 12, 10)),  # five working days
        (date(2026, 12, 23), date(2027, 1, 25), date(2026, 12, 31)),  # Christmas Day not counted
        (date(2026, 12, 3), date(2026, 12, 7), date(2026, 12, 7)),  # never after the request's due date
        (date(2026, 12, 4), date(2026, 12, 1), date(2026, 12, 7)),  # overdue: the next working day
    ],
)
def test_a_task_is_due_within_five_working_days_and_by_the_requests_due_date(
    today: date, request_due: date, due: date
) -> None:
    assert notice_rules.task_due(request_due, today, clock.is_working_day) == due


def test_the_shell_refuses_completion_naming_the_recipient_then_records_its_outcome(
    lawful: Lawful, tmp_path: Path, fresh_url: str
) -> None:
    document = people()
    del next(r for r in document["recipients"] if r["key"] == "hubspot")["endpoint"]
    lawful.apply_register(tmp_path, as_yaml(document))
    added = lawful(
        "subjects",
        "add",
        "--activity",
        "customer_service",
        "--category",
        "customer",
        "--channel",
        "phone",
        "--email",
        EMAIL,
    )
    assert added.exit_code == 0, added.output
    made = lawful("dsr", "add", EMAIL, "--types", "erasure", "--channel", "phone", "--verified", "--json")
    reference = json.loads(made.stdout)["reference"]
    assert lawful("dsr", "run").exit_code == 0

    listed = lawful("dsr", "tasks", "list", "--json")
    refused = lawful("dsr", "complete", reference)
    recorded = lawful(
        "dsr",
        "tasks",
        "record",
        reference,
        "--recipient",
        "Host SA",
        "--outcome",
        "told",
        "--how",
        "phone",
        "--when",
        datetime.now(UTC).isoformat(),
        "--note",
        "told their support desk",
    )

    assert [(t["reference"], t["recipient"], t["status"]) for t in json.loads(listed.stdout)] == [
        (reference, "Host SA", "open")
    ]
    assert refused.exit_code == 1 and "Host SA" in refused.output and "recipients_pending" in refused.output
    assert recorded.exit_code == 0 and "completed" in recorded.stdout
    with lawful_db.open_session(fresh_url) as session:
        request = session.scalars(select(dsr.Request).where(dsr.Request.reference == reference)).one()
        assert request.status == "completed"
        assert [o["method"] for o in recipients.outcomes(session, request.id)] == ["phone"]


def test_an_erasure_drops_the_waiting_message_of_an_earlier_request_which_goes_to_staff(
    db: Session, keys: keystore.Keys, actor: Actor
) -> None:
    org = _org(db, _closed_port())
    make_person(db, keys, org, email=EMAIL, activity="newsletter")
    with clock.pinned(T0):
        earlier = make_fulfilled_request(
            db,
            actor,
            keys,
            org,
            kinds=["rectification"],
            email=EMAIL,
            details={"values": {"user.name": "Ann"}},
        )
        erasure = make_fulfilled_request(db, actor, keys, org, kinds=["erasure"], email=EMAIL)

    [old] = notices.of_request(db, request_id=earlier.id)
    [new] = notices.of_request(db, request_id=erasure.id)
    assert (old.status, old.reason, old.payload) == ("open", "message erased", None)
    assert new.status == "retrying" and new.payload is not None and EMAIL.encode() not in new.payload
