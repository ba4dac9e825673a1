"""API shapes for the register."""

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .loader import MAX_CHARACTERS


class RegisterSubmit(BaseModel):
    model_config = ConfigDict(extra="forbid")

    yaml: str = Field(min_length=1, max_length=MAX_CHARACTERS, description="the register document, as YAML")
    source: str = Field(default="api", max_length=300, description="where it came from, e.g. a git commit")


class ProblemRead(BaseModel):
    path: str
    rule: str
    message: str
    severity: str


class CheckResult(BaseModel):
    ok: bool
    problems: list[ProblemRead]


class RegisterVersionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    number: int
    sha256: str
    source: str
    applied_at: datetime
    applied_by: str
    changes: list[dict[str, Any]]


class RegisterVersionDetail(RegisterVersionRead):
    document: dict[str, Any]


class RegisterScan(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(
        min_length=1, max_length=2000, description="a page of the company's site (http or https)"
    )
    accept_all: bool = Field(default=False, description="also press the banner's 'accept all' and look again")


class ScanFindingRead(BaseModel):
    kind: str
    name: str
    party: str
    registered: bool
