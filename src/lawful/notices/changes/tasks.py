"""The worker's hourly pass over material notice changes not yet in force: people collected for a changed
activity since the change was published are told too, once each (R-117)."""

from lawful import jobs, keystore, work
from lawful.actor import Actor, ActorKind

from . import service

WORKER = Actor(ActorKind.SYSTEM, label="system:notice-changes")


@jobs.huey.periodic_task(jobs.brussels_crontab(minute="41"))  # type: ignore[untyped-decorator]
def mail_notice_changes() -> int:
    settings = jobs.current_settings()
    keys = keystore.open_keys(settings)
    with work.unit(jobs.sessions(settings.resolved_database_url())) as session:
        return service.notify_due(session, WORKER, keys, base_url=settings.base_url)
