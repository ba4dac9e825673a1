"""An archive (R-73, `archive_restricted`) is excluded from every marketing use: what a person's archived
activity holds never reaches a platform export, an audience upload or a call list, even when the gate
allows the person for their other, live data."""

import hashlib
import uuid
from datetime import date

from sqlalchemy.orm import Session

from lawful import keystore, marketing, subjects
from lawful.actor import Actor
from tests.conftest import Receiver
from tests.factories import make_person, make_register
from tests.marketing.documents import give, phoning, social
from tests.registers import people


def _archived_followup(
    db: Session, actor: Actor, keys: keystore.Keys, org: uuid.UUID, email: str, values: dict[str, str]
) -> uuid.UUID:
    """A customer bought (their address, for the soft opt-in) and once asked for a follow-up, whose data
    (`values`) are now archived."""
    person = make_person(
        db, keys, org, email=email, category="customer", activity="customer_service", optout_offered=True
    ).subject
    make_person(db, keys, org, email=email, category="customer", activity="request_followup", values=values)
    subjects.archive(
        db, actor, subject_id=person.id, activity="request_followup", rule="prospects_3y",
        delete_on=date(2036, 1, 1),
    )  # fmt: skip
    return person.id


def test_a_platform_export_leaves_out_what_is_archived(
    db: Session, keys: keystore.Keys, actor: Actor, receiver: Receiver
) -> None:
    document = people()
    next(r for r in document["recipients"] if r["key"] == "hubspot")["endpoint"] = receiver.url
    org = make_register(db, document).organisation_id
    _archived_followup(db, actor, keys, org, "bea@example.test", {"user.name": "Bea Archived"})

    result = marketing.export(
        db, actor, keys, organisation_id=org, purpose="customer_offers", recipient="hubspot"
    )

    assert result.people == 1
    assert receiver.received == [
        {"purpose": "customer_offers", "contacts": [{"user.contact.email": "bea@example.test"}]}
    ]


def test_a_call_list_never_dials_an_archived_number(db: Session, keys: keystore.Keys, actor: Actor) -> None:
    org = make_register(db, phoning()).organisation_id
    _archived_followup(
        db, actor, keys, org, "cal@example.test", {"user.contact.phone_number": "+32470000009"}
    )
    marketing.phone.import_dncm(
        db, actor, keys, organisation_id=org, text="+32470000001\n", source="dncm.csv"
    )

    result = marketing.phone.call_list(db, actor, keys, organisation_id=org, purpose="phone_prospecting")

    assert result.calls == []
    assert result.excluded == {"no_phone_number": 1}


def test_an_audience_upload_leaves_out_what_is_archived(
    db: Session, keys: keystore.Keys, actor: Actor, receiver: Receiver
) -> None:
    org = make_register(db, social(receiver.url)).organisation_id
    sid = _archived_followup(db, actor, keys, org, "sol@example.test", {"user.name": "Sol Archived"})
    give(db, actor, org, sid, "social_audiences")

    result = marketing.social.upload(
        db, actor, keys, organisation_id=org, purpose="social_audiences", recipient="meta"
    )

    [body] = receiver.received
    assert result.people == 1
    assert body["contacts"] == [{"user.contact.email": hashlib.sha256(b"sol@example.test").hexdigest()}]
