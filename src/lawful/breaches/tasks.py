"""Jobs of the breach register: the clock's alerts every minute, the detectors every quarter hour (the
audit chain's, which walks the whole log, hourly). Each is the same service call as its CLI command."""

from huey import crontab

from lawful import clock, jobs, keystore, work
from lawful.actor import Actor, ActorKind

from . import alerts, detectors

WORKER = Actor(ActorKind.SYSTEM, label="system:breaches")


@jobs.huey.periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator]
def alert() -> int:
    """R-95: the alerts at +24, +48 and +66 hours, each once even with several workers (alerts.py)."""
    settings = jobs.current_settings()
    keys = keystore.open_keys(settings)
    with work.unit(jobs.sessions(settings.resolved_database_url())) as session:
        sent = alerts.send_alerts(session, WORKER, keys, now=clock.now(), base_url=settings.base_url)
    return len(sent)


@jobs.huey.periodic_task(crontab(minute="*/15"))  # type: ignore[untyped-decorator]
def detect() -> int:
    """R-93: bulk exports, failed-login spikes and the key store; one case per signal."""
    return sum(_detect(only) for only in ("bulk_export", "login_spike", "key_store"))


@jobs.huey.periodic_task(crontab(minute="7"))  # type: ignore[untyped-decorator]
def verify_audit_chain() -> int:
    return _detect("audit_chain")


def _detect(only: str) -> int:
    settings = jobs.current_settings()
    keys = keystore.open_keys(settings)
    with work.unit(jobs.sessions(settings.resolved_database_url())) as session:
        found = detectors.detect(session, WORKER, keys, now=clock.now(), only=[only])
    return len(found)
