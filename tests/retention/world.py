"""A register with a rule for every trigger the evidence names, and people collected under it."""

import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawful import keystore, subjects
from lawful.actor import Actor, ActorKind
from lawful.config import Settings
from tests.conftest import MASTER_KEY
from tests.registers import label, people

ACTOR = Actor(ActorKind.CLI, label="cli:retention-tests")
BASE = {"recipients": [], "security_measures": ["encryption"], "requirement": {"kind": "voluntary"}}


def register() -> dict[str, Any]:
    """people() plus a contract archive (R-73), recruitment and a talent pool (R-78), and an anonymised
    contest (R-80); prospects (R-74) and invoices (R-75) are people()'s own."""
    document = people()
    document["subject_categories"].append({"key": "candidate", "label": label("Candidates")})
    document["data_categories"].append(
        {"key": "recruitment_data", "extends": "user.content.private", "label": label("CV")}
    )
    document["retention_rules"] += [
        _rule("contract_archive", "contract_end", "P10Y", "archive_restricted"),
        _rule("recruitment_6m", "recruitment_end", "P6M", "delete"),
        _rule("talent_pool_2y", "recruitment_end", "P2Y", "delete"),
        _rule("contest_1y", "collection", "P1Y", "anonymise"),
        _rule("account_12m", "account_closure", "P12M", "delete") | {"warn_before": "P30D"},
    ]
    document["activities"] += [
        BASE
        | {
            "key": "contracts",
            "name": label("Contracts"),
            "purpose": label("Proving our contracts."),
            "data_use": "essential.service",
            "legal_basis": "contract",
            "subjects": ["customer"],
            "retention": "contract_archive",
            "data_categories": ["user.name", "user.contact.email"],
        },
        BASE
        | {
            "key": "recruitment",
            "name": label("Recruitment"),
            "purpose": label("Choosing candidates."),
            "data_use": "essential.service",
            "legal_basis": "legitimate_interests",
            "legitimate_interest": people()["activities"][-2]["legitimate_interest"],
            "subjects": ["candidate"],
            "retention": "recruitment_6m",
            "data_categories": ["user.name", "user.contact.email", "recruitment_data"],
        },
        BASE
        | {
            "key": "talent_pool",
            "name": label("Talent pool"),
            "purpose": label("Offering later vacancies."),
            "data_use": "essential.service",
            "legal_basis": "consent",
            "subjects": ["candidate"],
            "retention": "talent_pool_2y",
            "data_categories": ["user.name", "user.contact.email", "recruitment_data"],
        },
    ]
    document["activities"].append(
        BASE
        | {
            "key": "accounts",
            "name": label("Customer accounts"),
            "purpose": label("Running the customer's account."),
            "data_use": "essential.service",
            "legal_basis": "contract",
            "subjects": ["customer"],
            "retention": "account_12m",
            "data_categories": ["user.name", "user.contact.email"],
        }
    )
    next(a for a in document["activities"] if a["key"] == "contest")["retention"] = "contest_1y"
    return document


def _rule(key: str, trigger: str, duration: str, action: str) -> dict[str, Any]:
    return {"key": key, "label": label(key), "trigger": trigger, "duration": duration, "action": action}


def keys_for(url: str, data_dir: Path) -> keystore.Keys:
    """The key store the CLI of the `lawful` fixture uses (data_dir/keys.db)."""
    return keystore.open_keys(Settings(database_url=url, data_dir=data_dir, master_key=SecretStr(MASTER_KEY)))


def collect(
    db: Session,
    keys: keystore.Keys,
    organisation_id: uuid.UUID,
    *,
    email: str,
    activity: str,
    at: datetime,
    category: str = "prospect",
    channel: subjects.Channel = subjects.Channel.EMAIL,
    source: subjects.Source = subjects.Source.SUBJECT,
    values: dict[str, str] | None = None,
    language: str | None = None,
) -> uuid.UUID:
    """One collection for `activity` at `at` (the person's own mail by default: an inbound contact)."""
    address = subjects.normalise_email(email)
    collected = subjects.collect(
        db,
        ACTOR,
        keys,
        organisation_id=organisation_id,
        subject_category=category,
        identities={subjects.IdentityKind.EMAIL: address},
        values={"user.contact.email": address, "user.name": "Test Person", **(values or {})},
        collection=subjects.CollectionCreate(
            activity=activity, channel=channel, source=source, collected_at=at
        ),
        language=language,
    )
    return collected.subject.id


def items(db: Session, subject_id: uuid.UUID, activity: str | None = None) -> int:
    """How many personal-data items of the person (for one activity) another session sees."""
    data, collection = subjects.PersonalData, subjects.Collection
    query = select(func.count(data.id)).where(data.subject_id == subject_id)
    if activity is not None:
        query = query.join(collection, data.collection_id == collection.id).where(
            collection.activity == activity
        )
    return int(db.scalar(query) or 0)


def exists(db: Session, subject_id: uuid.UUID) -> bool:
    return db.get(subjects.Subject, subject_id) is not None
