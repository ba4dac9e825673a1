"""Every refusal a visitor can meet on a public route is plain and in their language (R-119): JSON keeps its
code and names the field, adds a `message`; pages render error.html in the language. Nothing sent is echoed,
and no pydantic location (`body.5`, `body.email`) reaches the visitor."""

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawful import i18n
from lawful.consent.models import OptIn
from tests.factories import bearer, make_api_key, make_notice, make_register
from tests.registers import people

BAD_EMAIL = "jean.dupont-at-example"
FR_NL = ["fr", "nl"]


@pytest.fixture
def org(db: Session) -> uuid.UUID:
    org = make_register(db, people()).organisation_id
    make_notice(db, org)
    return org


def _texts(lang: str) -> set[str]:
    """Everything a refusal may tell a visitor in `lang`."""
    prefixes = ("public_error.", "field_error.")
    return {labels[lang] for key, labels in i18n.catalogue().items() if key.startswith(prefixes)}


def _english_only() -> set[str]:
    """The English sentences of refusals that are not also a French or Dutch one."""
    return _texts("en") - _texts("fr") - _texts("nl")


JSON_ENDPOINTS: dict[str, tuple[str, dict[str, Any]]] = {
    "banner": ("/api/banner/consents", {"choices": {}, "version": "1"}),
    "newsletter": ("/api/newsletters/newsletter/subscriptions", {"email": "someone@example.test"}),
    "form": (
        "/api/forms/contact/submissions",
        {"fields": {"name": "N", "email": "n@example.test", "message": "m"}},
    ),
}


def _failures(kind: str, lang: str) -> dict[str, tuple[dict[str, Any], int, str]]:
    """What is sent, the status expected, and the field the answer must name."""
    good = JSON_ENDPOINTS[kind][1]
    good = {**good, "language": lang} if kind == "banner" else good  # the banner always says its language
    json_type = {"content-type": "application/json"}
    missing = {"banner": "version", "newsletter": "email", "form": "fields"}[kind]
    if kind == "banner":
        bad_email: dict[str, Any] = {**good, "choices": {"analytics": BAD_EMAIL}}  # no address: a bad value
    elif kind == "newsletter":
        bad_email = {"email": BAD_EMAIL}
    else:
        bad_email = {"fields": {**good["fields"], "email": BAD_EMAIL}}
    bad_field = {"banner": "choices.analytics", "newsletter": "email", "form": "fields.email"}[kind]
    return {
        "malformed": (
            {"content": b'{"email": "' + BAD_EMAIL.encode() + b'",', "headers": json_type},
            422,
            "body",
        ),
        "oversize": ({"content": b'{"x":"' + b"a" * 70_000 + b'"}', "headers": json_type}, 413, "body"),
        "content_type": (
            {"content": b"email=" + BAD_EMAIL.encode(), "headers": {"content-type": "text/plain"}},
            415,
            "content-type",
        ),
        "missing": ({"json": {k: v for k, v in good.items() if k != missing}}, 422, missing),
        "bad_email": ({"json": bad_email}, 422, bad_field),
    }


@pytest.mark.parametrize("lang", FR_NL)
@pytest.mark.parametrize("failure", ["malformed", "oversize", "content_type", "missing", "bad_email"])
@pytest.mark.parametrize("kind", sorted(JSON_ENDPOINTS))
def test_a_public_json_refusal_names_the_field_and_speaks_the_visitors_language(
    client: TestClient, db: Session, org: uuid.UUID, kind: str, failure: str, lang: str
) -> None:
    sent, status, field = _failures(kind, lang)[failure]
    headers = {**sent.pop("headers", {}), "Accept-Language": f"{lang}-BE,{lang};q=0.9,en;q=0.5"}

    answer = client.post(JSON_ENDPOINTS[kind][0], headers=headers, **sent)

    found = answer.json()
    assert answer.status_code == status and answer.headers["content-language"] == lang
    assert found["error"] and found["message"] in _texts(lang)
    assert field in [p["path"] for p in found["problems"]]
    assert all(p["message"] in _texts(lang) for p in found["problems"])
    assert "body." not in answer.text and BAD_EMAIL not in answer.text
    assert db.scalar(select(func.count()).select_from(OptIn)) == 0


def test_the_language_the_body_chose_outranks_the_browsers(client: TestClient, org: uuid.UUID) -> None:
    answer = client.post(
        "/api/newsletters/newsletter/subscriptions",
        json={"email": BAD_EMAIL, "language": "nl"},
        headers={"Accept-Language": "fr"},
    )

    assert answer.status_code == 422 and answer.json()["message"] == i18n.t(
        "public_error.code.invalid_identity", "nl"
    )


def test_staff_api_errors_keep_their_english_detail_and_pydantic_paths(
    client: TestClient, db: Session, org: uuid.UUID
) -> None:
    key = make_api_key(db, org, ["decisions:ask"])

    answer = client.post(
        "/api/decisions",
        content=b"{",
        headers={**bearer(key), "content-type": "application/json", "Accept-Language": "fr"},
    )

    assert answer.status_code == 422 and "message" not in answer.json()
    assert answer.json()["problems"][0]["path"].startswith("body")


def _lang(page: str) -> str:
    return page.split('<html lang="', 1)[1].split('"', 1)[0]


def _assert_page(answer: Any, lang: str, *fields: str) -> None:
    assert 400 <= answer.status_code < 500
    assert answer.headers["content-type"].startswith("text/html") and _lang(answer.text) == lang
    assert i18n.t("error.title", lang) in answer.text
    assert any(text in answer.text.replace("&#39;", "'") for text in _texts(lang))
    english = [text for text in _english_only() if text in answer.text.replace("&#39;", "'")]
    assert english == [] and "body." not in answer.text and BAD_EMAIL not in answer.text
    for field in fields:
        assert f"<code>{field}</code>" in answer.text


FORM = {"content-type": "application/x-www-form-urlencoded"}


@pytest.mark.parametrize("lang", FR_NL)
@pytest.mark.parametrize(
    ("failure", "sent", "fields"),
    [
        ("malformed", {"content": b'{"email":', "headers": {"content-type": "application/json"}}, ("email",)),
        ("oversize", {"content": b"email=" + b"a" * (1024 * 1024), "headers": FORM}, ("body",)),
        (
            "content_type",
            {"content": b"\x00\x01", "headers": {"content-type": "application/octet-stream"}},
            ("email",),
        ),
        # a form with a missing or bad field: the step again, errors by the fields (tests/public/test_rights_errors.py)
    ],
)
def test_the_privacy_center_refuses_in_the_visitors_language(
    client: TestClient, org: uuid.UUID, failure: str, sent: dict[str, Any], fields: tuple[str, ...], lang: str
) -> None:
    if "data" in sent:
        sent = {"data": {**sent["data"], "lang": lang}}
    headers = {**sent.pop("headers", {}), "Accept-Language": lang}

    answer = client.post("/rights", headers=headers, **sent)

    _assert_page(answer, lang, *fields)


@pytest.mark.parametrize("lang", FR_NL)
@pytest.mark.parametrize(
    ("method", "url", "sent"),
    [
        ("GET", "/u/confirm/forged.token", {}),
        ("POST", "/u/confirm/forged.token", {}),
        ("GET", "/u/forged.token", {}),
        ("GET", "/me/update/forged", {}),
        ("POST", "/me/update/forged", {"data": {"user.name": "Jean Dupont"}}),
        ("GET", "/rights/forged", {}),
        ("POST", "/rights/forged/code", {"data": {"code": "123456"}}),
        ("GET", "/rights/forged/answer", {}),
        ("GET", "/rights/forged/answer/access.json", {}),
        ("GET", "/forms/nope", {}),
        ("POST", "/forms/contact", {"content": b"x" * (1024 * 1024 + 1), "headers": FORM}),
        ("GET", "/static/nope.js", {}),
        ("GET", "/no/such/page", {}),
    ],
)
def test_links_from_mails_and_public_pages_refuse_in_the_visitors_language(
    client: TestClient, org: uuid.UUID, method: str, url: str, sent: dict[str, Any], lang: str
) -> None:
    headers = {**sent.pop("headers", {}), "Accept-Language": lang}

    answer = client.request(method, url, headers=headers, **sent)

    _assert_page(answer, lang)
    assert "Jean Dupont" not in answer.text


def test_a_missing_field_of_a_link_page_is_named(client: TestClient, org: uuid.UUID) -> None:
    answer = client.post("/rights/forged/code", data={}, headers={"Accept-Language": "nl"})

    _assert_page(answer, "nl", "code")
