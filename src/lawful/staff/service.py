"""Staff accounts, roles, console sessions and API keys."""

import secrets
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

import pyotp
from argon2 import PasswordHasher, profiles
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lawful import audit, clock, crypto, keystore
from lawful.actor import Actor, ActorKind
from lawful.config import get_settings

from . import grants, rules
from .errors import (
    AccessReviewDue,
    GrantRefused,
    InvalidCredentials,
    StaffExists,
    StaffNotFound,
    WeakPassword,
)
from .models import ApiKey, StaffSession, StaffUser
from .refusals import refused
from .schemas import StaffCreated

_PROFILES = {"rfc9106": profiles.RFC_9106_LOW_MEMORY, "cheapest": profiles.CHEAPEST}


@cache
def _hasher_for(name: str) -> PasswordHasher:
    return PasswordHasher.from_parameters(_PROFILES[name])


def hasher() -> PasswordHasher:
    """argon2id with RFC 9106's parameters, or the cheapest ones where a test suite asks for them
    (LAWFUL_PASSWORD_HASHING=cheapest). Each hash carries its parameters, so either verifies both."""
    return _hasher_for(get_settings().password_hashing)


API_KEY_PREFIX = "lw_"
ACCESS_REVIEW_MESSAGE = "your access is due for review; ask your privacy officer to review it"


@dataclass(frozen=True)
class NewStaff:
    user: StaffUser
    totp_secret: str

    def provisioning_uri(self, issuer: str) -> str:
        return str(pyotp.TOTP(self.totp_secret).provisioning_uri(name=self.user.email, issuer_name=issuer))

    def shown(self, password: str | None) -> StaffCreated:
        """What `staff add` and POST /api/staff answer, once: `password` only when lawful chose it."""
        user = self.user
        return StaffCreated(
            id=user.id, email=user.email, roles=user.roles, password=password, totp_secret=self.totp_secret,
            totp_uri=self.provisioning_uri("lawful"),
        )  # fmt: skip


def add(
    db: Session,
    actor: Actor,
    keys: keystore.Keys,
    *,
    organisation_id: uuid.UUID,
    email: str,
    display_name: str,
    password: str,
    roles: list[rules.Role],
    training_on: date | None = None,
    confidentiality_on: date | None = None,
    expires_on: date | None = None,
    review_due: date | None = None,
) -> NewStaff:
    """Create a staff account with its own TOTP secret (returned once, never shown again)."""
    email = email.strip().lower()
    if problem := rules.password_problem(password):
        raise WeakPassword(problem)
    if find_by_email(db, email=email) is not None:
        raise StaffExists("a staff account with this email exists")
    _ensure_within(actor, roles, "add a staff member")
    for role in roles:
        _ensure_grantable(role, training_on, confidentiality_on)
    grants.dates(expires_on, review_due)  # refused before anything is written
    totp_secret = pyotp.random_base32()
    user = StaffUser(
        organisation_id=organisation_id,
        email=email,
        display_name=display_name,
        password_hash=hasher().hash(password),
        totp_secret=crypto.encrypt(keys.totp, totp_secret.encode(), context=email.encode()),
        roles=sorted(str(role) for role in roles),
        training_on=training_on,
        confidentiality_on=confidentiality_on,
        access_review_due=clock.today() + timedelta(days=365),
        created_at=clock.now(),
    )
    try:
        with db.begin_nested():  # an email is unique across organisations; a scoped session sees its own only
            db.add(user)
            db.flush()
    except IntegrityError as exc:
        raise StaffExists("a staff account with this email exists") from exc
    for role in user.roles:
        grants.open_grant(db, actor, user, role, expires_on=expires_on, review_due=review_due)
    audit.record(
        db, actor, "staff.added", entity=user, organisation_id=organisation_id, data={"roles": user.roles}
    )
    return NewStaff(user, totp_secret)


def grant(
    db: Session,
    actor: Actor,
    *,
    staff_id: uuid.UUID,
    role: rules.Role,
    expires_on: date | None = None,
    review_due: date | None = None,
) -> StaffUser:
    """Give a role until `expires_on`, to be reviewed by `review_due` (R-84; defaults: a year, six months)."""
    user = get(db, staff_id=staff_id)
    _ensure_within(actor, [role], "grant a role")
    _ensure_grantable(role, user.training_on, user.confidentiality_on)
    before = list(user.roles)
    user.roles = sorted({*user.roles, str(role)})
    given = grants.open_grant(db, actor, user, str(role), expires_on=expires_on, review_due=review_due)
    db.flush()
    audit.record(
        db,
        actor,
        "staff.granted",
        entity=user,
        organisation_id=user.organisation_id,
        data={
            "before": before,
            "after": user.roles,
            "expires_on": given.expires_on.isoformat(),
            "review_due": given.review_due.isoformat(),
        },
    )
    return user


def revoke(db: Session, actor: Actor, *, staff_id: uuid.UUID, role: rules.Role) -> StaffUser:
    user = get(db, staff_id=staff_id)
    before = list(user.roles)
    user.roles = [r for r in user.roles if r != str(role)]
    grants.close_grants(db, user, str(role))
    db.flush()
    audit.record(
        db,
        actor,
        "staff.revoked",
        entity=user,
        organisation_id=user.organisation_id,
        data={"before": before, "after": user.roles},
    )
    return user


def _ensure_within(actor: Actor, roles: list[rules.Role], operation: str) -> None:
    """Nobody gives a role whose rights they do not hold themselves (refused and audited): an admin, or a key
    with staff:manage, could otherwise make an account stronger than they are and log in with it. Roles
    beyond every staff member's are given by the operator at the server's shell."""
    beyond = sorted({p for role in roles for p in rules.ROLE_PERMISSIONS[role] if not actor.can(p)})
    if beyond:
        detail = f"roles: you cannot give a role with rights you do not hold ({', '.join(beyond)})"
        raise refused(actor, ", ".join(beyond), operation, detail)


def _ensure_grantable(role: rules.Role, training_on: date | None, confidentiality_on: date | None) -> None:
    problem = rules.grant_problem(
        role, trained=training_on is not None, confidentiality_signed=confidentiality_on is not None
    )
    if problem:
        missing = [
            field
            for field, on in (("training_on", training_on), ("confidentiality_on", confidentiality_on))
            if on is None
        ]
        raise GrantRefused(
            problem, problems=[{"path": field, "message": "not recorded"} for field in missing]
        )


def get(db: Session, *, staff_id: uuid.UUID) -> StaffUser:
    user = db.get(StaffUser, staff_id)
    if user is None:
        raise StaffNotFound("no such staff account")
    return user


def find_by_email(db: Session, *, email: str) -> StaffUser | None:
    return db.scalars(select(StaffUser).where(StaffUser.email == email.strip().lower())).first()


def list_staff(db: Session, *, organisation_id: uuid.UUID | None = None) -> list[StaffUser]:
    query = select(StaffUser).order_by(StaffUser.email)
    if organisation_id is not None:
        query = query.where(StaffUser.organisation_id == organisation_id)
    return list(db.scalars(query))


def current_totp(keys: keystore.Keys, user: StaffUser) -> str:
    """The code an authenticator would show now (operator tooling for the embedded demo)."""
    return str(pyotp.TOTP(_totp_secret(keys, user)).at(clock.now()))


def _totp_secret(keys: keystore.Keys, user: StaffUser) -> str:
    return crypto.decrypt(keys.totp, user.totp_secret, context=user.email.encode()).decode()


def log_out(db: Session, actor: Actor, *, session_id: uuid.UUID) -> None:
    session = db.get(StaffSession, session_id)
    if session is not None and session.revoked_at is None:
        session.revoked_at = clock.now()
        audit.record(db, actor, "staff.logged_out", entity=session)


def actor_for(user: StaffUser, roles: list[str] | None = None) -> Actor:
    """The staff member as an actor, with the permissions of `roles` (their grants in force)."""
    return Actor(
        ActorKind.STAFF,
        id=user.id,
        label=f"staff:{user.id}",
        permissions=rules.permissions_for(user.roles if roles is None else roles),
        organisation_id=user.organisation_id,
    )


def actor_for_session(db: Session, *, session_id: uuid.UUID) -> Actor:
    session = db.get(StaffSession, session_id)
    if session is None or session.revoked_at is not None or session.expires_at <= clock.now():
        raise InvalidCredentials("session expired; log in again")
    user = get(db, staff_id=session.staff_id)
    if not user.active:
        raise InvalidCredentials("account disabled")
    if rules.access_review_overdue(user.access_review_due, today=clock.today()):
        raise AccessReviewDue(ACCESS_REVIEW_MESSAGE)
    return actor_for(user, grants.roles_in_force(db, user))


def actor_for_email(db: Session, *, email: str) -> Actor:
    """The staff member a CLI command acts as (`lawful --as EMAIL`), with their roles' permissions."""
    user = find_by_email(db, email=email)
    if user is None or not user.active:
        raise InvalidCredentials("no active staff member with that email")
    return actor_for(user, grants.roles_in_force(db, user))


def create_api_key(
    db: Session,
    actor: Actor,
    *,
    organisation_id: uuid.UUID,
    name: str,
    scopes: list[str],
    client: str | None = None,
) -> tuple[ApiKey, str]:
    """A new key with the given scopes; the token is returned once and only its digest is kept. A key
    for a client controller's systems (`client`) acts on that client's routes only. Nobody gives a key a
    scope they do not hold themselves: a key could otherwise make a stronger key (refused and audited)."""
    unknown = sorted(set(scopes) - rules.PERMISSIONS)
    if unknown:
        raise GrantRefused(
            f"scopes: unknown scope(s): {', '.join(unknown)}",
            problems=[{"path": "scopes", "message": f"unknown: {', '.join(unknown)}"}],
        )
    beyond = sorted(scope for scope in set(scopes) if not actor.can(scope))
    if beyond:
        detail = f"scopes: you cannot give a key scopes you do not hold ({', '.join(beyond)})"
        raise refused(actor, ", ".join(beyond), "create an API key", detail)
    if client is not None and not rules.CLIENT_KEY.fullmatch(client):
        raise GrantRefused("client: a client's key in the register (lower case letters, digits and _)")
    token = API_KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(
        organisation_id=organisation_id,
        name=name,
        digest=crypto.token_digest(token),
        scopes=sorted(set(scopes)),
        client=client,
        created_at=clock.now(),
    )
    db.add(key)
    db.flush()
    audit.record(
        db,
        actor,
        "staff.api_key_created",
        entity=key,
        organisation_id=organisation_id,
        data={"scopes": key.scopes} | ({"client": client} if client else {}),
    )
    return key, token


def revoke_api_key(db: Session, actor: Actor, *, key_id: uuid.UUID) -> ApiKey:
    key = db.get(ApiKey, key_id)
    if key is None:
        raise StaffNotFound("no such API key")
    key.revoked_at = key.revoked_at or clock.now()
    audit.record(db, actor, "staff.api_key_revoked", entity=key, organisation_id=key.organisation_id)
    return key


def actor_for_api_key(db: Session, *, token: str) -> Actor:
    key = db.scalars(select(ApiKey).where(ApiKey.digest == crypto.token_digest(token))).first()
    if key is None or key.revoked_at is not None:
        raise InvalidCredentials("unknown or revoked API key")
    return Actor(
        ActorKind.API_KEY,
        id=key.id,
        label=f"api_key:{key.id}",
        permissions=frozenset(key.scopes),
        organisation_id=key.organisation_id,
        client=key.client,
    )
