"""Grants of roles to staff, with an expiry and a review date (R-84): recorded when a role is given,
closed when it is taken away, extended by a review; the permission checks use only the grants in force;
the access review lists them all."""

import csv
import io
import uuid
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import audit, clock
from lawful.actor import Actor

from . import rules
from .errors import GrantRefused, StaffNotFound
from .models import StaffGrant, StaffUser
from .schemas import StaffRead

EXPORT_FIELDS = (
    "email", "display_name", "role", "state", "granted_by", "granted_at", "expires_on", "review_due",
    "last_reviewed_at", "last_reviewed_by", "training_on", "confidentiality_on",
)  # fmt: skip


def dates(
    expires_on: date | None, review_due: date | None, *, today: date | None = None
) -> tuple[date, date]:
    """The expiry and review dates of a new grant or a review, defaults filled, checked."""
    today = today or clock.today()
    expires = expires_on or today + rules.GRANT_VALIDITY
    review = review_due or min(today + rules.GRANT_REVIEW_EVERY, expires)
    if problem := rules.grant_dates_problem(expires_on=expires, review_due=review, today=today):
        raise GrantRefused(problem)
    return expires, review


def open_grant(
    db: Session, actor: Actor, user: StaffUser, role: str, *, expires_on: date | None, review_due: date | None
) -> StaffGrant:
    """The grant of `role` to `user` (a role given again replaces the open grant)."""
    expires, review = dates(expires_on, review_due)
    for previous in _open(db, user.id, role):
        previous.revoked_at = clock.now()
    grant = StaffGrant(
        organisation_id=user.organisation_id, staff_id=user.id, role=role, granted_at=clock.now(),
        granted_by=actor.label[:200], expires_on=expires, review_due=review, last_reviewed_at=None,
        last_reviewed_by=None, revoked_at=None,
    )  # fmt: skip
    db.add(grant)
    db.flush()
    return grant


def close_grants(db: Session, user: StaffUser, role: str) -> None:
    for grant in _open(db, user.id, role):
        grant.revoked_at = clock.now()


def review(
    db: Session,
    actor: Actor,
    *,
    grant_id: uuid.UUID,
    expires_on: date | None = None,
    review_due: date | None = None,
) -> StaffGrant:
    """A reviewer confirms the grant is still needed: the next review (and expiry, if given) are set."""
    grant = db.get(StaffGrant, grant_id)
    if grant is None or grant.revoked_at is not None:
        raise StaffNotFound("no such grant in force")
    before = {"expires_on": grant.expires_on.isoformat(), "review_due": grant.review_due.isoformat()}
    grant.expires_on, grant.review_due = dates(expires_on or grant.expires_on, review_due)
    grant.last_reviewed_at, grant.last_reviewed_by = clock.now(), actor.label[:200]
    db.flush()
    after = {"expires_on": grant.expires_on.isoformat(), "review_due": grant.review_due.isoformat()}
    audit.record(
        db, actor, "staff.grant_reviewed", entity=grant, organisation_id=grant.organisation_id,
        data={"role": grant.role, "before": before, "after": after},
    )  # fmt: skip
    return grant


def roles_in_force(db: Session, user: StaffUser, *, today: date | None = None) -> list[str]:
    """The user's roles whose grant is in force today; a role given before grants were recorded counts
    as in force until the account's own access review date (checked at login)."""
    today = today or clock.today()
    found = {
        g.role: g
        for g in db.scalars(
            select(StaffGrant).where(StaffGrant.staff_id == user.id, StaffGrant.revoked_at.is_(None))
        )
    }
    return [
        role
        for role in user.roles
        if role not in found
        or rules.grant_state(
            expires_on=found[role].expires_on, review_due=found[role].review_due, revoked=False, today=today
        )
        is rules.GrantState.IN_FORCE
    ]


def access_review(db: Session, *, organisation_id: uuid.UUID) -> list[dict[str, Any]]:
    """Every grant of the organisation, open or closed, with its state today (the access review)."""
    today = clock.today()
    query = (
        select(StaffGrant, StaffUser)
        .join(StaffUser, StaffUser.id == StaffGrant.staff_id)
        .where(StaffGrant.organisation_id == organisation_id)
        .order_by(StaffUser.email, StaffGrant.role, StaffGrant.granted_at)
    )
    rows = []
    for grant, user in db.execute(query).all():
        state = rules.grant_state(
            expires_on=grant.expires_on, review_due=grant.review_due, revoked=grant.revoked_at is not None,
            today=today,
        )  # fmt: skip
        rows.append(
            {
                "id": str(grant.id), "email": user.email, "display_name": user.display_name, "role": grant.role,
                "state": str(state), "granted_by": grant.granted_by, "granted_at": grant.granted_at.isoformat(),
                "expires_on": grant.expires_on.isoformat(), "review_due": grant.review_due.isoformat(),
                "last_reviewed_at": grant.last_reviewed_at.isoformat() if grant.last_reviewed_at else None,
                "last_reviewed_by": grant.last_reviewed_by,
                "training_on": user.training_on.isoformat() if user.training_on else None,
                "confidentiality_on": user.confidentiality_on.isoformat() if user.confidentiality_on else None,
                "revoked_at": grant.revoked_at.isoformat() if grant.revoked_at else None,
            }
        )  # fmt: skip
    return rows


def described(db: Session, users: list[StaffUser]) -> list[StaffRead]:
    """Each account with its roles and open grants, as `staff list` and GET /api/staff show them."""
    ids = [user.id for user in users]
    query = select(StaffGrant).where(StaffGrant.staff_id.in_(ids), StaffGrant.revoked_at.is_(None))
    found = list(db.scalars(query.order_by(StaffGrant.role))) if ids else []
    return [StaffRead.of(user, found, clock.today()) for user in users]


def as_csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=("id", *EXPORT_FIELDS, "revoked_at"), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def due(db: Session, *, organisation_id: uuid.UUID | None = None, by: date) -> list[StaffGrant]:
    """Open grants whose review or expiry falls on or before `by` (the compliance check)."""
    query = select(StaffGrant).where(
        StaffGrant.revoked_at.is_(None), (StaffGrant.review_due <= by) | (StaffGrant.expires_on <= by)
    )
    if organisation_id is not None:
        query = query.where(StaffGrant.organisation_id == organisation_id)
    return list(db.scalars(query.order_by(StaffGrant.review_due)))


def _open(db: Session, staff_id: uuid.UUID, role: str) -> list[StaffGrant]:
    query = select(StaffGrant).where(
        StaffGrant.staff_id == staff_id, StaffGrant.role == role, StaffGrant.revoked_at.is_(None)
    )
    return list(db.scalars(query))
