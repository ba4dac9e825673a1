"""The hourly compliance run: transfer suspensions on record (R-114), Art. 14 notices due sent (R-09), and
the day's count of overdue items for the trend (R-125). Each part its own unit of work."""

from datetime import datetime

from lawful import clock, jobs, keystore, work
from lawful.actor import Actor, ActorKind
from lawful.config import Settings

from . import art14, transfers, trends

WORKER = Actor(ActorKind.SYSTEM, label="system:worker")


def run(
    settings: Settings, keys: keystore.Keys, *, now: datetime, actor: Actor = WORKER
) -> dict[str, object]:
    """What the hourly task does, for the task and for `lawful compliance run --now`."""
    sessions = jobs.sessions(settings.resolved_database_url())
    with work.unit(sessions) as session:
        swept = transfers.sweep_all(session, actor, now=now)
    with work.unit(sessions) as session:
        sent = art14.send_all(session, actor, keys, now=now, base_url=settings.base_url)
    with work.unit(sessions) as session:
        trends.snapshot_all(session, keys, now=now)
    return {
        "transfers": {
            slug: {"suspended": s.suspended, "alerted": s.alerted, "resumed": s.resumed}
            for slug, s in swept.items()
        },
        "art14": {slug: {"emailed": s.emailed, "letters": s.letters} for slug, s in sent.items()},
    }


@jobs.huey.task(retries=1, retry_delay=300)  # type: ignore[untyped-decorator]  # huey has no types
def run_compliance() -> dict[str, object]:
    settings = jobs.current_settings()
    return run(settings, keystore.open_keys(settings), now=clock.now())


@jobs.huey.periodic_task(jobs.brussels_crontab(minute="11"))  # type: ignore[untyped-decorator]
def sweep_compliance() -> None:
    run_compliance.call_local()
