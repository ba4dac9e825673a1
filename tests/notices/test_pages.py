"""Public notice pages: language choice, no cookies, security headers, stable version URLs."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lawful.notices import NoticeKind
from tests.factories import make_notice, make_register


@pytest.fixture
def published(db: Session) -> None:
    org = make_register(db).organisation_id
    make_notice(db, org, NoticeKind.PRIVACY)
    make_notice(db, org, NoticeKind.COOKIES)


@pytest.mark.parametrize(
    ("query", "accept", "lang", "title"),
    [
        ("?lang=nl", "fr-BE", "nl", "Privacyverklaring"),
        ("", "nl-BE,nl;q=0.9,en;q=0.8", "nl", "Privacyverklaring"),
        ("", "de-DE,en;q=0.5", "en", "Privacy notice"),
        ("", "de-DE", "fr", "Déclaration de confidentialité"),
        ("?lang=de", "", "fr", "Déclaration de confidentialité"),
    ],
)
def test_language_is_explicit_choice_then_accept_language_then_the_default(
    client: TestClient, published: None, query: str, accept: str, lang: str, title: str
) -> None:
    response = client.get(f"/privacy{query}", headers={"Accept-Language": accept})

    assert response.status_code == 200
    assert response.headers["content-language"] == lang
    assert f'<html lang="{lang}">' in response.text and f"<h1>{title}</h1>" in response.text


def test_the_notice_sets_no_cookie_and_sends_the_security_headers(
    client: TestClient, published: None
) -> None:
    response = client.get("/privacy?lang=en")

    assert "set-cookie" not in response.headers
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert "default-src 'self'" in response.headers["content-security-policy"]


def test_a_translation_says_so_and_links_to_the_prevailing_text(client: TestClient, published: None) -> None:
    response = client.get("/privacy?lang=en")

    assert 'data-element="translation"' in response.text
    assert 'href="/privacy/versions/1?lang=fr"' in response.text


def test_the_authoritative_language_has_no_translation_note(client: TestClient, published: None) -> None:
    assert 'data-element="translation"' not in client.get("/privacy?lang=fr").text


def test_the_notice_names_the_current_authority(client: TestClient, published: None) -> None:
    nl = client.get("/privacy?lang=nl").text
    fr = client.get("/privacy?lang=fr").text

    assert "Gegevensbeschermingsautoriteit" in nl and "Drukpersstraat 35" in nl
    assert "Commissie voor de Bescherming" not in nl
    assert "Autorité de protection des données" in fr


def test_past_versions_have_stable_urls_and_a_history(client: TestClient, published: None) -> None:
    assert client.get("/privacy/versions/1?lang=nl").status_code == 200
    assert 'href="/privacy/versions/1?lang=en"' in client.get("/privacy/versions?lang=en").text
    assert client.get("/privacy/versions/2").status_code == 404


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_published_versions_cannot_be_changed_over_http(
    client: TestClient, published: None, method: str
) -> None:
    assert client.request(method, "/privacy/versions/1").status_code == 405


def test_the_cookie_notice_lists_the_trackers(client: TestClient, published: None) -> None:
    response = client.get("/cookies?lang=en")

    assert response.status_code == 200 and "lawful_consent" in response.text


def test_before_any_publication_the_page_is_404(client: TestClient, db: Session) -> None:
    make_register(db)

    assert client.get("/privacy").status_code == 404


def test_a_bad_version_number_is_a_4xx(client: TestClient, published: None) -> None:
    assert client.get("/privacy/versions/zero").status_code == 422
    assert client.get("/privacy/versions/0").status_code == 422
    assert client.get("/legal/versions/1").status_code in (404, 422)
