"""Error pages of the privacy center speak the language the person used (query, form, or browser)."""

import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lawful import i18n, keystore
from tests.factories import make_notice, make_person, make_register
from tests.registers import people


@pytest.fixture
def org(db: Session) -> uuid.UUID:
    org = make_register(db, people()).organisation_id
    make_notice(db, org)
    return org


def _lang(page: str) -> str:
    return page.split('<html lang="', 1)[1].split('"', 1)[0]


def test_a_refused_form_is_answered_in_the_language_of_the_form(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    make_person(
        db,
        keys,
        org,
        email="facture@example.test",
        category="customer",
        activity="invoicing",
        values={"user.name": "Oud"},
    )
    form = {"email": "facture@example.test", "lang": "nl", "kinds": ["rectification"]}

    refused = client.post("/rights", data=form | {"field": "user.name", "value": "Nieuw"})

    assert refused.status_code == 422 and _lang(refused.text) == "nl"  # the step again (tests/public)
    assert i18n.t("center.error.title", "nl") in refused.text


@pytest.mark.parametrize(
    ("url", "headers", "lang"),
    [
        ("/rights/forged-token?lang=fr", {}, "fr"),
        ("/rights/forged-token", {"Accept-Language": "nl-BE,nl;q=0.9"}, "nl"),
        ("/rights/forged-token", {}, "en"),
    ],
)
def test_a_missing_page_is_told_in_the_query_or_browser_language(
    client: TestClient, org: uuid.UUID, url: str, headers: dict[str, str], lang: str
) -> None:
    missing = client.get(url, headers=headers)

    assert missing.status_code == 404 and _lang(missing.text) == lang
