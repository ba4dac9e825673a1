"""A staff password set anew by the operator (the way back in when a password is lost): the password rules
of `add` apply, the account's console sessions end and its login back-off is cleared, in one audited write."""

import secrets
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import audit, clock, crypto, keystore
from lawful.actor import Actor

from . import rules
from .errors import WeakPassword
from .models import LoginAttempt, StaffSession
from .service import get, hasher


def generate() -> str:
    """A one-time password well above the minimum length (96 random bits)."""
    return secrets.token_urlsafe(16)


def reset_marker(keys: keystore.Keys, email: str) -> str:
    """The login-attempt key of an account's resets: back-off counts only failures after the newest one.
    (Failures are kept per account *and* address, under keyed hashes that cannot be listed by account.)"""
    return crypto.keyed_hash(keys.lookup, "login-reset:" + email.strip().lower())


def reset(
    db: Session, actor: Actor, keys: keystore.Keys, *, staff_id: uuid.UUID, password: str, generated: bool
) -> int:
    """Set the account's password; returns how many of its console sessions were ended."""
    user = get(db, staff_id=staff_id)
    if problem := rules.password_problem(password):
        raise WeakPassword(problem, problems=[{"path": "password", "message": problem}])
    now = clock.now()
    user.password_hash = hasher().hash(password)
    live = db.scalars(
        select(StaffSession).where(
            StaffSession.staff_id == user.id, StaffSession.revoked_at.is_(None), StaffSession.expires_at > now
        )
    ).all()
    for session in live:
        session.revoked_at = now
    ended = len(live)
    db.add(LoginAttempt(key=reset_marker(keys, user.email), at=now, succeeded=True))
    db.flush()
    audit.record(
        db,
        actor,
        "staff.password_reset",
        entity=user,
        organisation_id=user.organisation_id,
        data={"sessions_ended": ended, "generated": generated},
    )
    return ended
