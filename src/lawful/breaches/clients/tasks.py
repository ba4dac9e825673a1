"""The job of the notices to client controllers: every minute, an overdue notice is flagged to the privacy
officers, once per case and client however many workers run it (alerts.py)."""

from huey import crontab

from lawful import clock, jobs, keystore, work
from lawful.actor import Actor, ActorKind

from . import alerts

WORKER = Actor(ActorKind.SYSTEM, label="system:breaches")


@jobs.huey.periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator]
def client_notices_overdue() -> int:
    """R-103: a client's DPA deadline passed without its notice."""
    settings = jobs.current_settings()
    keys = keystore.open_keys(settings)
    with work.unit(jobs.sessions(settings.resolved_database_url())) as session:
        found = alerts.send_overdue(session, WORKER, keys, now=clock.now(), base_url=settings.base_url)
    return len(found)
