"""The answer behind the emailed link (R-49): the page lists the parts without opening them, each download
is counted once, a PDF is printed only when it is asked for, and a name that is not a part is a page."""

import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import dsr, keystore
from lawful.actor import Actor
from tests.factories import make_fulfilled_request, make_notice, make_person, make_register
from tests.registers import people

EMAIL = "dl@example.test"


@pytest.fixture
def token(db: Session, actor: Actor, keys: keystore.Keys) -> str:
    org: uuid.UUID = make_register(db, people()).organisation_id
    make_notice(db, org)
    make_person(db, keys, org, email=EMAIL, values={"user.name": "Dora"})
    request = make_fulfilled_request(db, actor, keys, org, kinds=["access"], email=EMAIL, language="fr")
    return dsr.steps.download_token(keys, request.id)


def _downloads(db: Session) -> dict[str, int]:
    return {row.kind: row.downloads for row in db.scalars(select(dsr.models.Package))}


def test_viewing_the_answer_page_opens_nothing_and_counts_nothing(
    client: TestClient, db: Session, token: str
) -> None:
    for _ in range(3):
        page = client.get(f"/rights/{token}/answer?lang=fr")
        assert page.status_code == 200
        assert "access.pdf" in page.text and "access.csv" in page.text

    assert set(_downloads(db).values()) == {0}


def test_each_download_counts_once_and_the_pdf_counts_for_its_html(
    client: TestClient, db: Session, token: str
) -> None:
    pdf = client.get(f"/rights/{token}/answer/access.pdf")
    data = client.get(f"/rights/{token}/answer/access.json")

    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert data.status_code == 200 and EMAIL in data.text
    counted = _downloads(db)
    assert counted["access.html"] == 1 and counted["access.json"] == 1
    assert sum(counted.values()) == 2


def test_a_name_that_is_not_part_of_the_answer_is_a_page_in_the_visitors_language(
    client: TestClient, token: str
) -> None:
    answer = client.get(f"/rights/{token}/answer/secrets.json", headers={"Accept-Language": "fr"})

    assert answer.status_code == 404
    assert "<html" in answer.text.lower() and 'lang="fr"' in answer.text
