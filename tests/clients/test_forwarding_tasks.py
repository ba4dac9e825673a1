"""The worker's forwarding jobs (R-102): webhooks not yet reached are posted again every ten minutes;
reminders and escalations are looked at every morning in Brussels."""

from collections.abc import Iterator
from datetime import datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lawful import jobs
from lawful.config import Settings
from lawful.dsr import tasks
from tests.clients.forwarding_world import ask, enter, forwardings, world
from tests.conftest import Receiver


@pytest.mark.parametrize(("utc", "due"), [("2026-12-07T10:20:00", True), ("2026-12-07T10:25:00", False)])
def test_the_webhooks_are_retried_every_ten_minutes(utc: str, due: bool) -> None:
    assert tasks.retry_forwarding_webhooks.task_class().validate_datetime(datetime.fromisoformat(utc)) is due


@pytest.mark.parametrize(
    ("utc", "due"),
    [("2026-12-07T06:10:00", True), ("2026-07-07T05:10:00", True), ("2026-12-07T07:10:00", False)],
)
def test_the_follow_ups_run_at_ten_past_seven_in_brussels(utc: str, due: bool) -> None:
    assert tasks.follow_up_forwardings.task_class().validate_datetime(datetime.fromisoformat(utc)) is due


@pytest.fixture
def worker(settings: Settings) -> Iterator[None]:
    jobs.configure(settings.model_copy(update={"jobs_url": "immediate"}))
    yield
    jobs.dispose()


def test_a_pending_webhook_is_posted_by_the_worker(
    client: TestClient, db: Session, receiver: Receiver, worker: None
) -> None:
    site = world(db, receiver.url)
    enter(client, "acme_contest", "anne@example.test")
    asked = ask(client, site.staff, "anne@example.test", ["erasure"])
    db.close()  # the worker is another process: nothing of the test's own session stays open

    assert tasks.retry_forwarding_webhooks.call_local() == 1

    [posted] = receiver.received
    assert (posted["event"], posted["reference"]) == ("rights_request.forwarded", asked["reference"])
    [row] = forwardings(db)
    assert (row.webhook, row.webhook_attempts) == ("delivered", 1)
    db.close()
    assert tasks.retry_forwarding_webhooks.call_local() == 0  # delivered once, never again
