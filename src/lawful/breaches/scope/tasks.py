"""R-82: the list of the people affected by a closed case is destroyed at closure plus the configured
period, checked hourly; the same service call as `lawful breaches forget-affected`."""

from datetime import timedelta

from huey import crontab

from lawful import clock, jobs, keystore, work
from lawful.actor import Actor, ActorKind

from . import service

WORKER = Actor(ActorKind.SYSTEM, label="system:breaches")


@jobs.huey.periodic_task(crontab(minute="17"))  # type: ignore[untyped-decorator]
def forget_affected() -> int:
    settings = jobs.current_settings()
    keys = keystore.open_keys(settings)
    keep = timedelta(days=settings.breach_affected_keep_days)
    with work.unit(jobs.sessions(settings.resolved_database_url())) as session:
        done = service.forget_due(session, WORKER, keys, now=clock.now(), keep=keep)
    return len(done)
