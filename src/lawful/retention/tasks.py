"""The hourly retention run (R-72: expired data are gone within 24 hours of their end), as the CLI runs it:
each batch is its own commit, so a worker killed mid-run leaves whole batches and the next run the rest."""

from lawful import clock, jobs, keystore, work
from lawful.actor import Actor, ActorKind

from . import service

WORKER = Actor(ActorKind.SYSTEM, label="system:worker")


@jobs.huey.task(retries=1, retry_delay=300)  # type: ignore[untyped-decorator]  # huey has no types
def run_retention() -> int:
    """Every organisation's due steps; returns how many were taken."""
    settings = jobs.current_settings()
    keys = keystore.open_keys(settings)
    with work.unit(jobs.sessions(settings.resolved_database_url())) as session:
        runs = service.run_all(session, WORKER, keys, now=clock.now())
        return sum(int(entry["done"]) for run in runs for entry in run.counts)


@jobs.huey.periodic_task(jobs.brussels_crontab(minute="23"))  # type: ignore[untyped-decorator]
def sweep_retention() -> None:
    run_retention.call_local()
