"""A register whose contracts and invoices end in an archive (R-73, R-75), and people in every archive state."""

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from lawful import clock, keystore, subjects
from lawful.actor import Actor
from tests.factories import give_consent, make_person
from tests.registers import label, people

NOW = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
ARCHIVE_ENDS = date(2036, 3, 1)
PURPOSES = ("customer_service", "customer_offers", "newsletter", "invoicing", "request_followup")


def archive_register() -> dict[str, Any]:
    """people(): customer service archived 10 years after the contract, invoices archived for 10 years."""
    document = people()
    document["retention_rules"] += [
        {
            "key": "contract_archive",
            "label": label("Archived at the end of the contract, deleted 10 years later"),
            "trigger": "contract_end",
            "duration": "P10Y",
            "action": "archive_restricted",
        },
        {
            "key": "invoices_archive",
            "label": label("Archived from 1 January after the invoice date, for 10 years"),
            "trigger": "document_date_next_january",
            "duration": "P10Y",
            "action": "archive_restricted",
        },
    ]
    for activity in document["activities"]:
        if activity["key"] == "customer_service":
            activity["retention"] = "contract_archive"
        if activity["key"] == "invoicing":
            activity["retention"] = "invoices_archive"
    return document


def archived_person(
    db: Session,
    keys: keystore.Keys,
    org: uuid.UUID,
    actor: Actor,
    *,
    email: str,
    collected: tuple[str, ...],
    archived: tuple[str, ...],
    values: dict[str, str] | None = None,
) -> uuid.UUID:
    """A customer collected for each of `collected`, whose `archived` activities are in the archive."""
    subject_id = uuid.UUID(int=0)
    for activity in collected:
        subject_id = make_person(
            db, keys, org, email=email, category="customer", activity=activity, values=values
        ).subject.id
    rules = {"customer_service": "contract_archive", "invoicing": "invoices_archive"}
    for activity in archived:
        subjects.archive(
            db, actor, subject_id=subject_id, activity=activity, rule=rules[activity], delete_on=ARCHIVE_ENDS
        )
    return subject_id


def population(db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor) -> dict[str, uuid.UUID]:
    """One customer per archive state the gate reads."""
    made = {
        name: archived_person(
            db, keys, org, actor, email=f"{name}@example.test", collected=collected, archived=archived
        )
        for name, collected, archived in [
            ("live", ("customer_service",), ()),
            ("contract_archived", ("customer_service",), ("customer_service",)),
            ("contract_archived_offers_live", ("customer_service", "customer_offers"), ("customer_service",)),
            ("invoice_archived", ("invoicing",), ("invoicing",)),
            ("contract_archived_held", ("customer_service",), ("customer_service",)),
            ("contract_archived_subscribed", ("customer_service",), ("customer_service",)),
            ("everything_archived", ("customer_service", "invoicing"), ("customer_service", "invoicing")),
        ]
    }
    with clock.pinned(NOW - timedelta(days=10)):
        subjects.place_hold(
            db,
            actor,
            subject_id=made["contract_archived_held"],
            case_ref="C-4",
            reason="the customer disputes the last invoice",
            purpose="customer_service",
            review_on=NOW.date() - timedelta(days=1),  # past its review: still holding, flagged
        )
    give_consent(db, org, made["contract_archived_subscribed"], actor=actor)
    return made


# What the gate answers each of them, purpose by purpose ("allow" or the reasons).
EXPECTED: dict[str, dict[str, str | tuple[str, ...]]] = {
    "live": {"customer_service": "allow", "customer_offers": "allow", "invoicing": "allow"},
    "contract_archived": {
        "customer_service": ("archived",),
        "customer_offers": ("archived",),
        "invoicing": ("archived",),
    },
    "contract_archived_offers_live": {
        "customer_service": ("archived",),
        "customer_offers": "allow",  # what is not archived still serves its own purpose
        "invoicing": "allow",
    },
    "invoice_archived": {
        "customer_service": ("archived",),
        "customer_offers": ("archived",),
        "invoicing": "allow",  # the legal obligation the archive is kept for
    },
    "contract_archived_held": {
        "customer_service": "allow",  # the hold's own case, past its review date too
        "customer_offers": ("archived",),
        "invoicing": ("archived",),
    },
    "contract_archived_subscribed": {"newsletter": ("archived",), "customer_service": ("archived",)},
    "everything_archived": {
        "customer_service": ("archived",),
        "invoicing": "allow",
        "customer_offers": ("archived",),
    },
}
