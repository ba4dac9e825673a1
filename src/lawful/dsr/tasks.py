"""Jobs that carry rights requests forward: each step committed on its own, so a crash resumes cleanly."""

import uuid
from typing import Any

from huey import crontab
from sqlalchemy.orm import Session

from lawful import clock, jobs, keystore, processing, work
from lawful.actor import Actor, ActorKind
from lawful.clients import forwarding

from . import cases, housekeeping, notices, steps, tombstones

WORKER = Actor(ActorKind.SYSTEM, label="system:worker")
# statuses with a step to run at once: the work, or the quote of a request held for its fee (fees.py)
RUNNABLE = frozenset({"in_progress", "awaiting_fee_decision"})


@jobs.huey.task(retries=3, retry_delay=30)
def run_request(request_id: str) -> int:
    """Run every pending step of one request, committing after each."""
    settings = jobs.current_settings()
    keys = keystore.open_keys(settings)
    sessions, done = jobs.sessions(settings.resolved_database_url()), 0
    while True:
        with work.unit(sessions) as session:  # each step its own unit: a crash resumes at the next
            ran = steps.run_next(
                session, WORKER, keys, request_id=uuid.UUID(request_id), base_url=settings.base_url
            )
        if not ran:
            return done
        done += 1


def resume(db: Session, request_id: uuid.UUID) -> None:
    """A decision that lets a request go on: once committed, its steps run."""
    jobs.kick(db, run_request, str(request_id))


@jobs.huey.periodic_task(crontab(minute="*/5"))
def sweep_requests() -> None:
    """Picks up whatever a crash or a lost job left pending."""
    settings = jobs.current_settings()
    with jobs.sessions(settings.resolved_database_url())() as session:
        pending = steps.pending_requests(session)
    for request_id in pending:
        run_request.call_local(str(request_id))


@jobs.huey.periodic_task(crontab(minute="*"))
def retry_recipients() -> int:
    """Art. 19: every minute, recipients whose next attempt has come are tried again (notices.py)."""
    settings = jobs.current_settings()
    return retry_due_recipients(jobs.sessions(settings.resolved_database_url()), keystore.open_keys(settings))


def retry_due_recipients(sessions: Any, keys: keystore.Keys) -> int:
    """One unit of work per recipient: a delivery is recorded before the next recipient is called."""
    with sessions() as session:
        due = notices.due(session, now=clock.now())
    tried = 0
    for notice_id in due:
        with work.unit(sessions) as session:
            tried += notices.retry(session, WORKER, keys, notice_id=notice_id) is not None
    return tried


@jobs.huey.periodic_task(jobs.brussels_crontab(hour="7", minute="0"))  # 07:00 in Brussels all year
def remind() -> None:
    """Every morning, the privacy officers hear of requests due in 10 or 3 days, and of overdue ones."""
    settings = jobs.current_settings()
    keys = keystore.open_keys(settings)
    with work.unit(jobs.sessions(settings.resolved_database_url())) as session:
        for organisation in processing.list_organisations(session):
            cases.send_reminders(session, keys, organisation_id=organisation.id, today=clock.today())


@jobs.huey.periodic_task(crontab(minute="17"))
def reapply_tombstones() -> int:
    """R-59: hourly, and at `lawful serve` start-up, erase again anyone a restored backup brought back."""
    settings = jobs.current_settings()
    keys = keystore.open_keys(settings)
    with work.unit(jobs.sessions(settings.resolved_database_url())) as session:
        found = tombstones.apply(session, WORKER, keys)
        tombstones.sweep_recorded(session, WORKER, keys, rotation_days=settings.backup_rotation_days)
    return found.subjects


@jobs.huey.periodic_task(crontab(minute="43"))
def sweep_leftovers() -> None:
    """R-81, R-82: hourly, expired answers and codes deleted, and closed requests past their keeping."""
    settings = jobs.current_settings()
    with work.unit(jobs.sessions(settings.resolved_database_url())) as session:
        housekeeping.sweep(session, WORKER, keystore.open_keys(settings))


@jobs.huey.task(retries=3, retry_delay=30)
def post_forwarding(forwarding_id: str) -> bool:
    """R-102: a request forwarded to a client is posted to its webhook once the forwarding is committed."""
    settings = jobs.current_settings()
    with work.unit(jobs.sessions(settings.resolved_database_url())) as session:
        return forwarding.deliver_webhook(
            session,
            WORKER,
            keystore.open_keys(settings),
            forwarding_id=uuid.UUID(forwarding_id),
            base_url=settings.base_url,
        )


@jobs.huey.periodic_task(crontab(minute="*/10"))
def retry_forwarding_webhooks() -> int:
    """Every ten minutes: forwardings whose webhook was not reached (or whose job was lost) are posted again."""
    settings = jobs.current_settings()
    with jobs.sessions(settings.resolved_database_url())() as session:
        pending = forwarding.pending_webhooks(session)
    return sum(bool(post_forwarding.call_local(str(forwarding_id))) for forwarding_id in pending)


@jobs.huey.periodic_task(jobs.brussels_crontab(hour="7", minute="10"))
def follow_up_forwardings() -> None:
    """Every morning: clients late with their instruction are reminded, then the privacy officers hear of
    it (R-102)."""
    settings = jobs.current_settings()
    keys = keystore.open_keys(settings)
    with work.unit(jobs.sessions(settings.resolved_database_url())) as session:
        for organisation in processing.list_organisations(session):
            forwarding.follow_ups(
                session,
                WORKER,
                keys,
                organisation_id=organisation.id,
                today=clock.today(),
                base_url=settings.base_url,
            )
