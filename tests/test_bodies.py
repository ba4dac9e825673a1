"""The body limits (lawful.bodies): each route's largest body, JSON nesting, and JSON only on the public
JSON endpoints, which a cross-site page could otherwise post to without a CORS preflight."""

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from lawful import bodies, i18n

PUBLIC = ["/api/banner/consents", "/api/newsletters/news/subscriptions", "/api/forms/contact/submissions"]


@pytest.mark.parametrize(
    ("body", "deep"),
    [
        (b"[" * 32 + b"]" * 32, False),
        (b"[" * 33 + b"]" * 33, True),
        (b'{"a":' * 32 + b"1" + b"}" * 32, False),
        (b'{"a":' * 33 + b"1" + b"}" * 33, True),
        (b'{"text":"' + b"[" * 100 + b'"}', False),
        (b'{"text":"\\"' + b"[" * 100 + b'"}', False),
        (b'["\\\\"' + b",[" * 40 + b"]" * 41, True),
        (b"[]" * 1000, False),
        (b'"' + b"[" * 100, False),
        (b'"\\"' * 20_000, False),
        (b"", False),
    ],
)
def test_json_depth_counts_brackets_outside_strings(body: bytes, deep: bool) -> None:
    assert bodies.too_deep(body) is deep


@pytest.mark.parametrize(
    ("path", "largest"),
    [
        ("/api/decisions", 65_536),
        ("/api/decisions/batch", 4 * 1024 * 1024),
        ("/api/banner/consents", 16_384),
        ("/api/forms/contact/submissions", 65_536),
        ("/api/register/versions", 8 * 1024 * 1024),
        ("/api/subjects", 1024 * 1024),
        ("/console/login", 1024 * 1024),
        ("/api/decisions/batch/x", 1024 * 1024),
    ],
)
def test_each_route_has_its_declared_limit_or_one_mebibyte(path: str, largest: int) -> None:
    assert bodies.limit(path) == largest


def test_each_declared_limit_is_a_route_that_takes_a_body(app: FastAPI) -> None:
    operations = app.openapi()["paths"].items()
    paths = [
        re.sub(r"\{[^}]+\}", "key", path) for path, methods in operations if {"post", "put"} & set(methods)
    ]

    unmatched = [e.path.pattern for e in bodies.LIMITS if not any(e.path.fullmatch(p) for p in paths)]

    assert unmatched == []


@pytest.mark.parametrize("path", PUBLIC)
@pytest.mark.parametrize(
    "content_type", ["text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded"]
)
def test_a_public_json_endpoint_refuses_other_content_types(
    client: TestClient, path: str, content_type: str
) -> None:
    answer = client.post(path, content=b'{"choices":{}}', headers={"content-type": content_type})

    assert answer.status_code == 415
    assert answer.json() == {
        "error": "unsupported_media_type",
        "detail": "send the body as application/json",
        "message": i18n.t("public_error.code.unsupported_media_type", "en"),
        "problems": [
            {
                "path": "content-type",
                "rule": "media_type",
                "message": i18n.t("public_error.rule.media_type", "en"),
            }
        ],
    }


def test_a_public_json_endpoint_refuses_a_body_without_a_content_type(client: TestClient) -> None:
    answer = client.post("/api/banner/consents", content=b'{"choices":{}}', headers={"content-type": ""})

    assert answer.status_code == 415


def test_a_public_json_endpoint_takes_json_with_a_charset(client: TestClient) -> None:
    answer = client.post(
        "/api/banner/consents", content=b"{}", headers={"content-type": "application/json; charset=utf-8"}
    )

    assert answer.status_code != 415


def test_json_nested_too_deep_is_422_naming_the_body(client: TestClient) -> None:
    body = b'{"choices":' + b"[" * 40 + b"]" * 40 + b"}"

    answer = client.post("/api/banner/consents", content=body, headers={"content-type": "application/json"})

    assert answer.status_code == 422
    assert answer.json() == {
        "error": "invalid_input",
        "detail": "invalid input: body: JSON nested deeper than 32 levels",
        "message": i18n.t("public_error.code.invalid_input", "en"),
        "problems": [
            {"path": "body", "rule": "json_depth", "message": i18n.t("public_error.rule.json_depth", "en")}
        ],
    }


def test_brackets_inside_a_json_string_are_not_nesting(client: TestClient) -> None:
    body = b'{"yaml":"' + b"[" * 1000 + b'"}'

    answer = client.post("/api/register/check", content=body, headers={"content-type": "application/json"})

    assert answer.status_code == 401


def test_a_form_over_one_mebibyte_is_413(client: TestClient) -> None:
    body = b"email=a&password=" + b"x" * (1024 * 1024)

    answer = client.post(
        "/console/login", content=body, headers={"content-type": "application/x-www-form-urlencoded"}
    )

    assert answer.status_code == 413 and answer.headers["content-type"].startswith("text/html")
    assert "the request body is larger than 1,048,576 bytes" in answer.text  # staff read the detail


def test_an_import_may_be_larger_than_one_mebibyte(client: TestClient) -> None:
    body = b"email\n" + b"someone@example.test\n" * 100_000

    answer = client.post("/api/imports", content=body, headers={"content-type": "text/csv"})

    assert len(body) > 1024 * 1024
    assert answer.status_code == 401
