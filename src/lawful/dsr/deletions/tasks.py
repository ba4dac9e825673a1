"""The job that carries out automatic deletions, and its sweep; each deletion is committed on its own."""

from huey import crontab
from sqlalchemy.orm import Session

from lawful import clock, jobs, keystore, work
from lawful.actor import Actor, ActorKind

from . import execution, service

WORKER = Actor(ActorKind.SYSTEM, label="system:worker")


@jobs.huey.task(retries=3, retry_delay=30)  # type: ignore[untyped-decorator]  # huey has no types
def run_deletions() -> int:
    """Schedule what new withdrawals and objections call for, then carry out every deletion due."""
    settings = jobs.current_settings()
    keys = keystore.open_keys(settings)
    sessions, done = jobs.sessions(settings.resolved_database_url()), 0
    with work.unit(sessions) as session:
        service.plan(session, WORKER)
        due = service.due(session, now=clock.now())
    for deletion_id in due:
        with work.unit(sessions) as session:  # each deletion its own unit
            if execution.execute(session, WORKER, keys, deletion_id=deletion_id) is not None:
                done += 1
    return done


def kick(db: Session) -> None:
    """A decision that scheduled a deletion: once committed, the worker carries it out."""
    jobs.kick(db, run_deletions)


@jobs.huey.periodic_task(crontab(minute="*/5"))  # type: ignore[untyped-decorator]
def sweep_deletions() -> None:
    """Withdrawals (found in the consent ledger) and objections recorded anywhere are picked up here."""
    run_deletions.call_local()
