"""The demo company site and the lawful servers the banner's Chromium tests visit, and their helpers.

The demo page (examples/website/index.html) is served by a small HTTP server on loopback with a strict CSP
header; lawful runs on another port with the example register applied and both notices published, and
allows the demo origin through CORS. A second lawful with the Qualifio register, which has marketing and
social-media trackers (CRMS has analytics and its LinkedIn feed), serves the GPC and social-embed tests.
"""

import base64
import hashlib
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

import httpx
import uvicorn
from playwright.sync_api import BrowserContext, ConsoleMessage, Page
from pydantic import SecretStr

from lawful import notices, processing
from lawful.actor import Actor, ActorKind
from lawful.app import create_app
from lawful.config import Settings
from lawful.db import make_engine, make_sessionmaker
from tests.conftest import MASTER_KEY, fresh_database
from tests.live import free_port as _free_port
from tests.live import release
from tests.live import wait_until_healthy as _wait_until_healthy

DEMO = Path(__file__).resolve().parents[2] / "examples" / "website" / "index.html"


SEEDER = Actor(ActorKind.CLI, label="cli:banner-browser-tests")


# Stand-ins for the Google tag and the LinkedIn feed, served by the demo site itself.
ANALYTICS_JS = (
    b"window.__analyticsRan = true;\n"
    b"document.cookie = '_ga=GA1.1.123; Path=/; Max-Age=63072000; SameSite=Lax';\n"
    b"document.cookie = '_ga_DEMO42=GS1.1.1; Path=/; Max-Age=63072000; SameSite=Lax';\n"
)


FEED_HTML = b"<!doctype html><title>LinkedIn</title><p>CRMS Solutions on LinkedIn</p>"


RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation',
  (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
"""


GPC_ON = "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {get: () => true});"


STORED_CHOICE = """() => {
  const m = document.cookie.match(/(?:^|; )lawful_consent=([^;]*)/);
  return m && JSON.parse(decodeURIComponent(m[1]));
}"""


STORED_ID = f"() => {{ const s = ({STORED_CHOICE})(); return s && s.id; }}"


# --- the demo site --------------------------------------------------------------------------------------


def demo_page(*, script: str, api: str, lang: str, manage: bool = True) -> tuple[bytes, str]:
    """The demo page for one lawful origin (`script` serves banner.js, `api` answers it), and its CSP."""
    html = DEMO.read_text(encoding="utf-8")
    html = html.replace('data-lawful="{{LAWFUL}}"', f'data-lawful="{api}"').replace("{{LAWFUL}}", script)
    html = html.replace('<html lang="fr">', f'<html lang="{lang}">').replace(
        'data-lang="fr"', f'data-lang="{lang}"'
    )
    if not manage:
        html = html.replace(" data-lawful-manage", "")
    return html.encode(), strict_csp(html, script, api)


def strict_csp(html: str, *origins: str) -> str:
    """The policy of the brief, plus the hash of the page's own <style> element (no 'unsafe-inline')."""
    found = re.search(r"<style>(.*?)</style>", html, re.DOTALL)
    style = found.group(1) if found else ""
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    lawful = " ".join(dict.fromkeys(origins))
    return (
        f"default-src 'self'; script-src 'self' {lawful}; connect-src {lawful}; "
        f"style-src 'self' {lawful} 'sha256-{digest}'; img-src 'self'; base-uri 'none'; object-src 'none'"
    )


class DemoHandler(BaseHTTPRequestHandler):
    """`/?script=…&api=…&lang=…&manage=0` is the demo page; analytics.js and the feed are its trackers."""

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        query = {key: values[0] for key, values in parse_qs(url.query).items()}
        if url.path == "/":
            body, csp = demo_page(
                script=query["script"],
                api=query.get("api", query["script"]),
                lang=query.get("lang", "fr"),
                manage=query.get("manage") != "0",
            )
            self._send(body, "text/html; charset=utf-8", {"Content-Security-Policy": csp})
        elif url.path == "/analytics.js":
            self._send(ANALYTICS_JS, "text/javascript", {})
        elif url.path == "/linkedin-feed.html":
            self._send(FEED_HTML, "text/html; charset=utf-8", {})
        else:
            self.send_error(404)

    def _send(self, body: bytes, content_type: str, headers: dict[str, str]) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass(frozen=True)
class DemoSite:
    origin: str

    def url(self, lawful: str, *, api: str | None = None, lang: str = "fr", manage: bool = True) -> str:
        query = {"script": lawful, "api": api or lawful, "lang": lang, **({} if manage else {"manage": "0"})}
        return f"{self.origin}/?{urlencode(query)}"


# --- lawful ---------------------------------------------------------------------------------------------


@contextmanager
def serving_lawful(template_url: str, directory: Path, register: str, site: DemoSite) -> Iterator[str]:
    """lawful on a free port with `register` applied and both notices published; yields its origin."""
    port = _free_port()
    origin = f"http://127.0.0.1:{port}"
    settings = Settings(
        data_dir=directory,
        database_url=fresh_database(template_url, directory),
        master_key=SecretStr(MASTER_KEY),
        test_mode=True,
        secure_cookies=False,
        base_url=origin,
        banner_origins=[site.origin],
    )
    engine = make_engine(settings.resolved_database_url())
    with make_sessionmaker(engine)() as db:
        version, _ = processing.apply(db, SEEDER, text=register, source="banner-browser-tests")
        for kind in (notices.NoticeKind.PRIVACY, notices.NoticeKind.COOKIES):
            notices.publish(db, SEEDER, organisation_id=version.organisation_id, kind=kind)
        db.commit()
    engine.dispose()
    app = create_app(settings)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", ws="none", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    _wait_until_healthy(origin, thread)
    yield origin
    server.should_exit = True
    thread.join(timeout=10)
    release(app)


def banner_config(lawful: str, lang: str = "fr") -> dict[str, Any]:
    config: dict[str, Any] = httpx.get(f"{lawful}/api/banner/config", params={"lang": lang}).json()
    return config


def proof(lawful: str, consent_id: str) -> list[dict[str, Any]]:
    response = httpx.get(f"{lawful}/api/banner/consents/{consent_id}")
    assert response.status_code == 200, response.text
    records: list[dict[str, Any]] = response.json()
    return records


# --- the browser ----------------------------------------------------------------------------------------


@dataclass
class Visit:
    """One page in a fresh context, with everything it requested, threw and logged."""

    page: Page
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)  # requests to any other host: trackers
    errors: list[str] = field(default_factory=list)
    console: list[ConsoleMessage] = field(default_factory=list)

    @property
    def context(self) -> BrowserContext:
        return self.page.context

    @property
    def banner(self) -> Any:
        return self.page.get_by_role("dialog")

    def cookies(self) -> dict[str, str]:
        return {cookie["name"]: cookie["value"] for cookie in self.context.cookies()}

    def stored(self) -> dict[str, Any] | None:
        raw = self.cookies().get("lawful_consent")
        return json.loads(unquote(raw)) if raw else None

    def consent_id(self) -> str:
        """Waits for lawful's answer: the banner stores the id it gives back."""
        wait_until(self, lambda: bool(self.page.evaluate(STORED_ID)))
        consent_id = str(self.page.evaluate(STORED_ID))
        assert re.fullmatch(r"[0-9a-f]{32}", consent_id)
        return consent_id

    def violations(self) -> list[str]:
        found: list[str] = self.page.evaluate("window.__violations")
        return found + [m.text for m in self.console if "Content Security Policy" in m.text]

    def analytics_ran(self) -> bool:
        return bool(self.page.evaluate("window.__analyticsRan === true"))


def tracker_requests(seen: Visit) -> list[str]:
    return [url for url in seen.requests if url.endswith(("/analytics.js", "/linkedin-feed.html"))]


def wait_until(seen: Visit, check: Callable[[], bool], timeout: float = 6.0) -> None:
    """Poll while letting Playwright deliver the page's events (console messages arrive that way)."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        seen.page.wait_for_timeout(50)


def label(config: dict[str, Any], key: str) -> str:
    return str(next(c["label"] for c in config["categories"] if c["key"] == key))
