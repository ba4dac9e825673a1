"""The application shell: health, error bodies, security headers, and the API contract."""

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lawful.app import create_app
from lawful.config import Settings
from tests.conftest import OutsideClient
from tests.factories import bearer, make_api_key, make_notice, make_register
from tests.live import release


def test_health_answers(client: TestClient) -> None:
    assert client.get("/healthz").json()["status"] == "ok"


def test_an_unknown_api_path_is_a_json_404(client: TestClient) -> None:
    response = client.get("/api/nothing-here")

    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_api_responses_carry_the_security_headers(client: TestClient) -> None:
    response = client.get("/api/register/schema")

    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"


def test_the_openapi_document_lists_the_api(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]

    assert {"/api/register/versions", "/api/notices/{kind}/versions", "/api/audit/verify"} <= set(paths)


def test_a_malformed_json_body_is_422_not_500(client: TestClient, db: Session) -> None:
    token = make_api_key(db, make_register(db).organisation_id, ["register:read"])

    response = client.post(
        "/api/register/check",
        content=b"{not json",
        headers=bearer(token) | {"Content-Type": "application/json"},
    )

    assert response.status_code == 422
    assert response.json()["error"] == "invalid_input"


def test_the_clock_header_is_ignored_outside_test_mode(
    settings: Settings, client: TestClient, db: Session
) -> None:
    org = make_register(db).organisation_id
    make_notice(db, org)  # in force from today
    production = create_app(settings.model_copy(update={"test_mode": False}))
    before_publication = {"X-Lawful-Now": "2020-01-01T12:00:00+00:00"}

    with OutsideClient(production, db) as client:
        honoured_elsewhere = client.get("/privacy", headers=before_publication).status_code
    release(production)

    assert honoured_elsewhere == 200


def test_the_clock_header_is_honoured_in_test_mode(client: TestClient, db: Session) -> None:
    make_notice(db, make_register(db).organisation_id)

    response = client.get("/privacy", headers={"X-Lawful-Now": "2020-01-01T12:00:00+00:00"})

    assert response.status_code == 404


def test_with_https_only_plain_http_writes_are_refused_before_reading(
    settings: Settings, client: TestClient, db: Session
) -> None:
    make_register(db)
    strict = create_app(settings.model_copy(update={"https_only": True}))
    db.commit()

    with TestClient(strict, base_url="http://acme.example.test") as plain:
        write = plain.post("/api/forms/contact/submissions", json={"fields": {"email": "a@example.test"}})
        read = plain.get("/privacy", follow_redirects=False)
    release(strict)

    assert (write.status_code, write.json()["error"]) == (403, "https_required")
    assert (read.status_code, read.headers["location"]) == (308, "https://acme.example.test/privacy")


def test_with_https_only_responses_carry_hsts(settings: Settings, db: Session) -> None:
    strict = create_app(settings.model_copy(update={"https_only": True}))

    with TestClient(strict, base_url="https://acme.example.test") as secure:
        response = secure.get("/healthz")
    release(strict)

    assert response.headers["strict-transport-security"].startswith("max-age=31536000")


def test_a_nul_character_in_the_query_is_422_naming_the_field(client: TestClient, db: Session) -> None:
    token = make_api_key(db, make_register(db).organisation_id, ["audit:read"])

    response = client.get("/api/audit?action=%00&limit=5", headers=bearer(token))

    assert response.status_code == 422
    assert response.json()["problems"] == [
        {"path": "query.action", "message": "must not contain a NUL character", "rule": "no_nul"}
    ]


def test_a_nul_character_in_a_body_is_never_a_server_error(client: TestClient, db: Session) -> None:
    """PostgreSQL cannot store NUL in text (422, nothing written); SQLite can (the decision simply runs)."""
    token = make_api_key(db, make_register(db).organisation_id, ["decisions:ask", "subjects:read"])
    body = {"subject": {"email": "x@example.test"}, "purpose": "request_followup\u0000"}

    for _ in range(2):  # the second call takes the decisions' fast lane, which must hand it over too
        response = client.post("/api/decisions", json=body, headers=bearer(token))
        assert response.status_code in (404, 422), response.text
        assert "\u0000" not in response.text
