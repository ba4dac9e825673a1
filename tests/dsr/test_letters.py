"""The readable rectification answer (R-54, R-55): in the person's language, beside answer.json."""

import uuid

import pytest
from sqlalchemy.orm import Session

from lawful import dsr, keystore, subjects
from lawful.actor import Actor
from tests.factories import answer_files, make_fulfilled_request, make_notice, make_person, make_register
from tests.registers import people

INVOICES = "invoices already issued stay as they were"


@pytest.fixture
def org(db: Session) -> uuid.UUID:
    org = make_register(db, people()).organisation_id
    make_notice(db, org)
    return org


def _rectify(
    db: Session,
    actor: Actor,
    keys: keystore.Keys,
    org: uuid.UUID,
    email: str,
    lang: str,
    details: dict[str, object],
) -> str:
    request = make_fulfilled_request(
        db, actor, keys, org, kinds=["rectification"], email=email, language=lang, details=details
    )
    files = answer_files(db, keys, dsr.steps.download_token(keys, request.id))
    assert "answer.json" in files
    return files["rectification.html"].decode()


def test_the_answer_says_in_dutch_what_was_corrected_and_that_the_statement_is_kept(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    make_person(db, keys, org, email="recht@example.test", values={"user.name": "Pieter Jansen"})

    page = _rectify(
        db,
        actor,
        keys,
        org,
        "recht@example.test",
        "nl",
        {"values": {"user.name": "Pieter Janssen"}, "statement": "Mijn naam heeft twee s'en."},
    )

    assert '<html lang="nl">' in page and "Wij hebben deze gegevens verbeterd" in page
    assert "<td>Name (nl)</td><td>Pieter Janssen</td>" in page
    assert "Mijn naam heeft twee s&#39;en." in page and "Wij bewaren uw verklaring" in page
    assert "Gegevensbeschermingsautoriteit" in page and "creditnota" not in page


def test_a_customer_is_told_that_issued_invoices_stay_as_they_were(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    email = "klant@example.test"
    sid = make_person(db, keys, org, email=email, category="customer", activity="invoicing").subject.id
    subjects.collect(
        db,
        actor,
        keys,
        organisation_id=org,
        subject_category="customer",
        identities={subjects.IdentityKind.EMAIL: email},
        values={"user.contact.phone_number": "+32470000001"},
        collection=subjects.CollectionCreate(activity="customer_service", channel=subjects.Channel.EMAIL),
        subject_id=sid,
    )

    page = _rectify(
        db, actor, keys, org, email, "en", {"values": {"user.contact.phone_number": "+32470000002"}}
    )

    assert "+32470000002" in page and INVOICES in page


def test_a_person_without_invoices_hears_nothing_about_them(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    make_person(db, keys, org, email="geen@example.test", values={"user.name": "An"})

    page = _rectify(db, actor, keys, org, "geen@example.test", "en", {"values": {"user.name": "Ann"}})

    assert "<td>Name</td><td>Ann</td>" in page and INVOICES not in page
