"""Console forms are accepted only from the console itself (CSRF, Art. 32): Origin, else Referer, must match."""

from collections.abc import Sequence

import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import BaseRoute

from lawful.web import ensure_same_origin

FORM = {"email": "nobody@example.test", "password": "not the password", "code": "123456"}
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def _login(client: TestClient, **headers: str) -> int:
    del client.headers["referer"]  # the fixture's default, as a browser on the console sends it
    return client.post("/console/login", data=FORM, headers=headers).status_code


def test_a_console_form_with_neither_origin_nor_referer_is_refused(client: TestClient) -> None:
    assert _login(client) == 403


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Origin": "http://testserver.evil.example"},
        {"Origin": "https://evil.example", "Referer": "http://testserver/console"},
        {"Referer": "https://evil.example/console"},
        {"Referer": "http://testserver.evil.example/console"},
        {"Referer": "http://testserver@evil.example/"},
    ],
)
def test_a_console_form_from_elsewhere_is_refused(client: TestClient, headers: dict[str, str]) -> None:
    assert _login(client, **headers) == 403


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://testserver"},
        {"Referer": "http://testserver/console/login"},
        {"Referer": "http://testserver"},
    ],
)
def test_a_console_form_from_the_console_reaches_the_login(
    client: TestClient, headers: dict[str, str]
) -> None:
    assert _login(client, **headers) == 401  # checked, then refused for its wrong credentials


def _depends_on_origin_check(dependant: Dependant) -> bool:
    return any(d.call is ensure_same_origin or _depends_on_origin_check(d) for d in dependant.dependencies)


def _write_routes(
    routes: Sequence[BaseRoute], prefix: str = "", checked: bool = False
) -> list[tuple[str, bool]]:
    """(path, checks the origin) of every write route, through included routers and their dependencies."""
    found: list[tuple[str, bool]] = []
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            context = route.include_context  # type: ignore[attr-defined]
            by_include = any(d.dependency is ensure_same_origin for d in context.dependencies)
            found += _write_routes(included.routes, prefix + context.prefix, checked or by_include)
        elif isinstance(route, APIRoute) and (route.methods or set()) & WRITES:
            found.append((prefix + route.path, checked or _depends_on_origin_check(route.dependant)))
    return found


def test_every_console_write_route_checks_the_origin(app: FastAPI) -> None:
    console_writes = [(path, ok) for path, ok in _write_routes(app.routes) if path.startswith("/console")]

    assert len(console_writes) >= 15
    assert [path for path, ok in console_writes if not ok] == []
