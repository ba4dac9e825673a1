"""The hourly compliance run: transfer suspensions on record (R-114), Art. 14 notices due sent (R-09), and
the day's count of overdue items for the trend (R-125)."""

from datetime import datetime

from lawful import clock, jobs, keystore, processing, work
from lawful.actor import Actor, ActorKind
from lawful.config import Settings

from . import hourly

WORKER = Actor(ActorKind.SYSTEM, label="system:worker")


def run(
    settings: Settings, keys: keystore.Keys, *, now: datetime, actor: Actor = WORKER
) -> dict[str, object]:
    """What the hourly task does: `hourly.run` (as `lawful compliance run` and POST /api/compliance/run), each
    organisation in its own unit of work, so that one organisation's failure undoes nothing of another's."""
    sessions = jobs.sessions(settings.resolved_database_url())
    with work.unit(sessions) as session:
        organisations = [org.id for org in processing.list_organisations(session)]
    report: dict[str, object] = {}
    for organisation_id in organisations:
        with work.unit(sessions) as session:
            done = hourly.run(
                session, actor, keys, now=now, base_url=settings.base_url, organisation_id=organisation_id
            )
        report |= {slug: read.model_dump() for slug, read in done.items()}
    return report


@jobs.huey.task(retries=1, retry_delay=300)  # type: ignore[untyped-decorator]  # huey has no types
def run_compliance() -> dict[str, object]:
    settings = jobs.current_settings()
    return run(settings, keystore.open_keys(settings), now=clock.now())


@jobs.huey.periodic_task(jobs.brussels_crontab(minute="11"))  # type: ignore[untyped-decorator]
def sweep_compliance() -> None:
    run_compliance.call_local()
