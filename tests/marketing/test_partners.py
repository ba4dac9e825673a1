"""R-33, R-39: data go to a partner for its own marketing only for people whose consent named that partner.
The consent text names the partners and the data; the ledger event keeps which; the export checks it."""

import hashlib
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import audit, consent, keystore, marketing, processing, subjects
from lawful.actor import Actor
from tests.conftest import Receiver
from tests.factories import bearer, give_consent, make_api_key, make_person, make_register
from tests.registers import label, people

ADULT = {"email": "", "born": "1990-05-01", "country": "BE"}


def _partner(key: str, name: str, url: str) -> dict[str, Any]:
    return {
        "key": key,
        "name": name,
        "label": label(f"{name}, for its own offers"),
        "type": "independent_controller",
        "countries": ["BE"],
        "fields": ["user.name", "user.contact.email"],
        "endpoint": url,
    }


def _register(
    url: str, *, policy: str = "consent_required", partners: tuple[str, ...] = ("acme", "beta")
) -> dict[str, Any]:
    """Contest entrants may agree to pass their data to Acme and Beta; the newsletter also lists Acme, as
    a register drifting into "any consent will do" would."""
    document = people()
    document["organisation"]["third_party_marketing"] = policy
    names = {"acme": "Acme Promotions NV", "beta": "Beta Deals SRL"}
    document["recipients"] += [_partner(key, names[key], url) for key in ("acme", "beta")]
    document["activities"].append(
        {
            "key": "partner_transfer",
            "name": label("Passing your data to our partners"),
            "purpose": label("Our partners' own offers."),
            "data_use": "third_party_sharing",
            "legal_basis": "consent",
            "subjects": ["prospect"],
            "retention": "prospects_3y",
            "data_categories": ["user.name", "user.contact.email"],
            "recipients": list(partners),
            "security_measures": ["encryption"],
            "requirement": {"kind": "voluntary"},
        }
    )
    next(a for a in document["activities"] if a["key"] == "newsletter")["recipients"] = ["acme"]
    next(f for f in document["forms"] if f["key"] == "contest")["marketing_consent"] = "partner_transfer"
    return document


def _enter_contest(client: TestClient, email: str, *, agree: bool, language: str = "en") -> None:
    response = client.post(
        "/api/forms/contest/submissions",
        json={"fields": ADULT | {"email": email}, "language": language, "marketing_consent": agree},
    )
    assert response.status_code == 201, response.text


def _export(client: TestClient, token: str, purpose: str, recipient: str) -> Any:
    return client.post(
        "/api/audiences/exports", json={"purpose": purpose, "recipient": recipient}, headers=bearer(token)
    )


def _refusals(db: Session) -> list[audit.AuditEntry]:
    action = audit.AuditEntry.action == "marketing.export_refused"
    return list(db.scalars(select(audit.AuditEntry).where(action)))


@pytest.mark.parametrize(
    ("language", "words"),
    [
        (
            "en",
            "Yes, Acme SRL may pass on my data (Name, Email address) to Acme Promotions NV, Beta Deals SRL",
        ),
        (
            "fr",
            "Oui, Acme SRL peut transmettre mes données (Name (fr), Email address (fr)) à Acme Promotions NV",
        ),
        (
            "nl",
            "Ja, Acme SRL mag mijn gegevens (Name (nl), Email address (nl)) doorgeven aan Acme Promotions NV",
        ),
    ],
)
def test_the_form_names_the_partners_and_the_ledger_keeps_them_with_the_text_hash(
    client: TestClient, db: Session, receiver: Receiver, language: str, words: str
) -> None:
    org = make_register(db, _register(receiver.url)).organisation_id
    token = make_api_key(db, org, ["subjects:read"])
    shown = client.get(f"/api/forms/contest?lang={language}").json()["marketing_consent"]

    _enter_contest(client, "entrant@example.test", agree=True, language=language)

    subject_id = db.scalars(select(subjects.Subject.id)).one()
    events = client.get(f"/api/subjects/{subject_id}/consents", headers=bearer(token)).json()
    assert shown.startswith(words)
    assert [(e["purpose"], e["kind"], e["recipients"]) for e in events] == [
        ("partner_transfer", "given", ["acme", "beta"])
    ]
    assert events[0]["text_hash"] == hashlib.sha256(shown.encode()).hexdigest()


def test_an_export_to_a_partner_reaches_only_those_who_agreed_to_it(
    client: TestClient, db: Session, receiver: Receiver
) -> None:
    org = make_register(db, _register(receiver.url)).organisation_id
    token = make_api_key(db, org, ["marketing:send"])
    _enter_contest(client, "yes@example.test", agree=True)
    _enter_contest(client, "no@example.test", agree=False)

    response = _export(client, token, "partner_transfer", "acme")

    assert response.status_code == 200, response.text
    assert response.json()["people"] == 1
    assert receiver.received == [
        {"purpose": "partner_transfer", "contacts": [{"user.contact.email": "yes@example.test"}]}
    ]


def test_a_newsletter_consent_shares_nothing_with_a_partner(
    client: TestClient, db: Session, keys: keystore.Keys, receiver: Receiver
) -> None:
    org = make_register(db, _register(receiver.url)).organisation_id
    token = make_api_key(db, org, ["marketing:send"])
    reader = make_person(db, keys, org, email="reader@example.test").subject.id
    give_consent(db, org, reader)  # the newsletter box, which names no partner

    response = _export(client, token, "newsletter", "acme")

    assert response.status_code == 409
    assert response.json()["error"] == "recipient_refused"
    assert "'acme'" in response.json()["detail"] and response.json()["detail"].startswith("recipient: ")
    assert receiver.received == []
    assert [(e.entity_id, e.purpose, e.outcome) for e in _refusals(db)] == [("acme", "newsletter", "refused")]


def test_a_consent_naming_one_partner_does_not_cover_another_added_later(
    db: Session, keys: keystore.Keys, actor: Actor, receiver: Receiver
) -> None:
    org = make_register(db, _register(receiver.url, partners=("acme",))).organisation_id
    earlier = make_person(db, keys, org, email="earlier@example.test").subject.id
    register = processing.current_register(db, organisation_id=org)[1]
    text, named = consent.partners.offer_text(register, "partner_transfer", "en")
    proof = consent.Proof(
        text=text, text_version="1", language="en", channel="web_form", element="x", recipients=named
    )
    consent.record(
        db,
        actor,
        organisation_id=org,
        subject_id=earlier,
        purpose="partner_transfer",
        kind=consent.EventKind.GIVEN,
        proof=proof,
    )
    make_register(db, _register(receiver.url))  # Beta joins the activity

    shared = marketing.export(
        db, actor, keys, organisation_id=org, purpose="partner_transfer", recipient="acme"
    )
    with pytest.raises(marketing.RecipientRefused, match="'beta'"):
        marketing.export(db, actor, keys, organisation_id=org, purpose="partner_transfer", recipient="beta")

    assert (named, shared.people) == (("acme",), 1)
    assert "Beta" not in text


def test_a_withdrawn_consent_to_the_partner_shares_nothing(
    db: Session, keys: keystore.Keys, actor: Actor, receiver: Receiver
) -> None:
    org = make_register(db, _register(receiver.url)).organisation_id
    kept = make_person(db, keys, org, email="kept@example.test").subject.id
    gone = make_person(db, keys, org, email="gone@example.test").subject.id
    for subject_id in (kept, gone):
        consent.record(
            db,
            actor,
            organisation_id=org,
            subject_id=subject_id,
            purpose="partner_transfer",
            kind=consent.EventKind.GIVEN,
            proof=_proof(("acme", "beta")),
        )
    consent.record(
        db,
        actor,
        organisation_id=org,
        subject_id=gone,
        purpose="partner_transfer",
        kind=consent.EventKind.WITHDRAWN,
        proof=_proof(()),
    )

    result = marketing.export(
        db, actor, keys, organisation_id=org, purpose="partner_transfer", recipient="beta"
    )

    assert result.people == 1
    assert receiver.received[0]["contacts"] == [{"user.contact.email": "kept@example.test"}]


def test_a_consent_to_the_purpose_that_named_no_partner_is_left_out_and_counted(
    db: Session, keys: keystore.Keys, actor: Actor, receiver: Receiver
) -> None:
    org = make_register(db, _register(receiver.url)).organisation_id
    named = make_person(db, keys, org, email="named@example.test").subject.id
    vague = make_person(db, keys, org, email="vague@example.test").subject.id
    for subject_id, partners in ((named, ("acme",)), (vague, ())):
        consent.record(
            db,
            actor,
            organisation_id=org,
            subject_id=subject_id,
            purpose="partner_transfer",
            kind=consent.EventKind.GIVEN,
            proof=_proof(partners),
        )

    result = marketing.export(
        db, actor, keys, organisation_id=org, purpose="partner_transfer", recipient="acme"
    )

    assert result.people == 1
    assert receiver.received[0]["contacts"] == [{"user.contact.email": "named@example.test"}]


def test_the_default_policy_refuses_every_partner_export_on_record(
    client: TestClient, db: Session, receiver: Receiver
) -> None:
    org = make_register(db, _register(receiver.url, policy="forbidden")).organisation_id
    token = make_api_key(db, org, ["marketing:send"])
    _enter_contest(client, "yes@example.test", agree=True)

    response = _export(client, token, "partner_transfer", "acme")

    assert response.status_code == 409 and "R-39" in response.json()["detail"]
    assert receiver.received == []
    assert [e.entity_id for e in _refusals(db)] == ["acme"]


def test_own_marketing_is_offered_without_partners() -> None:
    register = processing.Register.model_validate(_register("http://127.0.0.1:9/x"))

    assert consent.partners.offer_text(register, "contest", "en") == (
        "Yes, I want to receive Contests. I can withdraw this consent at any time, with one click.",
        (),
    )
    assert [p.key for p in consent.partners.partners(register, "newsletter")] == ["acme"]


def _proof(partners: tuple[str, ...]) -> consent.Proof:
    return consent.Proof(
        text=f"to {', '.join(partners)}",
        text_version="1",
        language="en",
        channel="web_form",
        element="x",
        recipients=partners,
    )
