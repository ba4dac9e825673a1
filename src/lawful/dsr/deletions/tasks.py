"""The job that carries out automatic deletions, and its sweep; each deletion is committed on its own."""

from huey import crontab

from lawful import clock, jobs, keystore
from lawful.actor import Actor, ActorKind

from . import execution, service

WORKER = Actor(ActorKind.SYSTEM, label="system:worker")


@jobs.huey.task(retries=3, retry_delay=30)  # type: ignore[untyped-decorator]  # huey has no types
def run_deletions() -> int:
    """Schedule what new withdrawals and objections call for, then carry out every deletion due."""
    settings = jobs.current_settings()
    keys = keystore.open_keys(settings)
    done = 0
    with jobs.sessions(settings.resolved_database_url())() as session:
        service.plan(session, WORKER)
        session.commit()
        for deletion_id in service.due(session, now=clock.now()):
            if execution.execute(session, WORKER, keys, deletion_id=deletion_id) is not None:
                done += 1
            session.commit()
    return done


def kick() -> None:
    """After a committed decision that scheduled a deletion: the worker carries it out now."""
    jobs.kick(run_deletions)


@jobs.huey.periodic_task(crontab(minute="*/5"))  # type: ignore[untyped-decorator]
def sweep_deletions() -> None:
    """Withdrawals (found in the consent ledger) and objections recorded anywhere are picked up here."""
    run_deletions.call_local()
