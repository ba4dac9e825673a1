"""The person's own update page (R-19, issue 21): each detail held is labelled in the person's language
from the register, with the input type and autocomplete a phone's keyboard and autofill need."""

import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lawful import intake, keystore
from lawful.actor import Actor
from lawful.intake.tokens import update_url
from tests.factories import make_notice, make_person, make_register
from tests.registers import people


@pytest.fixture
def org(db: Session) -> uuid.UUID:
    org = make_register(db, people()).organisation_id
    make_notice(db, org)
    return org


def test_the_update_page_labels_each_detail_in_the_persons_language(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    person = make_person(db, keys, org, email="me@example.test", values={"user.name": "Mia"}).subject
    path = update_url("", keys, intake.create_update_link(db, actor, subject_id=person.id).id)

    page = client.get(f"{path}?lang=fr")

    assert page.status_code == 200 and '<html lang="fr">' in page.text
    assert ">Name (fr)</label>" in page.text and ">user.name</label>" not in page.text
    assert 'name="user.name" value="Mia" type="text" autocomplete="name"' in page.text
    assert 'name="user.contact.email" value="me@example.test" type="email" autocomplete="email"' in page.text
