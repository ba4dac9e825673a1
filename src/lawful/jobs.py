"""Background jobs with huey: outgoing mail now; rights-request steps and sweeps later.

The huey instance exists at import (tasks must be declared on it) but stores nothing until
`configure(settings)` points it at SQLite in the data directory, at Redis, or keeps it in immediate mode.
Until then `kick()` does nothing: queued work waits in the outbox for the periodic sweep or the CLI.
"""

import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from importlib.util import find_spec
from time import monotonic, sleep
from typing import TYPE_CHECKING, Any

from huey import Huey, crontab
from huey.storage import RedisStorage, SqliteStorage
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from lawful import clock, db, keystore, mail, outbound, work
from lawful.config import SettingError, Settings, get_settings

if TYPE_CHECKING:
    from huey.consumer import Consumer

huey = Huey("lawful", immediate=True, utc=True, results=False)
_configured: list[Settings] = []


def configure(settings: Settings) -> None:
    redis = settings.jobs_url.startswith("redis")  # redis://, rediss://
    if redis and find_spec("redis") is None:  # huey's own error would name no setting
        raise SettingError(
            "LAWFUL_JOBS_URL is a Redis URL, but the redis package is not installed: "
            "install lawful with its redis extra (pip install 'lawful[redis]'), or set LAWFUL_JOBS_URL=sqlite"
        )
    dispose()
    if settings.jobs_url == "immediate":
        huey.immediate = True
    else:
        huey.storage_class = RedisStorage if redis else SqliteStorage
        huey.storage_kwargs = (
            {"url": settings.jobs_url}
            if redis
            else {"filename": str((settings.data_dir / "jobs.db").resolve())}
        )
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        huey._immediate = False  # the public setter would rebuild memory storage first
        huey.storage = huey.create_storage()
    _configured[:] = [settings]
    outbound.configure(settings.outbound_allow)  # what this worker's steps may call


def reset() -> None:
    """Back to the state at import: immediate mode, nothing configured (kick() schedules nothing)."""
    dispose()
    huey.immediate = True
    _configured.clear()


def restore(previous: list[Settings]) -> None:
    """Put back a configuration saved from `_configured` (an empty list means none)."""
    if previous:
        configure(previous[0])
    else:
        reset()


@contextmanager
def configured(settings: Settings) -> Iterator[None]:
    """The jobs configured with `settings` for the block, then as they were: for a command or a test that
    runs work against another database than its process's own."""
    previous = list(_configured)
    configure(settings)
    try:
        yield
    finally:
        restore(previous)


def consumer(workers: int = 2) -> "Consumer":
    """A consumer for `lawful worker`, or started in a thread by `lawful serve` (embedded mode)."""
    made: Consumer = huey.create_consumer(
        workers=workers, worker_type="thread", periodic=True, check_worker_health=False
    )
    return made


def brussels_crontab(
    minute: str = "*", hour: str = "*", day: str = "*", month: str = "*", day_of_week: str = "*"
) -> Callable[[datetime], bool]:
    """A periodic task's schedule in Brussels time, where legal dates are (clock.BRUSSELS).

    huey checks each schedule against its own clock, UTC here (`utc=True`, naive datetimes): a plain
    `crontab(hour="7")` runs at 08:00 or 09:00 in Brussels depending on the season. This one converts
    the time first, so `brussels_crontab(hour="7", minute="0")` is 07:00 in Brussels all year."""
    matches = crontab(minute, hour, day, month, day_of_week)

    def validate(timestamp: datetime) -> bool:
        aware = timestamp if timestamp.tzinfo else timestamp.replace(tzinfo=UTC)
        return bool(matches(aware.astimezone(clock.BRUSSELS).replace(tzinfo=None)))

    return validate


def kick(db: Session, task: Any, *args: Any) -> None:
    """Schedule a task once `db`'s unit of work has committed, when a queue is configured; otherwise the
    periodic sweep will do it. A rolled-back unit schedules nothing."""
    work.after_commit(db, f"{task.name}:{args!r}", lambda: _enqueue(task, *args))


def _enqueue(task: Any, *args: Any) -> None:
    if _configured and not huey.immediate:
        task(*args)


def current_settings() -> Settings:
    return _configured[0] if _configured else get_settings()


_engines: dict[str, Engine] = {}


def sessions(url: str) -> Any:
    """Sessions on one engine per database for the jobs of this process."""
    if url not in _engines:
        _engines[url] = db.make_engine(url)
    return db.make_sessionmaker(_engines[url])


def dispose() -> None:
    """Close the jobs' connections (on reconfiguration, and when a test's database goes away)."""
    for engine in _engines.values():
        engine.dispose()
    _engines.clear()


MAIL_BATCH = 50
MAIL_RUN = 50.0  # seconds one run may deliver batch after batch; the minute's sweep starts the next
# How long one unit of work may send: its claim holds the write lock (all of SQLite, the claimed rows on
# PostgreSQL) and an opt-out waits for it. 50 messages to a relay answering in 50 ms held it 2.5 s; a unit
# now ends after 0.2 s and leaves the rest of its batch pending for the next one.
MAIL_UNIT_SECONDS = 0.25
# SQLite has one writer at a time and its busy handler polls at most every 100 ms: a pause that long
# between units lets an opt-out in, instead of waiting for the whole campaign
SQLITE_YIELD = 0.1


@huey.task(retries=3, retry_delay=30)
def deliver_mail() -> int:
    """Hand due outbox messages to the SMTP server, a short unit of work at a time, until none is due;
    failures are retried by the outbox itself."""
    settings = current_settings()
    return deliver_units(settings, keystore.open_keys(settings), until=monotonic() + MAIL_RUN).sent


def deliver_units(
    settings: Settings,
    keys: keystore.Keys,
    *,
    until: float | None = None,
    organisation_id: uuid.UUID | None = None,
    units: Callable[[], AbstractContextManager[Session]] | None = None,
) -> mail.Delivery:
    """Deliver what is due in units of work of at most MAIL_BATCH messages and MAIL_UNIT_SECONDS each
    (committed each by the unit, so an opt-out waits for one short unit at most), until none is due or
    the monotonic clock passes `until`; the worker's task, `lawful mail deliver` and its route run it.
    `units` gives each unit of work (a route's checkpoints of its own session; by default one session
    each); `organisation_id`: that organisation's messages only."""
    url = settings.resolved_database_url()
    total = mail.Delivery()
    connection = mail.Connection(settings)  # one SMTP session across the units
    limit = MAIL_BATCH
    try:
        while True:
            with units() if units is not None else work.unit(sessions(url)) as session:
                done = mail.deliver(
                    session,
                    keys,
                    settings,
                    limit=limit,
                    seconds=MAIL_UNIT_SECONDS,
                    connection=connection,
                    organisation_id=organisation_id,
                )
            total += done
            if done.handled < limit and not done.deferred:
                return total
            # a slow relay: claim (and screen) about what a unit sends, not a batch it would leave behind
            limit = min(MAIL_BATCH, 2 * done.handled) if done.deferred else MAIL_BATCH
            if until is not None and monotonic() > until:
                return total
            if url.startswith("sqlite"):
                sleep(SQLITE_YIELD)
    finally:
        connection.close()


@contextmanager
def checkpoints(db: Session) -> Iterator[Session]:
    """Units of work on one open session (a route's): each committed when its block ends."""
    yield db
    work.checkpoint(db)


@huey.periodic_task(crontab(minute="*"))
def sweep_mail() -> None:
    deliver_mail.call_local()


mail.deliver_with(lambda: _enqueue(deliver_mail))  # a unit that queued mail schedules its delivery
