"""Console login (R-85, Art. 32): password and second factor, throttled per account and address in the
database so that every process agrees, and as slow for an unknown email as for a known one."""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

import pyotp
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawful import audit, clock, crypto, keystore
from lawful.actor import Actor, ActorKind
from lawful.config import get_settings
from lawful.errors import LawfulError, TooManyRequests

from . import rules
from .errors import AccessReviewDue, LoginFailed
from .models import LoginAttempt, StaffSession, StaffUser
from .passwords import reset_marker
from .service import ACCESS_REVIEW_MESSAGE, _totp_secret, actor_for, find_by_email, hasher


@dataclass(frozen=True)
class LoginResult:
    session: StaffSession | None
    error: LawfulError | None


def log_in(
    db: Session,
    keys: keystore.Keys,
    *,
    email: str,
    password: str,
    totp_code: str,
    client: str,
    limits: rules.LoginLimits,
    session_length: timedelta,
) -> LoginResult:
    """Password and second factor (R-85). Returns rather than raises so the attempt is committed."""
    now = clock.now()
    email = email.strip().lower()
    pair_key = crypto.keyed_hash(keys.lookup, f"login:{email}|{client}")
    address_key = crypto.keyed_hash(keys.lookup, "client:" + client)
    reset_key = reset_marker(keys, email)
    if _throttled(
        db, pair_key=pair_key, address_key=address_key, reset_key=reset_key, now=now, limits=limits
    ):
        return LoginResult(None, TooManyRequests("too many failed logins; try again later"))
    user = find_by_email(db, email=email)
    password_ok = _password_ok(user.password_hash if user else _dummy_hash(), password)
    if user is None or not user.active or not password_ok or not _totp_ok(keys, user, totp_code):
        db.add_all([LoginAttempt(key=k, at=now, succeeded=False) for k in (pair_key, address_key)])
        if user is not None:
            _record_refusal(db, user, reason="credentials")
        return LoginResult(None, LoginFailed("email, password or code is not right"))
    if rules.access_review_overdue(user.access_review_due, today=clock.today()):
        _record_refusal(db, user, reason="access_review_due")
        return LoginResult(None, AccessReviewDue(ACCESS_REVIEW_MESSAGE))
    db.add(LoginAttempt(key=pair_key, at=now, succeeded=True))
    session = StaffSession(staff_id=user.id, created_at=now, expires_at=now + session_length)
    db.add(session)
    db.flush()
    audit.record(db, actor_for(user), "staff.logged_in", entity=session, organisation_id=user.organisation_id)
    return LoginResult(session, None)


def _record_refusal(db: Session, user: StaffUser, *, reason: str) -> None:
    audit.record(
        db,
        Actor(ActorKind.PUBLIC, label="login"),
        "staff.login_failed",
        entity=user,
        organisation_id=user.organisation_id,
        outcome="refused",
        data={"reason": reason},
    )


def _throttled(
    db: Session, *, pair_key: str, address_key: str, reset_key: str, now: datetime, limits: rules.LoginLimits
) -> bool:
    since = now - limits.window
    # a success from this address, or a password reset of the account, starts the count again
    last_success = db.scalar(
        select(func.max(LoginAttempt.at)).where(
            LoginAttempt.key.in_((pair_key, reset_key)), LoginAttempt.succeeded
        )
    )
    count, last_failure = _failures(db, key=pair_key, since=max(since, last_success or since))
    delay = rules.login_delay(
        count, free=limits.free_failures, base=rules.LOGIN_BACKOFF_BASE, cap=limits.backoff_cap
    )
    if last_failure is not None and now < last_failure + delay:
        return True
    address_count, _ = _failures(db, key=address_key, since=since)
    return rules.too_many_failures(address_count, limits.address_failures)


def _failures(db: Session, *, key: str, since: datetime) -> tuple[int, datetime | None]:
    query = select(func.count(), func.max(LoginAttempt.at)).where(
        LoginAttempt.key == key, LoginAttempt.at > since, ~LoginAttempt.succeeded
    )
    count, last = db.execute(query).one()
    return int(count or 0), last


def _dummy_hash() -> str:
    """A hash no password matches: verified for unknown emails, so they take as long as known ones
    (made with the parameters in use, which stored hashes were made with)."""
    return _dummy_hash_for(get_settings().password_hashing)


@cache
def _dummy_hash_for(profile: str) -> str:
    return hasher().hash(secrets.token_urlsafe(32))


def _password_ok(password_hash: str, password: str) -> bool:
    try:
        return bool(hasher().verify(password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


def _totp_ok(keys: keystore.Keys, user: StaffUser, code: str) -> bool:
    """A valid code from a step not used before: a seen code cannot be replayed."""
    totp = pyotp.TOTP(_totp_secret(keys, user))
    step_now = int(clock.now().timestamp()) // totp.interval
    for drift in range(-rules.TOTP_ALLOWED_DRIFT_STEPS, rules.TOTP_ALLOWED_DRIFT_STEPS + 1):
        step = step_now + drift
        if step > user.totp_last_step and secrets.compare_digest(totp.generate_otp(step), code.strip()):
            user.totp_last_step = step
            return True
    return False
