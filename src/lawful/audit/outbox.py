"""The audit entry of a message the outbox gives up: its kind and reason, never its recipient or content.

The outbox is in the kernel and cannot import the audit log, so the log registers itself with it here."""

from sqlalchemy.orm import Session

from lawful import mail
from lawful.actor import SYSTEM

from .service import record


def mail_failed(db: Session, row: mail.OutboxMessage) -> None:
    record(
        db,
        SYSTEM,
        "mail.failed",
        entity_type="OutboxMessage",
        entity_id=row.id,
        organisation_id=row.organisation_id,
        outcome="failed",
        data={"kind": row.kind, "category": row.category, "reason": row.last_error, "attempts": row.attempts},
    )


mail.on_failure(mail_failed)
