"""The hourly retention run (R-72: expired data are gone within 24 hours of their end), as the CLI runs it:
each batch is its own commit, so a worker killed mid-run leaves whole batches and the next run the rest.

The sweep first records the lifecycle events the datastores' mapped columns date (`lawful connectors
events import`), then runs; it then ends what the company's own databases keep past their rule (`lawful connectors
retention run`) and unlinks consent evidence past its own period (R-82), each in its own unit of work so
that a failing datastore never holds back lawful's own deletions."""

from lawful import clock, connectors, consent, jobs, keystore, work
from lawful.actor import Actor, ActorKind

from . import service

WORKER = Actor(ActorKind.SYSTEM, label="system:worker")


@jobs.huey.task(retries=1, retry_delay=300)  # type: ignore[untyped-decorator]  # huey has no types
def run_retention() -> int:
    """Every organisation's due steps; returns how many were taken."""
    settings = jobs.current_settings()
    keys = keystore.open_keys(settings)
    sessions, now = jobs.sessions(settings.resolved_database_url()), clock.now()
    with work.unit(sessions) as session:  # the dates the datastores hold first: the run counts from them
        connectors.import_events(session, WORKER, keys, now=now, settings=settings)
    with work.unit(sessions) as session:
        runs = service.run_all(session, WORKER, keys, now=now)
        taken = sum(int(entry["done"]) for run in runs for entry in run.counts)
    with work.unit(sessions) as session:
        connectors.retention_run(session, WORKER, keys, now=now, settings=settings)
    with work.unit(sessions) as session:
        consent.pseudonymise_evidence(session, WORKER, now=now)
    return taken


@jobs.huey.periodic_task(jobs.brussels_crontab(minute="23"))  # type: ignore[untyped-decorator]
def sweep_retention() -> None:
    run_retention.call_local()
