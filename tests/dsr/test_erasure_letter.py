"""The erasure answer from outside (R-57, R-60, Art. 19): a Dutch-speaking customer with two invoices,
a newsletter HubSpot received and a customer file at a host with no endpoint asks for erasure on the
public /rights page and reads the letter: what went, what the law keeps until when, who was told."""

import json
import uuid
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lawful import clock, keystore
from lawful.config import Settings
from tests.conftest import Mailbox, Receiver
from tests.dsr.answers import ask, download, person, register
from tests.factories import make_notice, make_person, make_register, pdf_text

INTERNAL = (
    "key_destroyed",
    "to be told by hand",
    "no endpoint",
    "queued_mail",
    "copies_destroyed",
    "received no identifier",
)


@pytest.fixture
def org(db: Session, receiver: Receiver) -> uuid.UUID:
    org = make_register(db, register(receiver.url)).organisation_id
    make_notice(db, org)
    return org


def test_the_dutch_erasure_letter_lists_the_kept_invoices_until_their_end_and_who_was_told(
    client: TestClient,
    db: Session,
    keys: keystore.Keys,
    settings: Settings,
    smtp: Mailbox,
    org: uuid.UUID,
    receiver: Receiver,
) -> None:
    email = "an.peeters@example.test"
    person(client, db, keys, org, email, "nl")  # invoiced on 15 March 2024
    with clock.pinned(datetime(2024, 12, 31, 23, 30, tzinfo=UTC)):  # 1 January 2025 in Brussels
        make_person(db, keys, org, email=email, category="customer", activity="invoicing")
    make_person(db, keys, org, email=email, category="customer", activity="customer_service")

    token = ask(client, db, keys, settings, smtp, email=email, lang="nl", kinds=["erasure"])

    letter = download(client, token, "erasure_letter.html").decode()
    text = " ".join(letter.replace("&#39;", "'").split())
    assert "Wissing van uw persoonsgegevens" in text
    assert (
        "Facturatie — wettelijke verplichting (art. 17, lid 3, b) AVG); bewaard tot 31 december 2035." in text
    )
    assert [w for w in ("Beantwoording van uw vragen", "Nieuwsbrief", "Klantendienst") if w not in text] == []
    assert "HubSpot Inc.: op de hoogte gebracht op" in text  # its endpoint took the notice (Art. 19)
    assert (
        "Host SA: wij brengen deze ontvanger afzonderlijk op de hoogte" in text
    )  # no endpoint: told by staff
    assert "uitsluitingslijst" in text and "5 jaar" in text  # the exclusion entry, the case record
    assert [w for w in INTERNAL if w in letter] == []
    certificate = download(client, token, "answer.json").decode()
    assert [w for w in INTERNAL if w in certificate] == []
    assert json.loads(certificate)["results"]["notify_recipients"] == {
        "recipients": {"HubSpot Inc.": "delivered", "Host SA": "pending"}
    }
    printed = pdf_text(download(client, token, "erasure_letter.pdf"))
    assert "HubSpot Inc." in printed and "31 december 2035" in printed
    assert [w for w in INTERNAL if w in printed] == []
    assert [body["event"] for body in receiver.received] == [["erasure"]]
