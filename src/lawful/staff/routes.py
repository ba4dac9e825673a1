"""JSON API of staff (R-84, R-123): accounts, their grants, passwords and API keys, the access review (JSON
or CSV) and the review of one grant; each does what its `lawful staff …` command does. Staff are named by id:
an email never goes into a URL."""

import uuid
from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, ConfigDict

from lawful.actor import Actor
from lawful.errors import Forbidden
from lawful.web import AppKeys, Db, require

from . import grants, passwords, service
from .errors import StaffNotFound
from .rules import Role
from .schemas import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyRead,
    GrantCreate,
    PasswordReset,
    PasswordResetRead,
    StaffCreate,
    StaffCreated,
    StaffRead,
)

router = APIRouter(prefix="/api/staff", tags=["staff"])
NO_STORE = {"Cache-Control": "no-store"}  # answers that carry a password, an authenticator secret or a key
Auditor = Annotated[Actor, Depends(require("audit:read"))]
Manager = Annotated[Actor, Depends(require("staff:manage"))]


class ReviewFormat(StrEnum):
    JSON = "json"
    CSV = "csv"


class GrantReview(BaseModel):
    model_config = ConfigDict(extra="forbid")

    expires_on: date | None = None
    review_due: date | None = None


@router.get("/access-review", response_model=None)
def access_review(db: Db, actor: Auditor, format: ReviewFormat = ReviewFormat.JSON) -> Any:
    """Every grant of the organisation: role, granted by and at, expiry, review dates, last review, state."""
    rows = grants.access_review(db, organisation_id=_org(actor))
    if format is ReviewFormat.CSV:
        return Response(
            grants.as_csv(rows),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="access-review.csv"'},
        )
    return rows


@router.post("/grants/{grant_id}/review")
def review_grant(grant_id: uuid.UUID, body: GrantReview, db: Db, actor: Manager) -> dict[str, Any]:
    """The grant is still needed: record the review and the next review (and expiry) dates."""
    org = _org(actor)
    found = grants.access_review(db, organisation_id=org)
    if not any(row["id"] == str(grant_id) for row in found):
        raise StaffNotFound("no such grant in force")
    grant = grants.review(
        db, actor, grant_id=grant_id, expires_on=body.expires_on, review_due=body.review_due
    )
    return next(row for row in grants.access_review(db, organisation_id=org) if row["id"] == str(grant.id))


@router.get("")
def list_staff(db: Db, actor: Manager) -> list[StaffRead]:
    """The organisation's staff accounts with their roles and open grants (no password, no secret)."""
    return grants.described(db, service.list_staff(db, organisation_id=_org(actor)))


@router.post("", status_code=201)
def add_staff(body: StaffCreate, response: Response, db: Db, keys: AppKeys, actor: Manager) -> StaffCreated:
    """A new account; its password (when generated) and authenticator secret are in this answer only."""
    chosen = body.password or passwords.generate()
    created = service.add(
        db, actor, keys, organisation_id=_org(actor), email=body.email, display_name=body.name or body.email,
        password=chosen, roles=body.roles, training_on=body.training_on,
        confidentiality_on=body.confidentiality_on,
    )  # fmt: skip
    response.headers.update(NO_STORE)
    return created.shown(None if body.password else chosen)


@router.post("/api-keys", status_code=201)
def create_api_key(body: ApiKeyCreate, response: Response, db: Db, actor: Manager) -> ApiKeyCreated:
    """A new key with scopes the caller holds itself; the key is in this answer only."""
    key, token = service.create_api_key(
        db, actor, organisation_id=_org(actor), name=body.name, scopes=body.scopes, client=body.client
    )
    response.headers.update(NO_STORE)
    return ApiKeyCreated(id=key.id, key=token, scopes=key.scopes, client=key.client)


@router.delete("/api-keys/{key_id}")
def revoke_api_key(key_id: uuid.UUID, db: Db, actor: Manager) -> ApiKeyRead:
    return ApiKeyRead.of(service.revoke_api_key(db, actor, key_id=key_id))


@router.post("/{staff_id}/grants", status_code=201)
def grant(staff_id: uuid.UUID, body: GrantCreate, db: Db, actor: Manager) -> StaffRead:
    """Give a role until a date, to be reviewed by a date; refused for a personal-data role without
    training and confidentiality records."""
    user = service.grant(
        db, actor, staff_id=staff_id, role=body.role, expires_on=body.expires_on, review_due=body.review_due
    )
    return grants.described(db, [user])[0]


@router.delete("/{staff_id}/grants/{role}")
def revoke(staff_id: uuid.UUID, role: Role, db: Db, actor: Manager) -> StaffRead:
    return grants.described(db, [service.revoke(db, actor, staff_id=staff_id, role=role)])[0]


@router.post("/{staff_id}/password")
def reset_password(
    staff_id: uuid.UUID, body: PasswordReset, response: Response, db: Db, keys: AppKeys, actor: Manager
) -> PasswordResetRead:
    """Set a new password (given, or generated and in this answer only): the account's console sessions
    end and its login back-off is cleared."""
    chosen = body.password or passwords.generate()
    ended = passwords.reset(db, actor, keys, staff_id=staff_id, password=chosen, generated=body.generate)
    response.headers.update(NO_STORE)
    user = service.get(db, staff_id=staff_id)
    return PasswordResetRead(
        id=user.id, email=user.email, sessions_ended=ended, password=chosen if body.generate else None
    )


def _org(actor: Actor) -> uuid.UUID:
    if actor.organisation_id is None:
        raise Forbidden("this key belongs to no organisation")
    return actor.organisation_id
