"""The person declines a quoted fee from their request's page (R-48, R-52): the same effect as staff doing it."""

import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lawful import audit, dsr, keystore, mail
from lawful.actor import Actor
from lawful.config import Settings
from lawful.dsr import fees
from tests.conftest import Mailbox
from tests.factories import make_fulfilled_request, make_person, make_register
from tests.registers import label, people

FEE = {"amount": "5.00", "currency": "EUR", "window_days": 30, "reason": label("Printing and postage")}
EMAIL = "decline@example.test"
BUTTON = {
    "en": "Decline the fee and close my request",
    "fr": "Refuser les frais et clôturer ma demande",
    "nl": "De kosten weigeren en mijn verzoek sluiten",
}


@pytest.fixture
def org(db: Session) -> uuid.UUID:
    document = people()
    document["organisation"]["further_copy_fee"] = FEE
    return make_register(db, document).organisation_id


def _held(db: Session, actor: Actor, keys: keystore.Keys, org: uuid.UUID, lang: str) -> dsr.Request:
    """A second copy asked for within the window: held for its fee."""
    make_person(db, keys, org, email=EMAIL)
    make_fulfilled_request(db, actor, keys, org, kinds=["access"], email=EMAIL, language=lang)
    held = make_fulfilled_request(db, actor, keys, org, kinds=["access"], email=EMAIL, language=lang)
    assert held.status == "awaiting_fee_decision"
    return held


@pytest.mark.parametrize("lang", ["en", "fr", "nl"])
def test_the_quote_on_the_request_page_offers_to_decline_it_in_the_persons_language(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor, lang: str
) -> None:
    held = _held(db, actor, keys, org, lang)
    token = dsr.status_token(keys, held.id)

    page = client.get(f"/rights/{token}?lang={lang}")

    assert f'action="/rights/{token}/fee"' in page.text and 'value="declined"' in page.text
    assert BUTTON[lang] in page.text


@pytest.mark.parametrize("lang", ["en", "fr", "nl"])
def test_declining_from_the_page_closes_the_request_as_staff_would(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor, lang: str
) -> None:
    held = _held(db, actor, keys, org, lang)
    token = dsr.status_token(keys, held.id)

    answer = client.post(f"/rights/{token}/fee", data={"decision": "declined"}, follow_redirects=False)

    assert answer.status_code == 303 and answer.headers["location"] == f"/rights/{token}?lang={lang}"
    fee = fees.get_fee(db, request_id=held.id)
    assert (held.status, held.outcome["fee"]) == ("completed", "declined")
    assert (fee.decision, fee.decided_by, fee.note) == ("declined", "privacy-center", fees.SELF_SERVICE_NOTE)
    entry = audit.latest(db, entity=held)
    assert entry is not None
    assert (entry.action, entry.actor_label, entry.data["amount_cents"]) == (
        "dsr.fee_declined",
        "privacy-center",
        500,
    )
    assert 'data-fee="declined"' in client.get(answer.headers["location"]).text


def test_the_decline_letter_goes_to_the_person_in_their_language(
    client: TestClient,
    db: Session,
    keys: keystore.Keys,
    settings: Settings,
    smtp: Mailbox,
    org: uuid.UUID,
    actor: Actor,
) -> None:
    held = _held(db, actor, keys, org, "nl")
    mail.deliver_due(db, keys, settings)
    before = len(smtp.wait_for(3))

    client.post(f"/rights/{dsr.status_token(keys, held.id)}/fee", data={"decision": "declined"})

    mail.deliver_due(db, keys, settings)
    letter = smtp.wait_for(before + 1)[-1]
    assert str(letter["Subject"]) == f"Uw verzoek {held.reference} is gesloten"
    assert "Gegevensbeschermingsautoriteit" in letter.get_content()


@pytest.mark.parametrize("decision", ["paid", "waived", "", "declined; paid"])
def test_the_person_can_only_decline_and_anything_else_is_a_422_naming_the_field(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor, decision: str
) -> None:
    held = _held(db, actor, keys, org, "en")
    entries = len(audit.list_entries(db, action="dsr.fee_declined"))

    answer = client.post(f"/rights/{dsr.status_token(keys, held.id)}/fee", data={"decision": decision})

    assert answer.status_code == 422 and "decision" in answer.text
    assert held.status == "awaiting_fee_decision" and fees.get_fee(db, request_id=held.id).decision is None
    assert len(audit.list_entries(db, action="dsr.fee_declined")) == entries


def test_a_second_decline_is_a_409_and_changes_nothing(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    held = _held(db, actor, keys, org, "en")
    url = f"/rights/{dsr.status_token(keys, held.id)}/fee"
    client.post(url, data={"decision": "declined"})
    decided_at = fees.get_fee(db, request_id=held.id).decided_at

    again = client.post(url, data={"decision": "declined"})

    assert again.status_code == 409
    assert fees.get_fee(db, request_id=held.id).decided_at == decided_at
    assert (
        len([e for e in audit.list_entries(db, action="dsr.fee_declined") if e.entity_id == str(held.id)])
        == 1
    )


def test_a_request_without_a_quote_cannot_be_declined(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    make_person(db, keys, org, email=EMAIL)
    first = make_fulfilled_request(db, actor, keys, org, kinds=["access"], email=EMAIL, language="en")

    answer = client.post(f"/rights/{dsr.status_token(keys, first.id)}/fee", data={"decision": "declined"})

    assert answer.status_code == 409 and first.status == "completed" and "fee" not in first.outcome


def test_a_forged_link_or_a_cross_site_form_declines_nothing(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    held = _held(db, actor, keys, org, "en")

    forged = client.post("/rights/not-a-token/fee", data={"decision": "declined"})
    cross = client.post(
        f"/rights/{dsr.status_token(keys, held.id)}/fee",
        data={"decision": "declined"},
        headers={"Origin": "https://evil.example.test"},
    )

    assert (forged.status_code, cross.status_code) == (404, 403)
    assert held.status == "awaiting_fee_decision"
