"""Input and output shapes of staff login, accounts, grants and API keys (the API and `--json` alike).

No shape here carries a password hash or an authenticator secret at rest; a new account's password and
secret, and a new key, are shown once in the answer that made them.
"""

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

from . import rules
from .models import ApiKey, StaffGrant, StaffUser


class LoginCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=1000)
    code: str = Field(pattern=r"^\s*\d{6}\s*$")


class StaffCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(min_length=3, max_length=254)
    roles: list[rules.Role] = Field(min_length=1, max_length=len(rules.Role))
    name: str | None = Field(default=None, min_length=1, max_length=200)
    password: str | None = Field(
        default=None, min_length=1, max_length=1000
    )  # default: generated, shown once
    training_on: date | None = None
    confidentiality_on: date | None = None


class GrantCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: rules.Role
    expires_on: date | None = None
    review_due: date | None = None


class PasswordReset(BaseModel):
    """A password chosen by the operator, or `generate: true` for a random one shown once."""

    model_config = ConfigDict(extra="forbid")

    password: str | None = Field(default=None, min_length=1, max_length=1000)
    generate: bool = False

    @model_validator(mode="after")
    def _one_of(self) -> "PasswordReset":
        if (self.password is None) is not self.generate:
            raise ValueError("password: give a password or generate: true, not both")
        return self


class ApiKeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=120)
    scopes: list[str] = Field(min_length=1, max_length=len(rules.PERMISSIONS))
    client: str | None = Field(default=None, min_length=1, max_length=64)


class GrantRead(BaseModel):
    id: uuid.UUID
    role: str
    state: str
    expires_on: date
    review_due: date


class StaffRead(BaseModel):
    """A staff account with its roles and open grants (R-84)."""

    id: uuid.UUID
    email: str
    display_name: str
    roles: list[str]
    active: bool
    training_on: date | None
    confidentiality_on: date | None
    access_review_due: date | None
    created_at: datetime
    grants: list[GrantRead]

    @classmethod
    def of(cls, user: StaffUser, grants: list[StaffGrant], today: date) -> "StaffRead":
        return cls(
            id=user.id,
            email=user.email,
            display_name=user.display_name,
            roles=list(user.roles),
            active=user.active,
            training_on=user.training_on,
            confidentiality_on=user.confidentiality_on,
            access_review_due=user.access_review_due,
            created_at=user.created_at,
            grants=[
                GrantRead(
                    id=g.id,
                    role=g.role,
                    state=str(
                        rules.grant_state(
                            expires_on=g.expires_on, review_due=g.review_due, revoked=False, today=today
                        )
                    ),
                    expires_on=g.expires_on,
                    review_due=g.review_due,
                )
                for g in grants
                if g.staff_id == user.id and g.revoked_at is None
            ],
        )


class ApiKeyRead(BaseModel):
    id: uuid.UUID
    name: str
    scopes: list[str]
    client: str | None
    created_at: datetime
    revoked_at: datetime | None

    @classmethod
    def of(cls, key: ApiKey) -> "ApiKeyRead":
        return cls(
            id=key.id,
            name=key.name,
            scopes=list(key.scopes),
            client=key.client,
            created_at=key.created_at,
            revoked_at=key.revoked_at,
        )


class StaffCreated(BaseModel):
    """A new account: its password when lawful chose it, and its authenticator secret, shown this once."""

    id: uuid.UUID
    email: str
    roles: list[str]
    password: str | None
    totp_secret: str
    totp_uri: str


class ApiKeyCreated(BaseModel):
    """A new key: the token is shown this once; only its digest is kept."""

    id: uuid.UUID
    key: str
    scopes: list[str]
    client: str | None


class PasswordResetRead(BaseModel):
    id: uuid.UUID
    email: str
    sessions_ended: int
    password: str | None  # a generated one, shown this once
