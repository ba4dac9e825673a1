"""R-123: a call refused for want of a permission is audited the same way from the API and the CLI."""

from sqlalchemy.orm import Session

from lawful import audit
from lawful.actor import Actor
from lawful.errors import Forbidden


def refused(actor: Actor, permission: str, operation: str, detail: str) -> Forbidden:
    """The refusal to raise: the work is rolled back, and this entry alone is kept (lawful.work)."""

    def record(db: Session) -> object:
        return audit.record(
            db,
            actor,
            "access.refused",
            outcome="refused",
            data={"permission": permission, "operation": operation},
            organisation_id=actor.organisation_id,
        )

    return Forbidden(detail, record=record)
