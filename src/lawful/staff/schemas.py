"""Input shapes for staff login."""

from pydantic import BaseModel, ConfigDict, Field


class LoginCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=1000)
    code: str = Field(pattern=r"^\s*\d{6}\s*$")
