"""The console list of automatic deletions (R-62), and the officer's decision that schedules one."""

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lawful import jobs, keystore, staff
from lawful.actor import Actor
from lawful.config import Settings
from lawful.dsr import deletions
from tests.conftest import Receiver
from tests.factories import PASSWORD, make_fulfilled_request, make_person, make_register, make_staff
from tests.registers import people


@pytest.fixture
def org(db: Session, receiver: Receiver) -> uuid.UUID:
    document = people()
    next(r for r in document["recipients"] if r["key"] == "hubspot")["endpoint"] = receiver.url
    return make_register(db, document).organisation_id


@pytest.fixture
def queued_jobs(settings: Settings, tmp_path: Path) -> Iterator[None]:
    """A real (SQLite) job queue with no consumer, so what the entry points kick can be counted."""
    with jobs.configured(settings.model_copy(update={"data_dir": tmp_path, "jobs_url": "sqlite"})):
        yield
        jobs.huey.storage.flush_queue()


def _headers(origin: bool = False) -> dict[str, str]:
    now = {"X-Lawful-Now": datetime.now(UTC).isoformat()}
    return now | ({"Origin": "http://testserver"} if origin else {})


def _log_in(client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, role: staff.Role) -> None:
    created = make_staff(db, keys, org, [role], display_name=f"Ann {role}")
    code = pyotp.TOTP(created.totp_secret).now()
    client.post(
        "/console/login",
        data={"email": created.user.email, "password": PASSWORD, "code": code},
        headers=_headers(),
    )


def _objection(db: Session, actor: Actor, keys: keystore.Keys, org: uuid.UUID) -> uuid.UUID:
    email = f"c-{uuid.uuid4().hex[:6]}@example.test"
    make_person(db, keys, org, email=email, category="customer", activity="customer_offers")
    details: dict[str, object] = {"scope": "legitimate_interest", "activity": "customer_offers"}
    return make_fulfilled_request(
        db, actor, keys, org, kinds=["objection"], email=email, base_url="", details=details
    ).id


def test_upholding_in_the_console_schedules_the_deletion_and_kicks_its_job(
    client: TestClient,
    db: Session,
    keys: keystore.Keys,
    org: uuid.UUID,
    actor: Actor,
    queued_jobs: None,
) -> None:
    request_id = _objection(db, actor, keys, org)
    _log_in(client, db, keys, org, staff.Role.PRIVACY_OFFICER)

    sent = client.post(
        f"/console/requests/{request_id}/objection",
        data={"outcome": "upheld"},
        headers=_headers(origin=True),
        follow_redirects=False,
    )

    assert sent.status_code == 303
    assert [d.request_id for d in deletions.list_deletions(db, organisation_id=org)] == [request_id]
    assert "run_deletions" in [t.name for t in jobs.huey.pending()]


def test_the_console_lists_scheduled_and_done_deletions_with_what_was_kept(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    email = f"c-{uuid.uuid4().hex[:6]}@example.test"
    make_person(db, keys, org, email=email, category="customer", activity="customer_service")
    request_id = _objection(db, actor, keys, org)
    scheduled = deletions.schedule(
        db,
        actor,
        organisation_id=org,
        subject_id=uuid.uuid4(),
        trigger=deletions.Trigger.CONSENT_WITHDRAWN,
        trigger_id=uuid.uuid4(),
        activity="newsletter",
        triggered_at=datetime.now(UTC),
        request_id=request_id,
    )
    _log_in(client, db, keys, org, staff.Role.PRIVACY_OFFICER)

    page = client.get("/console/requests/deletions", headers=_headers())
    done = client.get("/console/requests/deletions?status=done", headers=_headers())
    wrong = client.get("/console/requests/deletions?status=maybe", headers=_headers())

    assert page.status_code == 200 and f'data-deletion="{scheduled.id}" data-status="scheduled"' in page.text
    assert "newsletter" in page.text and f'href="/console/requests/{request_id}"' in page.text
    assert str(scheduled.id) not in done.text and "No automatic deletion." in done.text
    assert wrong.status_code == 422 and "status" in wrong.text and "maybe" not in wrong.text


def test_support_staff_without_read_access_see_no_deletions(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    _log_in(client, db, keys, org, staff.Role.MARKETING)

    page = client.get("/console/requests/deletions", headers=_headers())

    assert page.status_code == 403
