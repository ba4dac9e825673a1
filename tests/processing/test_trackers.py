"""R-23: a site scan fails on any tracker the register does not declare."""

import json
import threading
from collections.abc import Iterator
from functools import partial
from http.server import HTTPServer, SimpleHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from lawful.processing import Found, Tracker, TrackerKind, scan, unregistered
from tests.conftest import CHROMIUM, Lawful
from tests.registers import MINIMISED, as_yaml, label, measured

COOKIE, LOCAL, SCRIPT, PIXEL = (
    TrackerKind.COOKIE,
    TrackerKind.LOCAL_STORAGE,
    TrackerKind.SCRIPT,
    TrackerKind.PIXEL,
)


def _tracker(key: str, name: str, kind: str, party: str = "third") -> dict[str, Any]:
    return {
        "key": key,
        "name": name,
        "kind": kind,
        "party": party,
        "provider": "Acme",
        "category": "strictly_necessary",
        "purpose": label("Remembers a choice"),
        "duration": "P13M",
    }


def _measuring(key: str, name: str, kind: str, party: str = "third") -> dict[str, Any]:
    """Google's trackers may not be filed as strictly necessary (R-24): analytics, on consent."""
    return _tracker(key, name, kind, party) | {
        "provider": "Google Ireland Limited",
        "category": "analytics",
        "purpose": label("Counts visits"),
        "duration": "P2Y",
        "recipient": "google_analytics",
        "activity": "statistics",
    }


TRACKERS = [
    _tracker("consent", "lawful_consent", "cookie", "first"),
    _measuring("ga", "_ga", "cookie", "first"),
    _measuring("ga4", "_ga_<container-id>", "cookie", "first"),
    _tracker("prefs", "theme*", "local_storage", "first"),
    _measuring("gtm", "googletagmanager.com", "script"),
]
REGISTERED = [Tracker.model_validate(t) for t in TRACKERS]


@pytest.mark.parametrize(
    ("found", "known"),
    [
        (Found(COOKIE, "_ga"), True),
        (Found(COOKIE, "_ga_X1Y2Z3"), True),  # <container-id> stands for the site's own id
        (Found(COOKIE, "_ga_"), False),  # … which is never empty
        (Found(COOKIE, "_gid"), False),
        (Found(LOCAL, "_ga"), False),  # a cookie's name does not cover a storage key
        (Found(LOCAL, "theme"), True),
        (Found(LOCAL, "theme-dark"), True),
        (Found(SCRIPT, "www.googletagmanager.com", "third"), True),  # a domain covers its subdomains
        (Found(PIXEL, "googletagmanager.com", "third"), True),  # scripts, pixels and embeds: by host
        (Found(SCRIPT, "evilgoogletagmanager.com", "third"), False),
        (Found(SCRIPT, "connect.facebook.net", "third"), False),
    ],
)
def test_what_the_register_covers(found: Found, known: bool) -> None:
    assert (unregistered([found], REGISTERED) == []) is known


@pytest.fixture
def site(tmp_path: Path) -> Iterator[str]:
    """A company page on localhost that sets an undeclared cookie and loads a pixel from another host."""
    server = HTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(tmp_path)))
    port = server.server_address[1]
    (tmp_path / "pixel.gif").write_bytes(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;")
    (tmp_path / "index.html").write_text(
        "<!doctype html><title>Shop</title>"
        "<script>document.cookie='_ga=GA1.1.1; path=/'; document.cookie='_ga_X1Y2Z3=GS1; path=/';"
        "document.cookie='_fbp=fb.1.2; path=/'; localStorage.setItem('theme', 'dark');</script>"
        f"<img src='http://127.0.0.1:{port}/pixel.gif' alt=''>",
        encoding="utf-8",
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://localhost:{port}/"
    server.shutdown()
    server.server_close()


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        return


@pytest.mark.browser
def test_a_scan_in_chromium_lists_cookies_storage_and_third_party_hosts(site: str) -> None:
    found = scan(site, chromium=CHROMIUM, settle_ms=300)

    assert set(found) == {
        Found(COOKIE, "_ga", "first"),
        Found(COOKIE, "_ga_X1Y2Z3", "first"),
        Found(COOKIE, "_fbp", "first"),
        Found(LOCAL, "theme", "first"),
        Found(PIXEL, "127.0.0.1", "third"),
    }
    assert unregistered(found, REGISTERED) == [Found(COOKIE, "_fbp"), Found(PIXEL, "127.0.0.1", "third")]


@pytest.mark.browser
def test_the_cli_fails_on_an_undeclared_tracker_and_names_it(
    lawful: Lawful, site: str, tmp_path: Path
) -> None:
    document = measured(MINIMISED)
    document["trackers"] = TRACKERS
    register = tmp_path / "register.yaml"
    register.write_text(as_yaml(document), encoding="utf-8")
    assert lawful("register", "apply", str(register)).exit_code == 0

    result = lawful("register", "scan", site, "--json")

    rows = {(r["kind"], r["name"]): r["registered"] for r in json.loads(result.stdout)}
    assert result.exit_code == 1
    assert rows[("cookie", "_fbp")] is False and rows[("pixel", "127.0.0.1")] is False
    assert rows[("cookie", "_ga_X1Y2Z3")] is True and rows[("local_storage", "theme")] is True
    assert "_fbp" in result.stderr


def test_the_cli_refuses_an_address_that_is_not_a_web_page(lawful: Lawful) -> None:
    result = lawful("register", "scan", "file:///etc/passwd")

    assert result.exit_code == 2 and "URL" in result.output
