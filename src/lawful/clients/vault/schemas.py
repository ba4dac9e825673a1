"""API shapes of the credential vault (R-87): the secret goes in once and out only on a reveal."""

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, SecretStr

KEY = r"^[a-z][a-z0-9_]*$"


class CredentialCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    client: str = Field(pattern=KEY, max_length=120, description="a client of the register")
    system: str = Field(min_length=1, max_length=200, description="e.g. Active Directory, core switch")
    username: str = Field(min_length=1, max_length=200)
    secret: SecretStr = Field(min_length=1, max_length=4000, description="stored only encrypted")
    note: str = Field(default="", max_length=2000)


class RevealRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=10, max_length=500, description="why the secret is needed now (audited)")


class CredentialRead(BaseModel):
    """A credential as listed: never its secret."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    client: str
    system: str
    username: str
    note: str
    created_at: datetime
    created_by: str
    reveals: int
    destroyed_at: datetime | None


class CredentialRevealed(BaseModel):
    id: uuid.UUID
    client: str
    system: str
    username: str
    secret: str
