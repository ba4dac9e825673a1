"""Visit a site in Chromium and list what it stores and loads (R-23), before and after consent.

Playwright drives the browser; it is an optional dependency (`pip install 'lawful[scan]'`), imported only
here. The browser starts with an empty profile, so the first load shows what a new visitor gets before
making any choice; with `accept_all`, the cookie banner's "accept all" button is pressed and the page
loaded again, to see what consent switches on.
"""

import threading
import uuid
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from lawful import outbound
from lawful.errors import TooManyRequests

from . import gate, service
from .document import TrackerKind
from .errors import ScanFailed, ScanRefused
from .trackers import Found, unregistered

DEFAULT_CHROMIUM = "/usr/bin/chromium"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ACCEPT_ALL = ".lawful-banner [data-action=accept]"
RESOURCE_KINDS = {"image": TrackerKind.PIXEL, "document": TrackerKind.EMBED}


# Chromium at a time per process: each scan holds a browser for seconds, so a caller asking for many at once
# is answered 429 rather than let the server start a browser per request
RUNNING = threading.BoundedSemaphore(2)


def scan_site(
    db: Session,
    *,
    organisation_id: uuid.UUID,
    url: str,
    accept_all: bool = False,
    chromium: str = DEFAULT_CHROMIUM,
) -> list[dict[str, Any]]:
    """R-23: what the site stores and loads, each with whether the register (and so the cookie notice)
    declares it; the CLI and the API both answer this."""
    _, register = service.current_register(db, organisation_id=organisation_id)
    if not RUNNING.acquire(blocking=False):
        raise TooManyRequests("two scans are running already; try again in a minute")
    try:
        found = scan(url, chromium=chromium, accept_all=accept_all)
    finally:
        RUNNING.release()
    missing = unregistered(found, register.trackers)
    return [
        {"kind": str(f.kind), "name": f.name, "party": f.party, "registered": f not in missing} for f in found
    ]


def check_url(url: str) -> str:
    """The address a scan may visit: http or https, to an address the outbound policy allows (Art. 32), so
    whoever asks for a scan cannot make the server visit its own network; ScanRefused naming `url`."""
    parts = urlsplit(url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        port = 0
    if parts.scheme not in outbound.SCHEMES or not parts.hostname or not port:
        raise ScanRefused("url: give an http:// or https:// address", problems=[_url("not a web address")])
    reason = gate.refusal(parts.hostname, port)
    if reason is not None:
        raise ScanRefused(f"url: lawful may not visit a {reason} address", problems=[_url(reason)])
    return parts.hostname


def _url(message: str) -> dict[str, str]:
    return {"path": "url", "message": message}


def scan(url: str, *, chromium: str, accept_all: bool = False, settle_ms: int = 1000) -> list[Found]:
    """The browser reaches the network only through the gate: what the policy refuses is not loaded (and
    still listed: the page tried to load from it)."""
    site = check_url(url).lower()
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError as exc:
        raise ScanFailed("the site scan needs Playwright: pip install 'lawful[scan]'") from exc
    hosts: dict[str, TrackerKind] = {}
    try:
        with gate.gate() as proxy, sync_playwright() as playwright:
            through = [f"--proxy-server={proxy}", "--proxy-bypass-list=<-loopback>"]  # loopback too
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS + through)
            context = browser.new_context(service_workers="block")
            page = context.new_page()

            def seen(request: object) -> None:
                host = (urlsplit(request.url).hostname or "").lower()  # type: ignore[attr-defined]
                kind = RESOURCE_KINDS.get(request.resource_type, TrackerKind.SCRIPT)  # type: ignore[attr-defined]
                if host and host != site:
                    hosts.setdefault(host, kind)

            page.on("request", seen)
            page.goto(url, wait_until="load")
            page.wait_for_timeout(settle_ms)
            if accept_all and page.locator(ACCEPT_ALL).count():
                page.locator(ACCEPT_ALL).first.click()
                page.reload(wait_until="load")
                page.wait_for_timeout(settle_ms)
            cookies = context.cookies()
            local = page.evaluate("Object.keys(window.localStorage)")
            session = page.evaluate("Object.keys(window.sessionStorage)")
            browser.close()
    except Error as exc:
        raise ScanFailed(f"the site could not be scanned: {exc.message.splitlines()[0]}") from exc
    found = {
        Found(TrackerKind.COOKIE, c["name"], "first" if _same_site(c["domain"], site) else "third")
        for c in cookies
    }
    found |= {Found(TrackerKind.LOCAL_STORAGE, key) for key in local}
    found |= {Found(TrackerKind.SESSION_STORAGE, key) for key in session}
    found |= {Found(kind, host, "third") for host, kind in hosts.items()}
    return sorted(found)


def _same_site(domain: str, site: str) -> bool:
    domain = domain.lower().lstrip(".")
    return site == domain or site.endswith("." + domain)
