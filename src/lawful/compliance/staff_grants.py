"""The compliance check's staff grants (R-84): each role given to someone, past or near its review or expiry
date, named by the grant's id and role, never by the person."""

import uuid
from collections.abc import Iterator
from datetime import date

from sqlalchemy.orm import Session

from lawful import staff

from . import rules
from .rules import Check, Item


def items(db: Session, organisation_id: uuid.UUID, today: date) -> Iterator[Item]:
    """A grant is met on its date; overdue the day after (it stops working then), due soon within 30 days."""
    for grant in staff.grants_due(db, organisation_id=organisation_id, by=today + rules.REVIEW_SOON):
        due = min(grant.review_due, grant.expires_on)
        if severity := rules.review_severity(due, today):
            yield Item(Check.STAFF_GRANT, severity, "admin", f"staff/grants/{grant.id} ({grant.role})", due)
