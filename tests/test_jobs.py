"""The job queue's set-up (SQLite, Redis, immediate) and schedules on the Brussels clock."""

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from huey.storage import RedisStorage

from lawful import jobs, work
from lawful.config import SettingError, Settings
from lawful.dsr import tasks


@pytest.mark.parametrize(
    ("utc", "due"),
    [
        ("2026-12-02T06:00", True),  # winter (CET, UTC+1): 07:00 in Brussels
        ("2026-12-02T07:00", False),  # 08:00 in Brussels: what crontab(hour="7") on huey's UTC clock did
        ("2026-07-01T05:00", True),  # summer (CEST, UTC+2)
        ("2026-07-01T06:00", False),
        ("2026-03-29T05:00", True),  # the day clocks go forward (02:00 -> 03:00): already CEST at 07:00
        ("2026-03-29T06:00", False),
        ("2026-10-25T06:00", True),  # the day clocks go back (03:00 -> 02:00): CET again at 07:00
        ("2026-10-25T05:00", False),
        ("2028-02-29T06:00", True),  # a leap day
        ("2026-12-02T06:01", False),  # once a day, not for the whole hour
    ],
)
def test_a_brussels_schedule_is_due_at_brussels_time_all_year(utc: str, due: bool) -> None:
    at_seven = jobs.brussels_crontab(hour="7", minute="0")

    assert at_seven(datetime.fromisoformat(utc)) is due  # huey's clock: naive UTC (utc=True)
    assert at_seven(datetime.fromisoformat(utc).replace(tzinfo=UTC)) is due


@pytest.mark.parametrize(
    ("utc", "due"),
    [("2026-07-01T05:00", True), ("2026-12-01T06:00", True), ("2026-12-01T07:00", False)],
)
def test_the_deadline_reminders_go_out_at_seven_in_brussels(utc: str, due: bool) -> None:
    assert tasks.remind.task_class().validate_datetime(datetime.fromisoformat(utc)) is due


def test_a_redis_url_without_the_redis_package_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "redis", None)
    before = (jobs.huey.immediate, jobs.huey.storage)

    with pytest.raises(SettingError, match=r"LAWFUL_JOBS_URL .*lawful\[redis\]"):
        jobs.configure(Settings(data_dir=tmp_path, jobs_url="redis://127.0.0.1:6379/0"))

    assert (jobs.huey.immediate, jobs.huey.storage) == before


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A redis-server of this test's own on a free port of the loopback, stopped afterwards."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_a_redis_queue_holds_the_jobs_enqueued(redis_url: str, tmp_path: Path) -> None:
    pytest.importorskip("redis")
    settings = Settings(data_dir=tmp_path, jobs_url=redis_url)
    jobs.configure(settings)
    try:
        with work.unit(jobs.sessions(f"sqlite:///{tmp_path / 'kick.db'}")) as db:
            jobs.kick(db, jobs.deliver_mail)  # scheduled once the unit commits

        assert isinstance(jobs.huey.storage, RedisStorage) and jobs.huey.pending_count() == 1
        jobs.huey.flush()
    finally:
        jobs.configure(settings.model_copy(update={"jobs_url": "immediate"}))
