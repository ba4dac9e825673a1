"""GET /api/register/versions/{number}/diff and POST /api/register/scans (R-123): the route and its `lawful
register …` command on one database give the same facts; a scan visits only what the outbound policy allows
(Art. 32), so a key holder cannot make the server visit its own network."""

import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from http.server import BaseHTTPRequestHandler, HTTPServer, SimpleHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from lawful import outbound
from lawful.processing import gate
from tests.conftest import Lawful
from tests.processing.test_trackers import TRACKERS
from tests.registers import MINIMISED, measured, minimal
from tests.served import World, served


@pytest.fixture
def world(lawful: Lawful, fresh_url: str, tmp_path: Path) -> Iterator[World]:
    """The CLI and the API on one database, whose register declares the test site's trackers."""
    for made in served(lawful, fresh_url, tmp_path):
        document = measured(MINIMISED)
        document["trackers"] = TRACKERS
        made.apply(document)
        yield made


def _second_version(world: World) -> None:
    document = measured(MINIMISED)
    document["trackers"] = TRACKERS[:1]
    document["organisation"]["legal_name"] = "Acme Renamed SRL"
    world.apply(document)


def _other_org(world: World) -> dict[str, str]:
    other = minimal()
    other["organisation"] = other["organisation"] | {"slug": "other", "legal_name": "Other SRL"}
    world.apply(other)
    return world.key("register:read", org="other")


def test_the_diff_of_a_version_is_what_register_diff_prints(world: World) -> None:
    _second_version(world)

    api = world.client.get("/api/register/versions/2/diff", headers=world.key("register:read"))
    cli = world.lawful("register", "diff", "2", "--json")

    assert api.status_code == 200 and cli.exit_code == 0, api.text + cli.output
    assert api.json() == json.loads(cli.stdout)
    paths = {(c["op"], c["path"]) for c in api.json()}
    assert ("changed", "organisation.legal_name") in paths
    assert ("removed", "trackers[ga]") in paths


def test_the_diff_of_a_version_that_does_not_exist_is_404_as_the_command_fails(world: World) -> None:
    api = world.client.get("/api/register/versions/7/diff", headers=world.key("register:read"))
    cli = world.lawful("register", "diff", "7")

    assert api.status_code == 404 and cli.exit_code == 1


@pytest.mark.parametrize("number", ["0", "x", "99999999999"])
def test_a_version_number_that_is_not_one_is_refused_naming_it(world: World, number: str) -> None:
    response = world.client.get(f"/api/register/versions/{number}/diff", headers=world.key("register:read"))

    assert response.status_code == 422 and "number" in response.text


def test_another_organisation_gets_404_for_this_ones_version(world: World) -> None:
    _second_version(world)

    response = world.client.get("/api/register/versions/2/diff", headers=_other_org(world))

    assert response.status_code == 404


def test_diff_and_scan_need_register_read_and_the_refusals_are_audited(world: World) -> None:
    headers = world.key("subjects:read")

    diff = world.client.get("/api/register/versions/1/diff", headers=headers)
    scan = world.client.post("/api/register/scans", json={"url": "http://localhost/"}, headers=headers)

    assert (diff.status_code, scan.status_code) == (403, 403)
    assert [e.data for e in world.audit("access.refused")] == [
        {"permission": "register:read", "operation": "GET /api/register/versions/{number}/diff"},
        {"permission": "register:read", "operation": "POST /api/register/scans"},
    ]


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        return


@dataclass
class Site:
    url: str
    pixel_port: int
    pixel_hits: list[str]


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    """A company page on localhost that sets an undeclared cookie and loads a pixel from another server
    on loopback, which counts the requests it gets."""
    hits: list[str] = []

    class Counting(_Quiet):
        def do_GET(self) -> None:
            hits.append(self.path)
            super().do_GET()

    pages, pixels = tmp_path / "pages", tmp_path / "pixels"
    pages.mkdir()
    pixels.mkdir()
    (pixels / "pixel.gif").write_bytes(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;")
    pixel = HTTPServer(("127.0.0.1", 0), partial(Counting, directory=str(pixels)))
    server = HTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(pages)))
    (pages / "index.html").write_text(
        "<!doctype html><title>Shop</title>"
        "<script>document.cookie='_ga=GA1.1.1; path=/'; document.cookie='_fbp=fb.1.2; path=/';"
        "localStorage.setItem('theme', 'dark');</script>"
        f"<img src='http://127.0.0.1:{pixel.server_address[1]}/pixel.gif' alt=''>",
        encoding="utf-8",
    )
    for running in (server, pixel):
        threading.Thread(target=running.serve_forever, daemon=True).start()
    yield Site(f"http://localhost:{server.server_address[1]}/", pixel.server_address[1], hits)
    for running in (server, pixel):
        running.shutdown()
        running.server_close()


@pytest.mark.browser
def test_a_scan_through_the_api_finds_what_register_scan_finds(world: World, site: Site) -> None:
    api = world.client.post("/api/register/scans", json={"url": site.url}, headers=world.key("register:read"))
    cli = world.lawful("register", "scan", site.url, "--json")

    assert api.status_code == 200, api.text
    assert cli.exit_code == 1 and api.json() == json.loads(cli.stdout)
    found = {(r["kind"], r["name"]): r["registered"] for r in api.json()}
    assert found[("cookie", "_ga")] is True and found[("local_storage", "theme")] is True
    assert found[("cookie", "_fbp")] is False and found[("pixel", "127.0.0.1")] is False
    assert "/pixel.gif" in site.pixel_hits  # an allowed address is visited


@pytest.mark.browser
def test_a_scan_loads_nothing_from_an_address_the_policy_refuses_and_still_lists_it(
    world: World, site: Site
) -> None:
    headers = world.key("register:read")
    port = int(site.url.rsplit(":", 1)[1].strip("/"))
    outbound.configure([f"localhost:{port}"])  # the site itself; not the pixel's server

    response = world.client.post("/api/register/scans", json={"url": site.url}, headers=headers)

    assert response.status_code == 200, response.text
    assert site.pixel_hits == []
    assert {"kind": "pixel", "name": "127.0.0.1", "party": "third", "registered": False} in response.json()


@pytest.mark.browser
def test_a_redirect_to_an_address_the_policy_refuses_is_not_followed(world: World, site: Site) -> None:
    headers = world.key("register:read")
    redirect = _redirecting(f"http://127.0.0.1:{site.pixel_port}/pixel.gif")
    outbound.configure([f"localhost:{redirect.server_address[1]}"])

    response = world.client.post(
        "/api/register/scans",
        json={"url": f"http://localhost:{redirect.server_address[1]}/"},
        headers=headers,
    )

    redirect.shutdown()
    redirect.server_close()
    assert response.status_code == 422 and response.json()["error"] == "scan_failed", response.text
    assert site.pixel_hits == []


def _redirecting(location: str) -> HTTPServer:
    class Redirect(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(302)
            self.send_header("Location", location)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            return

    server = HTTPServer(("127.0.0.1", 0), Redirect)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("file:///etc/passwd", "not a web address"),
        ("ftp://example.test/", "not a web address"),
        ("http:///nohost", "not a web address"),
        ("http://localhost:99999/", "not a web address"),
        ("http://10.0.0.1/", "private"),
        ("http://192.168.1.1:8080/admin", "private"),
        ("http://169.254.169.254/latest/meta-data/", "cloud metadata"),
        ("http://[fe80::1]/", "link-local"),
        ("http://0.0.0.0:8000/", "unspecified"),
    ],
)
def test_an_address_the_server_may_not_visit_is_refused_naming_url_and_nothing_is_written(
    world: World, url: str, why: str
) -> None:
    headers = world.key("register:read")
    before = world.entries()

    response = world.client.post("/api/register/scans", json={"url": url}, headers=headers)

    assert response.status_code == 422, response.text
    body = response.json()
    assert body["error"] == "url_refused" and body["detail"].startswith("url:")
    assert {"path": "url", "message": why} in [
        {k: p[k] for k in ("path", "message")} for p in body["problems"]
    ]
    assert world.entries() == before


def test_loopback_is_refused_when_the_policy_does_not_allow_it(world: World) -> None:
    headers = world.key("register:read")
    outbound.configure([])

    response = world.client.post("/api/register/scans", json={"url": "http://127.0.0.1:8/"}, headers=headers)

    assert response.status_code == 422 and "loopback" in response.text


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "url"), ({"url": ""}, "url"), ({"url": "http://x/", "accept_all": "maybe"}, "accept_all")],
)
def test_a_malformed_scan_body_is_refused_naming_the_field(
    world: World, body: dict[str, Any], field: str
) -> None:
    response = world.client.post("/api/register/scans", json=body, headers=world.key("register:read"))

    assert response.status_code == 422 and field in response.text


def test_the_cli_refuses_an_address_the_policy_refuses(world: World) -> None:
    result = world.lawful("register", "scan", "http://10.0.0.1/")

    assert result.exit_code == 1 and "private" in result.output


def _through(proxy: str, request: bytes) -> bytes:
    host, port = proxy.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer


@pytest.mark.parametrize(
    "request_line",
    [
        b"CONNECT 10.0.0.1:443 HTTP/1.1",
        b"CONNECT 169.254.169.254:80 HTTP/1.1",
        b"GET http://192.168.0.1/ HTTP/1.1",
        b"GET ftp://127.0.0.1/ HTTP/1.1",
    ],
)
def test_the_gate_refuses_a_connection_the_policy_refuses(request_line: bytes) -> None:
    with gate.gate() as proxy:
        answer = _through(proxy, request_line + b"\r\nHost: x\r\n\r\n")

    assert answer.startswith(b"HTTP/1.1 403")


def test_the_gate_passes_an_allowed_request_once_and_closes(site: Site) -> None:
    port = site.url.rsplit(":", 1)[1].strip("/")
    outbound.configure([f"localhost:{port}"])

    with gate.gate() as proxy:
        page = _through(proxy, f"GET {site.url} HTTP/1.1\r\nHost: localhost:{port}\r\n\r\n".encode())
        pixel = _through(proxy, f"GET http://127.0.0.1:{site.pixel_port}/pixel.gif HTTP/1.1\r\n\r\n".encode())

    assert page.startswith(b"HTTP/1.0 200") and b"<title>Shop</title>" in page
    assert pixel.startswith(b"HTTP/1.1 403") and site.pixel_hits == []
