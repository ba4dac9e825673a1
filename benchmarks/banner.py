"""The cookie banner: its size on the wire (goal: banner.js + banner.css at most 8 KB gzipped), and the
time from navigation start to the banner being visible on the demo page in Chromium.

Run: .venv/bin/python -m benchmarks.banner [--database sqlite|postgresql] [--smoke]   (--smoke: 1 load each)

Size. What `lawful serve` sends for /static/banner.js and the versioned stylesheet it names, asked with
Accept-Encoding identity, gzip and br in turn (lawful.statics compresses each file once at start-up): the
body's bytes, and the whole response's with its status line and headers.

Time. `lawful serve` (with `lawful demo` applied) serves banner.js, banner.css and the config; the demo
page examples/website/index.html is served from another loopback port with its strict CSP header. An init
script watches the DOM and notes `performance.now()` (milliseconds since navigation start) when the
`.lawful-banner` element is in the document and no longer hidden, and again at the next animation frame.
"Cold" loads use a new browser context each time (empty cache, no cookie); "warm" loads reload one context
that never made a choice, so the script and stylesheet may come from the HTTP cache.
"""

import http.client
import json
import re
import statistics
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Browser, Page, sync_playwright
from tests.consent.banner_site import demo_page

from .environment import installation
from .report import header, options, summarise
from .server import serving, wait_for_privacy

ENCODINGS = ("identity", "gzip", "br")
GOAL_BYTES = 8 * 1024
RUNS = 10
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
WATCH = """
window.__banner = {};
new MutationObserver((_, observer) => {
  const banner = document.querySelector('.lawful-banner');
  if (banner && !banner.hidden && getComputedStyle(banner).position === 'fixed') {
    window.__banner.shown = performance.now();
    requestAnimationFrame(() => { window.__banner.frame = performance.now(); });
    observer.disconnect();
  }
}).observe(document, {childList: true, subtree: true, attributes: true, attributeFilter: ['hidden']});
"""
TIMINGS = r"""() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const end = (part) => {  // a string, or a RegExp for the stylesheet's versioned name (banner.<hash>.css)
    const entry = performance.getEntriesByType('resource').find((r) => (part.test ? part.test(r.name) : r.name.includes(part)));
    return entry ? entry.responseEnd : null;
  };
  return {shown: window.__banner.shown, frame: window.__banner.frame,
          script: end('/static/banner.js'), config: end('/api/banner/config'), css: end(/\/static\/banner\.[0-9a-f]{12}\.css$/),
          dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd};
}"""


def wire_sizes(base_url: str) -> dict[str, dict[str, tuple[int, int]]]:
    """What a browser receives for banner.js and the stylesheet it names, per Accept-Encoding: the body's
    bytes and the whole response's (status line and headers too), read with http.client so nothing is
    decompressed on the way."""
    address = urlsplit(base_url)
    script = _get(address.netloc, "/static/banner.js", "identity")[2]
    found = re.search(rb"/static/banner\.[0-9a-f]{12}\.css", script)
    if found is None:
        raise RuntimeError("banner.js names no versioned stylesheet")
    paths = {"banner.js": "/static/banner.js", "banner.css": found[0].decode()}
    sizes: dict[str, dict[str, tuple[int, int]]] = {}
    for encoding in ENCODINGS:
        sizes[encoding] = {}
        for name, path in paths.items():
            head, sent, body = _get(address.netloc, path, encoding)
            if encoding != "identity" and sent != encoding:
                raise RuntimeError(f"{path} was not sent as {encoding} (Content-Encoding: {sent!r})")
            sizes[encoding][name] = (len(body), head + len(body))
    return sizes


def _get(host: str, path: str, encoding: str) -> tuple[int, str, bytes]:
    connection = http.client.HTTPConnection(host, timeout=10)
    connection.request("GET", path, headers={"Accept-Encoding": encoding})
    response = connection.getresponse()
    body = response.read()
    head = len(f"HTTP/1.1 {response.status} {response.reason}\r\n") + 2
    head += sum(len(f"{name}: {value}\r\n") for name, value in response.getheaders())
    connection.close()
    return head, response.getheader("content-encoding", ""), body


def print_sizes(base_url: str) -> None:
    found = wire_sizes(base_url)
    print(f"{'encoding':<10}{'banner.js':>11}{'banner.css':>12}{'total':>9}{'with headers':>14}")
    for encoding, files in found.items():
        body = sum(size[0] for size in files.values())
        whole = sum(size[1] for size in files.values())
        print(
            f"{encoding:<10}{files['banner.js'][0]:>11,}{files['banner.css'][0]:>12,}{body:>9,}{whole:>14,}"
        )
    gzipped = sum(size[0] for size in found["gzip"].values())
    verdict = "met" if gzipped <= GOAL_BYTES else "MISSED"
    print(f"on the wire, gzip: {gzipped:,} B <= {GOAL_BYTES:,} B: {verdict}")


class _Demo(BaseHTTPRequestHandler):
    """The demo page with its strict CSP; `lawful` is set once lawful is listening."""

    lawful = ""

    def do_GET(self) -> None:
        body, csp = demo_page(script=self.lawful, api=self.lawful, lang="fr")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Security-Policy", csp)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def demo_site() -> Iterator[tuple[str, type[_Demo]]]:
    handler = type("Demo", (_Demo,), {})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler
    finally:
        server.shutdown()
        server.server_close()


def measure(page: Page, url: str, *, reload: bool = False) -> dict[str, float]:
    if reload:
        page.reload()
    else:
        page.goto(url)
    page.locator(".lawful-banner").wait_for(state="visible")
    page.wait_for_function("() => window.__banner.frame !== undefined")
    timings: dict[str, float] = page.evaluate(TIMINGS)
    return timings


def report(label: str, runs: list[dict[str, float]]) -> None:
    print(f"{label}: banner visible {summarise([r['shown'] for r in runs]).line('ms', digits=0)}")
    parts = ("frame", "script", "config", "css", "dcl", "load")
    medians = {part: statistics.median(r[part] for r in runs if r[part] is not None) for part in parts}
    print(
        f"  medians (ms since navigation start): banner.js received {medians['script']:.0f}, "
        f"config received {medians['config']:.0f}, banner.css received {medians['css']:.0f}, "
        f"DOMContentLoaded {medians['dcl']:.0f}, load {medians['load']:.0f}, "
        f"next animation frame {medians['frame']:.0f}"
    )


def timings(browser: Browser, url: str, runs: int) -> None:
    cold = []
    for _ in range(runs):
        context = browser.new_context()
        context.add_init_script(WATCH)
        cold.append(measure(context.new_page(), url))
        context.close()
    report("cold (new context each load)", cold)
    context = browser.new_context()
    context.add_init_script(WATCH)
    page = context.new_page()
    measure(page, url)
    warm = [measure(page, url, reload=True) for _ in range(runs)]
    context.close()
    report("warm (reloads, no choice made)", warm)


def main() -> None:
    args = options(__doc__ or "")
    runs = 1 if args.smoke else RUNS
    with installation(args.database, "banner") as setup:
        header("cookie banner: size, and time to visible in Chromium", args.database, setup.register)
        with demo_site() as (site, handler), sync_playwright() as playwright:
            env = {**setup.env, "LAWFUL_BANNER_ORIGINS": json.dumps([site])}
            with serving(replace(setup, env=env)) as server:
                wait_for_privacy(server)
                print_sizes(server.url)
                handler.lawful = server.url
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                print(f"page: {site}/ (lawful {server.url}), {runs} loads each, Chromium {browser.version}")
                timings(browser, f"{site}/", runs)
                browser.close()


if __name__ == "__main__":
    main()
