"""Matched audiences on a social network (R-40), sent to a real HTTP server on loopback."""

import hashlib
import uuid

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import audit, consent, decisions, keystore, marketing
from lawful.actor import Actor
from tests.conftest import Receiver
from tests.factories import make_person, make_register
from tests.marketing.documents import give, social
from tests.registers import lia


def _sha(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _upload(db: Session, actor: Actor, keys: keystore.Keys, org: uuid.UUID) -> marketing.social.UploadResult:
    return marketing.social.upload(
        db, actor, keys, organisation_id=org, purpose="social_audiences", recipient="meta"
    )


def test_only_consenters_not_on_the_exclusion_list_are_uploaded_hashed(
    db: Session, keys: keystore.Keys, actor: Actor, receiver: Receiver
) -> None:
    org = make_register(db, social(receiver.url)).organisation_id
    for n in range(10):
        person = make_person(
            db, keys, org, email=f"p{n}@example.test", values={"user.name": f"P {n}"}
        ).subject
        if n < 7:
            give(db, actor, org, person.id, "social_audiences")
        if n in (5, 6):
            consent.suppress(
                db,
                actor,
                organisation_id=org,
                lookup=consent.suppression_lookup(keys, f"p{n}@example.test"),
                reason="unsubscribe",
            )

    result = _upload(db, actor, keys, org)

    [body] = receiver.received
    assert (result.people, result.excluded, result.status) == (5, {"suppressed": 2, "no_consent": 3}, 204)
    assert body["hashing"] == "sha256"
    assert body["contacts"][0] == {"user.contact.email": _sha("p0@example.test"), "user.name": _sha("p 0")}
    assert "p0@example.test" not in str(body)


def test_an_upload_records_the_platform_as_joint_controller_for_each_person_and_is_audited(
    db: Session, keys: keystore.Keys, actor: Actor, receiver: Receiver
) -> None:
    org = make_register(db, social(receiver.url)).organisation_id
    person = make_person(db, keys, org, email="yes@example.test").subject
    give(db, actor, org, person.id, "social_audiences")

    result = _upload(db, actor, keys, org)

    row = db.get(marketing.AudienceUpload, result.upload_id)
    members = db.scalars(select(marketing.AudienceMember.subject_id)).all()
    entry = audit.latest(db, entity=row)
    assert row is not None and (row.recipient, row.recipient_type) == ("meta", "joint_controller")
    assert members == [person.id]
    assert entry is not None and entry.action == "marketing.audience_uploaded"
    assert entry.data is not None and entry.data["recipient_type"] == "joint_controller"


def test_a_platform_that_takes_plain_values_gets_them_normalised(
    db: Session, keys: keystore.Keys, actor: Actor, receiver: Receiver
) -> None:
    org = make_register(db, social(receiver.url, hashed=False)).organisation_id
    person = make_person(db, keys, org, email="Plain@Example.test").subject
    give(db, actor, org, person.id, "social_audiences")

    _upload(db, actor, keys, org)

    assert receiver.received[0]["contacts"] == [{"user.contact.email": "plain@example.test"}]


def test_uploads_are_disabled_by_default_and_nothing_leaves(
    db: Session, keys: keystore.Keys, actor: Actor, receiver: Receiver
) -> None:
    org = make_register(db, social(receiver.url, enabled=False)).organisation_id
    person = make_person(db, keys, org).subject
    give(db, actor, org, person.id, "social_audiences")

    with pytest.raises(marketing.AudienceUploadDisabled, match="recipient: "):
        _upload(db, actor, keys, org)
    assert receiver.received == []


def test_a_joint_controller_without_an_arrangement_receives_nothing(
    db: Session, keys: keystore.Keys, actor: Actor, receiver: Receiver
) -> None:
    document = social(receiver.url)
    document["organisation"]["joint_controllers"] = []
    org = make_register(db, document).organisation_id

    with pytest.raises(marketing.RecipientRefused, match=r"Art\. 26"):
        _upload(db, actor, keys, org)


def test_a_purpose_on_legitimate_interests_cannot_feed_an_audience(
    db: Session, keys: keystore.Keys, actor: Actor, receiver: Receiver
) -> None:
    document = social(receiver.url)
    activity = next(a for a in document["activities"] if a["key"] == "social_audiences")
    activity |= {"legal_basis": "legitimate_interests", "legitimate_interest": lia()}
    org = make_register(db, document).organisation_id

    with pytest.raises(marketing.ConsentRequired, match="purpose: "):
        _upload(db, actor, keys, org)


def test_an_unknown_purpose_is_refused(db: Session, keys: keystore.Keys, actor: Actor) -> None:
    org = make_register(db, social("http://127.0.0.1:9/x")).organisation_id

    with pytest.raises(decisions.UnknownPurpose):
        marketing.social.upload(db, actor, keys, organisation_id=org, purpose="nope", recipient="meta")


def test_the_generic_export_refuses_a_social_network(db: Session, keys: keystore.Keys, actor: Actor) -> None:
    org = make_register(db, social("http://127.0.0.1:9/x")).organisation_id

    with pytest.raises(marketing.RecipientRefused, match="R-40"):
        marketing.export(db, actor, keys, organisation_id=org, purpose="social_audiences", recipient="meta")


def test_an_unreachable_platform_leaves_no_record(db: Session, keys: keystore.Keys, actor: Actor) -> None:
    org = make_register(db, social("http://127.0.0.1:9/closed")).organisation_id
    person = make_person(db, keys, org).subject
    give(db, actor, org, person.id, "social_audiences")

    with pytest.raises(marketing.PlatformUnreachable):
        _upload(db, actor, keys, org)
    assert db.scalars(select(marketing.AudienceUpload)).all() == []
