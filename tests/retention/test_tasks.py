"""The worker's hourly retention run: the same service as the CLI, every organisation (R-72: within 24 hours)."""

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from lawful import clock, jobs
from lawful.config import get_settings
from lawful.retention import tasks
from tests.conftest import Lawful
from tests.retention import world as worlds
from tests.retention.conftest import World


@pytest.mark.parametrize(
    ("utc", "due"),
    [("2026-03-10T07:23:00", True), ("2026-07-10T18:23:00", True), ("2026-03-10T07:24:00", False)],
)
def test_the_sweep_runs_every_hour(utc: str, due: bool) -> None:
    assert tasks.sweep_retention.task_class().validate_datetime(datetime.fromisoformat(utc)) is due


@pytest.fixture
def worker(lawful: Lawful) -> Iterator[None]:
    """The worker reads the settings `lawful` was started with."""
    with jobs.configured(get_settings().model_copy(update={"jobs_url": "immediate"})):
        yield


def test_the_task_removes_what_is_due_for_every_organisation(
    lawful: Lawful, world: World, worker: None
) -> None:
    with world.session() as session:
        old = worlds.collect(
            session,
            world.keys,
            world.organisation_id,
            email="worker@example.test",
            activity="request_followup",
            at=clock.now() - timedelta(days=4 * 365),
        )
        young = worlds.collect(
            session,
            world.keys,
            world.organisation_id,
            email="young@example.test",
            activity="request_followup",
            at=clock.now() - timedelta(days=30),
        )
    jobs.dispose()

    done = tasks.run_retention.call_local()

    jobs.dispose()
    assert done == 1
    with world.session() as session:
        assert not worlds.exists(session, old) and worlds.exists(session, young)
