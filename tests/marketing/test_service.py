"""Audiences and campaigns through the gate, with real SMTP and a real recipient HTTP server on loopback."""

import uuid
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import consent, keystore, mail, marketing, processing
from lawful.actor import Actor
from lawful.config import Settings
from tests.conftest import Mailbox, Receiver
from tests.factories import give_consent, make_person, make_register
from tests.registers import as_yaml, label, people

PROOF = consent.Proof(text="Yes", text_version="1", language="en", channel="web_form", element="form:x")


@pytest.fixture
def org(db: Session) -> uuid.UUID:
    return make_register(db, people()).organisation_id


def _consent(db: Session, actor: Actor, org: uuid.UUID, subject_id: uuid.UUID) -> None:
    give_consent(db, org, subject_id, actor=actor)


def test_the_audience_keeps_consenters_and_counts_the_rest_by_reason(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    yes = make_person(db, keys, org, email="yes@example.test").subject
    _consent(db, actor, org, yes.id)
    make_person(db, keys, org, email="no@example.test")

    audience = marketing.build(db, keys, organisation_id=org, purpose="newsletter")

    assert audience.members == [(yes.id, "consent")]
    assert audience.excluded == {"no_consent": 1}


def test_customers_who_bought_get_offers_by_soft_opt_in_but_prospects_do_not(
    db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    customer = make_person(
        db,
        keys,
        org,
        email="buyer@example.test",
        category="customer",
        activity="customer_service",
        optout_offered=True,
    ).subject
    make_person(db, keys, org, email="lead@example.test")

    audience = marketing.build(db, keys, organisation_id=org, purpose="customer_offers")

    assert audience.members == [(customer.id, "soft_opt_in")]
    assert audience.excluded == {"no_legal_basis": 1}


def test_a_campaign_carries_a_one_click_opt_out_and_records_its_basis(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor, settings: Settings, smtp: Mailbox
) -> None:
    yes = make_person(db, keys, org, email="reader@example.test").subject
    _consent(db, actor, org, yes.id)

    result = marketing.send_campaign(
        db,
        actor,
        keys,
        organisation_id=org,
        purpose="newsletter",
        campaign="nov",
        subject_line="News",
        text="Hello. Unsubscribe: {unsubscribe_url}",
        base_url="https://acme.example.test",
    )
    mail.deliver_due(db, keys, settings)

    [message] = smtp.wait_for(1)
    url = message["List-Unsubscribe"].strip("<>")
    assert result.queued == 1
    assert url.startswith("https://acme.example.test/u/") and "reader" not in url
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url in message.get_content() and "opposer" in message.get_content()  # the organisation's language
    assert db.scalars(select(marketing.Send.basis)).all() == ["consent"]


def test_someone_who_unsubscribes_before_dispatch_is_left_out(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    person = make_person(db, keys, org, email="gone@example.test").subject
    _consent(db, actor, org, person.id)
    consent.optin.unsubscribe(
        db, actor, keys, token=consent.optin.unsubscribe_token(keys, person.id, "newsletter")
    )

    result = marketing.send_campaign(
        db,
        actor,
        keys,
        organisation_id=org,
        purpose="newsletter",
        campaign="dec",
        subject_line="News",
        text="{unsubscribe_url}",
        base_url="https://x.test",
    )

    assert (result.queued, result.excluded) == (0, {"consent_withdrawn": 1})


def test_a_campaign_without_an_unsubscribe_link_is_refused(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    with pytest.raises(marketing.TemplateRefused):
        marketing.send_campaign(
            db,
            actor,
            keys,
            organisation_id=org,
            purpose="newsletter",
            campaign="x",
            subject_line="News",
            text="no way out",
            base_url="https://x.test",
        )


def test_a_service_purpose_cannot_be_used_for_a_campaign(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    with pytest.raises(marketing.NotMarketing):
        marketing.build(db, keys, organisation_id=org, purpose="customer_service")


def test_an_export_sends_only_the_whitelisted_fields_of_eligible_people(
    db: Session, keys: keystore.Keys, actor: Actor, receiver: Receiver
) -> None:
    url, received = receiver.url, receiver.received
    document = people()
    next(r for r in document["recipients"] if r["key"] == "hubspot")["endpoint"] = url
    org = make_register(db, document).organisation_id
    buyer = make_person(
        db,
        keys,
        org,
        email="buyer@example.test",
        category="customer",
        activity="customer_service",
        values={"user.name": "Bea", "user.contact.phone_number": "+32470123456"},
        optout_offered=True,
    )

    result = marketing.export(
        db, actor, keys, organisation_id=org, purpose="customer_offers", recipient="hubspot"
    )

    assert (result.people, result.fields, result.status) == (1, ["user.contact.email", "user.name"], 204)
    assert received == [
        {
            "purpose": "customer_offers",
            "contacts": [{"user.contact.email": "buyer@example.test", "user.name": "Bea"}],
        }
    ]
    assert buyer.subject.id


def test_a_processor_without_a_dpa_receives_nothing(db: Session, keys: keystore.Keys, actor: Actor) -> None:
    document = people()
    del next(r for r in document["recipients"] if r["key"] == "hubspot")["dpa_ref"]
    org = processing.apply(db, actor, text=as_yaml(document), source="t")[0].organisation_id

    with pytest.raises(marketing.RecipientRefused, match="DPA"):
        marketing.export(db, actor, keys, organisation_id=org, purpose="customer_offers", recipient="hubspot")


def _partner(policy: str) -> dict[str, Any]:
    document = people()
    document["organisation"]["third_party_marketing"] = policy
    document["recipients"].append(
        {
            "key": "partner",
            "name": "Partner NV",
            "label": label("A partner"),
            "type": "independent_controller",
            "countries": ["BE"],
            "fields": ["user.contact.email"],
            "endpoint": "http://127.0.0.1:9/x",
        }
    )
    next(a for a in document["activities"] if a["key"] == "newsletter")["recipients"].append("partner")
    return document


def test_sharing_with_a_partner_for_its_marketing_is_forbidden_by_default(
    db: Session, keys: keystore.Keys, actor: Actor
) -> None:
    org = make_register(db, _partner("forbidden")).organisation_id

    with pytest.raises(marketing.RecipientRefused, match="R-39"):
        marketing.export(db, actor, keys, organisation_id=org, purpose="newsletter", recipient="partner")
