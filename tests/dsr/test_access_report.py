"""The access answer from outside (R-49, R-51, R-52, R-54, T-19, T-34): a person who wrote through the
contact form, is invoiced, gets the newsletter HubSpot received, and once added a statement, asks for
their data on the public /rights page in French or Dutch and downloads each part through the link."""

import csv
import io
import json
import uuid
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lawful import clock, consent, dsr, i18n, keystore, marketing
from lawful.actor import Actor
from lawful.config import Settings
from tests.conftest import Mailbox, Receiver
from tests.dsr.answers import STATEMENT, ask, download, person, rectify, register
from tests.dsr.requests import verified
from tests.factories import make_notice, make_person, make_register, pdf_text
from tests.marketing.documents import give, social

EXPECTED: dict[str, dict[str, Any]] = {
    "fr": {
        "labels": [
            "Adresse e-mail",
            "Téléphone",
            "Message",
            "Réponse à vos demandes",
            "Lettre d'information",
            "Facturation",
        ],
        "basis": "l'exécution d'un contrat avec vous",
        "retention": "3 ans après votre dernier message",
        "recipient": "HubSpot Inc. — Plateforme d'envoi d'e-mails",
        "redacted": "[caviardé]",
        "header": ["Donnée", "Clé", "Valeur", "Reçue le", "Provenance", "Activité", "Finalité"],
        "right": "Accès (art. 15)",
        "statement": "Votre déclaration complémentaire",
    },
    "nl": {
        "labels": [
            "E-mailadres",
            "Telefoon",
            "Bericht",
            "Beantwoording van uw vragen",
            "Nieuwsbrief",
            "Facturatie",
        ],
        "basis": "de uitvoering van een overeenkomst met u",
        "retention": "3 jaar na uw laatste bericht",
        "recipient": "HubSpot Inc. — Platform voor e-mailmarketing",
        "redacted": "[weggelakt]",
        "header": ["Gegeven", "Sleutel", "Waarde", "Ontvangen op", "Herkomst", "Activiteit", "Doel"],
        "right": "Inzage (art. 15)",
        "statement": "Uw aanvullende verklaring",
    },
}
RAW = (
    "user.contact.email",
    "user.content.private",
    "request_followup",
    "web_form",
    "request_content",
    "legal_obligation",
    "None",
)


@pytest.fixture
def org(db: Session, receiver: Receiver) -> uuid.UUID:
    org = make_register(db, register(receiver.url)).organisation_id
    make_notice(db, org)
    return org


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_the_access_answer_is_a_labelled_report_in_the_persons_language_with_the_recipients_used(
    client: TestClient,
    db: Session,
    keys: keystore.Keys,
    settings: Settings,
    smtp: Mailbox,
    org: uuid.UUID,
    actor: Actor,
    receiver: Receiver,
    lang: str,
) -> None:
    email, expected = f"elodie.{lang}@example.test", EXPECTED[lang]
    person(client, db, keys, org, email, lang)
    rectify(db, actor, keys, org, email, lang)
    marketing.export(db, actor, keys, organisation_id=org, purpose="newsletter", recipient="hubspot")
    assert any(email in json.dumps(body) for body in receiver.received)  # HubSpot did receive the address

    token = ask(client, db, keys, settings, smtp, email=email, lang=lang, kinds=["access"])

    page = download(client, token, "access.html").decode()
    text = " ".join(page.replace("&#39;", "'").replace("&#34;", '"').split())
    assert [label for label in expected["labels"] if label not in text] == []
    assert i18n.long_date(date(2024, 3, 15), lang) in text  # the invoice collected then, in the local format
    assert expected["basis"] in text and expected["retention"] in text
    assert expected["recipient"] in text  # the recipient that actually received the data (C-154/21)
    assert expected["statement"] in text and "Mon nom s'écrit avec un t." in text
    assert expected["right"] in text and "Rights:" not in text
    assert "0470 12 34 56" in text and expected["redacted"] in text  # their own number stays, others' go
    assert "jan.peeters@other.test" not in page and "0475 98 76 54" not in page  # T-34
    assert [raw for raw in RAW if raw in text] == []
    rows = list(
        csv.reader(io.StringIO(download(client, token, "access.csv").decode("utf-8-sig")), delimiter=";")
    )
    assert rows[0][: len(expected["header"])] == expected["header"]
    assert {len(row) for row in rows} == {len(rows[0])}  # every row splits into the same columns
    by_label = {row[0]: row for row in rows[1:]}
    assert (
        by_label[expected["labels"][0]][2] == email
        and by_label[expected["labels"][0]][1] == "user.contact.email"
    )
    assert "'" + STATEMENT in {row[2] for row in rows}  # the formula stays text in a spreadsheet
    assert expected["redacted"] in by_label[expected["labels"][2]][2]
    report = json.loads(download(client, token, "access.json"))
    assert report["language"] == lang and report["labels"]["category"] == expected["header"][0]
    assert {d["label"] for d in report["data"]} >= set(expected["labels"][:3])
    assert [r["name"] for r in report["recipients_used"]] == [
        "HubSpot Inc.",
        "HubSpot Inc.",
    ]  # export, Art. 19
    assert report["exclusion_list"] is False and report["requests"][0]["kinds"] == ["rectification"]
    printed = pdf_text(download(client, token, "access.pdf"))
    assert {label for label in expected["labels"][:3] if label not in printed} == set()
    assert "user.contact" not in printed and "HubSpot Inc." in printed


def test_a_register_that_declares_automated_decisions_is_quoted_not_denied(
    client: TestClient,
    db: Session,
    keys: keystore.Keys,
    settings: Settings,
    smtp: Mailbox,
    actor: Actor,
    receiver: Receiver,
) -> None:
    document = register(receiver.url)
    document["organisation"]["automated_decisions"] = {
        "en": "Your file is scored automatically.",
        "fr": "Votre dossier reçoit un score automatique.",
        "nl": "Uw dossier krijgt automatisch een score.",
    }
    next(a for a in document["activities"] if a["key"] == "request_followup")["automated_decisions"] = True
    org = make_register(db, document).organisation_id
    make_notice(db, org)
    person(client, db, keys, org, "score@example.test", "nl")

    token = ask(client, db, keys, settings, smtp, email="score@example.test", lang="nl", kinds=["access"])

    report = json.loads(download(client, token, "access.json"))
    said = {a["activity"]: a["automated_decisions"] for a in report["activities"]}
    assert "Uw dossier krijgt automatisch een score." in said["request_followup"]
    assert said["newsletter"].startswith("geen geautomatiseerde besluitvorming")


def test_a_social_network_that_received_the_person_in_an_audience_is_named_with_the_date_and_data(
    db: Session, keys: keystore.Keys, actor: Actor, receiver: Receiver
) -> None:
    org = make_register(db, social(receiver.url)).organisation_id
    make_notice(db, org)
    inside = make_person(db, keys, org, email="in@example.test", values={"user.name": "In"}).subject
    make_person(db, keys, org, email="out@example.test", values={"user.name": "Out"})
    give(db, actor, org, inside.id, "social_audiences")
    marketing.social.upload(
        db, actor, keys, organisation_id=org, purpose="social_audiences", recipient="meta"
    )

    reports = {
        email: dsr.rights.access_report(
            db, keys, verified(db, actor, keys, org, ["access"], email, language="fr")
        )
        for email in ("in@example.test", "out@example.test")
    }

    [used] = reports["in@example.test"]["recipients_used"]
    assert used["key"] == "meta" and used["on"] == i18n.long_date(clock.today(), "fr")
    assert used["activity"] == "social_audiences" and "user.contact.email" not in used["what"]
    assert reports["out@example.test"]["recipients_used"] == []


def test_a_platform_is_named_only_to_the_people_its_list_carried(
    client: TestClient,
    db: Session,
    keys: keystore.Keys,
    settings: Settings,
    smtp: Mailbox,
    org: uuid.UUID,
    actor: Actor,
    receiver: Receiver,
) -> None:
    """C-154/21: the recipients actually used. Someone held for the newsletter who withdrew before the
    export was not in the list HubSpot received, and their report must not say it was."""
    kept, left = "stays@example.test", "left@example.test"
    people = {}
    for email in (kept, left):
        people[email] = make_person(
            db, keys, org, email=email, category="customer", activity="newsletter"
        ).subject
        given = consent.Proof(
            text="Oui", text_version="1", language="fr", channel="web_form", element="newsletter"
        )
        consent.record(
            db, actor, organisation_id=org, subject_id=people[email].id, purpose="newsletter",
            kind=consent.EventKind.GIVEN, proof=given,
        )  # fmt: skip
    proof = consent.Proof(
        text="Retrait", text_version="1", language="fr", channel="email", element="newsletter"
    )
    consent.withdrawals.withdraw(db, actor, keys, subject=people[left], purpose="newsletter", proof=proof)
    marketing.export(db, actor, keys, organisation_id=org, purpose="newsletter", recipient="hubspot")
    sent = json.dumps(receiver.received)
    assert kept in sent and left not in sent

    reports = {
        email: json.loads(
            download(
                client,
                ask(client, db, keys, settings, smtp, email=email, lang="fr", kinds=["access"]),
                "access.json",
            )
        )
        for email in (kept, left)
    }

    assert [r["name"] for r in reports[kept]["recipients_used"]] == ["HubSpot Inc."]
    assert reports[left]["recipients_used"] == []
