"""Visit a site in Chromium and list what it stores and loads (R-23), before and after consent.

Playwright drives the browser; it is an optional dependency (`pip install 'lawful[scan]'`), imported only
here. The browser starts with an empty profile, so the first load shows what a new visitor gets before
making any choice; with `accept_all`, the cookie banner's "accept all" button is pressed and the page
loaded again, to see what consent switches on.
"""

from urllib.parse import urlsplit

from .document import TrackerKind
from .errors import ScanFailed
from .trackers import Found

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


def scan(url: str, *, chromium: str, accept_all: bool = False, settle_ms: int = 1000) -> list[Found]:
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError as exc:
        raise ScanFailed("the site scan needs Playwright: pip install 'lawful[scan]'") from exc
    site = (urlsplit(url).hostname or "").lower()
    hosts: dict[str, TrackerKind] = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            context = browser.new_context()
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
