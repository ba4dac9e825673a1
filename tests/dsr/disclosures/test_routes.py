"""The disclosure log through its API, as a legal team's system uses it (R-89): recorded, approved by a
legal or privacy role, carried out with the minimum data, audited; the person told in their language."""

import uuid
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawful import audit, clock, keystore, mail
from lawful.config import Settings
from lawful.dsr import disclosures
from tests.conftest import Mailbox
from tests.dsr.disclosures.documents import ORDER, body, count, person, register
from tests.factories import bearer, make_api_key, make_register

API = "/api/dsr/disclosures"


@pytest.fixture
def org(db: Session) -> uuid.UUID:
    return make_register(db, register()).organisation_id


@pytest.fixture
def legal(db: Session, org: uuid.UUID) -> dict[str, str]:
    return bearer(make_api_key(db, org, ["disclosures:approve"]))


def _audited(db: Session) -> list[str]:
    return list(db.scalars(select(audit.AuditEntry.action).order_by(audit.AuditEntry.at)))


def _recorded(client: TestClient, headers: dict[str, str], subject_id: uuid.UUID, **change: Any) -> str:
    response = client.post(API, json=body(subject_id, **change), headers=headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def test_a_request_is_recorded_approved_and_disclosed_with_each_step_audited(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, legal: dict[str, str]
) -> None:
    anne = person(db, keys, org, email="anne@example.test")
    disclosure_id = _recorded(client, legal, anne.id)

    approved = client.post(f"{API}/{disclosure_id}/approve", headers=legal)
    done = client.post(f"{API}/{disclosure_id}/disclose", headers=legal)

    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert done.status_code == 200, done.text
    answer = done.json()
    assert answer["data"] == {
        str(anne.id): {
            "user.name": ["Anne Martin"],
            "user.contact.email": ["anne@example.test"],
            "user.contact.phone_number": ["+32470123456"],
        }
    }
    assert answer["disclosed_categories"] == ["user.name", "user.contact.email", "user.contact.phone_number"]
    logged = client.get(f"{API}/{disclosure_id}", headers=legal).json()
    assert (logged["status"], logged["requester"], logged["reference"]) == (
        "disclosed",
        "Police zone Midi",
        "PV 2026/1234",
    )
    assert "data" not in logged  # the values went once, in the answer to the disclosure
    assert sorted(a for a in _audited(db) if a.startswith("dsr.disclos")) == [
        "dsr.disclosed",
        "dsr.disclosure_approved",
        "dsr.disclosure_requested",
        "dsr.disclosure_told",
    ]


def test_an_unapproved_request_is_not_disclosed(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, legal: dict[str, str]
) -> None:
    anne = person(db, keys, org, email="anne@example.test")
    disclosure_id = _recorded(client, legal, anne.id)

    refused = client.post(f"{API}/{disclosure_id}/disclose", headers=legal)

    assert refused.status_code == 409 and refused.json()["error"] == "disclosure_not_approved"
    row = db.get_one(disclosures.Disclosure, uuid.UUID(disclosure_id))
    assert (row.status, row.disclosed_at, row.disclosed_categories) == ("requested", None, [])
    assert "dsr.disclosed" not in _audited(db)


@pytest.mark.parametrize("scopes", [["dsr:write", "dsr:read"], ["personal_data:read", "subjects:read"]])
def test_a_key_without_the_legal_or_privacy_permission_cannot_approve(
    client: TestClient,
    db: Session,
    keys: keystore.Keys,
    org: uuid.UUID,
    legal: dict[str, str],
    scopes: list[str],
) -> None:
    anne = person(db, keys, org, email="anne@example.test")
    disclosure_id = _recorded(client, legal, anne.id)
    support = bearer(make_api_key(db, org, scopes))

    refused = client.post(f"{API}/{disclosure_id}/approve", headers=support)

    assert refused.status_code == 403
    assert db.get_one(disclosures.Disclosure, uuid.UUID(disclosure_id)).status == "requested"


def test_categories_beyond_the_recipients_whitelist_are_not_disclosed(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, legal: dict[str, str]
) -> None:
    anne = person(db, keys, org, email="anne@example.test")
    asked = ["user.name", "user.contact.phone_number", "user.content.private"]
    disclosure_id = _recorded(
        client, legal, anne.id, requester_kind="debt_collector", recipient="collector", requester=None,
        categories=asked, legal_basis="Judgment of the justice of the peace, 12 January 2026",
    )  # fmt: skip
    client.post(f"{API}/{disclosure_id}/approve", headers=legal)

    done = client.post(f"{API}/{disclosure_id}/disclose", headers=legal).json()

    assert done["data"] == {str(anne.id): {"user.name": ["Anne Martin"]}}
    assert done["disclosed_categories"] == ["user.name"]
    assert done["refused"] == [
        {"category": "user.contact.phone_number", "reason": "outside_whitelist"},
        {"category": "user.content.private", "reason": "outside_whitelist"},
    ]
    assert done["requester"] == "Recouvre SA"  # the register's name when the request names no other
    entry = db.scalars(select(audit.AuditEntry).where(audit.AuditEntry.action == "dsr.disclosed")).one()
    assert entry.data["categories"] == ["user.name"]
    assert "Anne" not in str(entry.data) and "+3247" not in str(entry.data)


def _deliver(db: Session, keys: keystore.Keys, settings: Settings, smtp: Mailbox) -> list[Any]:
    sent = mail.deliver_due(db, keys, settings)
    return smtp.wait_for(sent)[:sent] if sent else []


@pytest.mark.parametrize(
    ("lang", "subject", "words"),
    [
        ("nl", "Wij hebben gegevens over u meegedeeld aan Police zone Midi (politie)", "Name (nl)"),
        ("fr", "Nous avons communiqué des données vous concernant à Police zone Midi (police)", "Name (fr)"),
    ],
)  # fmt: skip
def test_the_person_is_told_by_mail_in_their_language(
    client: TestClient,
    db: Session,
    keys: keystore.Keys,
    settings: Settings,
    smtp: Mailbox,
    org: uuid.UUID,
    legal: dict[str, str],
    lang: str,
    subject: str,
    words: str,
) -> None:
    anne = person(db, keys, org, email="anne@example.test", language=lang)
    disclosure_id = _recorded(client, legal, anne.id, categories=["user.name"])
    client.post(f"{API}/{disclosure_id}/approve", headers=legal)
    client.post(f"{API}/{disclosure_id}/disclose", headers=legal)

    [letter] = _deliver(db, keys, settings, smtp)

    assert letter["To"] == "anne@example.test" and str(letter["Subject"]) == subject
    text = letter.get_body(("plain",)).get_content()
    assert ORDER in text and "PV 2026/1234" in text and words in text
    assert "Anne Martin" not in text  # categories, never the values
    told = db.scalars(select(disclosures.DisclosureSubject)).one()
    assert told.informed == "mailed" and told.informed_at is not None


def test_no_mail_while_a_prohibition_is_recorded_and_one_once_it_is_lifted(
    client: TestClient,
    db: Session,
    keys: keystore.Keys,
    settings: Settings,
    smtp: Mailbox,
    org: uuid.UUID,
    legal: dict[str, str],
) -> None:
    anne = person(db, keys, org, email="anne@example.test", language="fr")
    secret = {"prohibited": True, "prohibition_ref": "Art. 28quinquies CCP, secrecy of the investigation"}
    disclosure_id = _recorded(client, legal, anne.id, **secret)
    client.post(f"{API}/{disclosure_id}/approve", headers=legal)
    client.post(f"{API}/{disclosure_id}/disclose", headers=legal)

    silent = _deliver(db, keys, settings, smtp)
    queued = db.scalar(select(func.count()).select_from(mail.OutboxMessage)) or 0
    lifted = client.post(f"{API}/{disclosure_id}/lift-prohibition", headers=legal)
    [letter] = _deliver(db, keys, settings, smtp)
    again = client.post(f"{API}/{disclosure_id}/lift-prohibition", headers=legal)

    assert silent == [] and queued == 0
    assert lifted.status_code == 200 and lifted.json()["prohibition_in_force"] is False
    assert letter["To"] == "anne@example.test" and "Police zone Midi" in str(letter["Subject"])
    assert again.status_code == 409 and _deliver(db, keys, settings, smtp) == []


BAD = [
    ({"legal_basis": ""}, "legal_basis"),
    ({"subject_ids": ["{unknown}"]}, "subject_ids.0"),
    ({"categories": ["user.name", "user.health.diagnosis"]}, "categories.1"),
    ({"requester_kind": "journalist"}, "body.requester_kind"),
    ({"received_on": "{tomorrow}"}, "received_on"),
    ({"prohibited": True}, "prohibition_ref"),
    ({"recipient": "hosting"}, "recipient"),
]


@pytest.mark.parametrize(("change", "field"), BAD, ids=[field for _, field in BAD])
def test_bad_input_is_a_422_naming_the_field_and_nothing_is_written(
    client: TestClient,
    db: Session,
    keys: keystore.Keys,
    org: uuid.UUID,
    legal: dict[str, str],
    change: dict[str, Any],
    field: str,
) -> None:
    anne = person(db, keys, org, email="anne@example.test")
    values = {"unknown": str(uuid.uuid4()), "tomorrow": (clock.today() + timedelta(days=1)).isoformat()}
    sent = {k: [x.format(**values) for x in v] if isinstance(v, list) else v for k, v in change.items()}
    sent = {k: v.format(**values) if isinstance(v, str) else v for k, v in sent.items()}
    before = len(_audited(db))

    refused = client.post(API, json=body(anne.id, **sent), headers=legal)

    assert refused.status_code == 422
    assert field in [p["path"] for p in refused.json()["problems"]]
    assert "anne" not in refused.text.lower()
    assert count(db) == 0 and len(_audited(db)) == before


def test_another_organisations_key_neither_sees_nor_approves_our_request(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, legal: dict[str, str]
) -> None:
    anne = person(db, keys, org, email="anne@example.test")
    disclosure_id = _recorded(client, legal, anne.id)
    other = register()
    other["organisation"]["slug"] = "other"
    theirs = bearer(make_api_key(db, make_register(db, other).organisation_id, ["disclosures:approve"]))

    seen = client.get(f"{API}/{disclosure_id}", headers=theirs)
    listed = client.get(API, headers=theirs)
    approved = client.post(f"{API}/{disclosure_id}/approve", headers=theirs)
    about_ours = client.post(API, json=body(anne.id), headers=theirs)

    assert seen.status_code == 404 and approved.status_code == 404 and listed.json() == []
    assert about_ours.status_code == 422  # our person is nobody in their organisation
    assert db.get_one(disclosures.Disclosure, uuid.UUID(disclosure_id)).status == "requested"
    assert [d["id"] for d in client.get(API, headers=legal).json()] == [disclosure_id]
