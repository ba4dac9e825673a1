"""Two organisations with a register each, and API keys of each kind of caller of the breach register."""

import uuid
from dataclasses import dataclass

import pytest
from sqlalchemy.orm import Session

from tests.factories import make_api_key, make_register
from tests.registers import people


@dataclass(frozen=True)
class Orgs:
    ours: uuid.UUID
    theirs: uuid.UUID
    officer: str  # breaches:read and breaches:write: the privacy officer's system
    processor: str  # breaches:report: a processor reporting to us
    other_processor: str
    reader: str  # breaches:read only (legal)
    their_officer: str


@pytest.fixture
def orgs(db: Session) -> Orgs:
    ours = make_register(db, people()).organisation_id
    document = people()
    document["organisation"]["slug"] = "other"
    theirs = make_register(db, document).organisation_id
    return Orgs(
        ours=ours,
        theirs=theirs,
        officer=make_api_key(db, ours, ["breaches:read", "breaches:write"]),
        processor=make_api_key(db, ours, ["breaches:report"]),
        other_processor=make_api_key(db, ours, ["breaches:report"]),
        reader=make_api_key(db, ours, ["breaches:read"]),
        their_officer=make_api_key(db, theirs, ["breaches:read", "breaches:write"]),
    )
