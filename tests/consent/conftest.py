"""The banner's browser fixtures: the demo site and two lawful servers, started once for the package's
browser tests (test_banner_browser.py, test_banner_browser_edges.py), and a fresh browser context per test."""

import socket
import threading
from collections.abc import Callable, Iterator
from http.server import ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Route

from tests.consent.banner_site import (
    RECORD_VIOLATIONS,
    DemoHandler,
    DemoSite,
    Visit,
    serving_lawful,
)
from tests.registers import example


@pytest.fixture(scope="package")
def site() -> Iterator[DemoSite]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), DemoHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield DemoSite(f"http://127.0.0.1:{server.server_address[1]}")
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture(scope="package")
def crms(template_url: str, tmp_path_factory: pytest.TempPathFactory, site: DemoSite) -> Iterator[str]:
    with serving_lawful(
        template_url, tmp_path_factory.mktemp("banner-crms"), example("crms"), site
    ) as origin:
        yield origin


@pytest.fixture(scope="package")
def qualifio(template_url: str, tmp_path_factory: pytest.TempPathFactory, site: DemoSite) -> Iterator[str]:
    directory = tmp_path_factory.mktemp("banner-qualifio")
    with serving_lawful(template_url, directory, example("qualifio"), site) as origin:
        yield origin


@pytest.fixture
def visit(browser: Browser, site: DemoSite) -> Iterator[Callable[..., Visit]]:
    """Open the demo page in a fresh context (no cookies, no cache); other hosts are refused and noted."""
    contexts: list[BrowserContext] = []

    def open_(
        lawful: str,
        *,
        api: str | None = None,
        lang: str = "fr",
        manage: bool = True,
        init_scripts: tuple[str, ...] = (),
        cookies: tuple[Any, ...] = (),
        wait_until: str = "load",
        **options: Any,
    ) -> Visit:
        context = browser.new_context(**options)
        contexts.append(context)
        context.add_init_script(RECORD_VIOLATIONS)
        for script in init_scripts:
            context.add_init_script(script)
        if cookies:
            context.add_cookies(list(cookies))
        page = context.new_page()
        seen = Visit(page)
        allowed = {urlsplit(origin).netloc for origin in (site.origin, lawful, api or lawful)}

        def route(route: Route) -> None:
            if urlsplit(route.request.url).netloc in allowed:
                route.continue_()
            else:
                seen.blocked.append(route.request.url)
                route.abort()

        context.route("**/*", route)
        page.on("request", lambda request: seen.requests.append(request.url))
        page.on("pageerror", lambda error: seen.errors.append(str(error)))
        page.on("console", lambda message: seen.console.append(message))
        page.goto(site.url(lawful, api=api, lang=lang, manage=manage), wait_until=wait_until)  # type: ignore[arg-type]
        return seen

    yield open_
    for context in contexts:
        context.close()


# --- never block the page --------------------------------------------------------------------------------


@pytest.fixture
def silent_origin() -> Iterator[str]:
    """An origin that accepts connections and never answers: lawful hanging."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(32)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
