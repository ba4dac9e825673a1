"""The cookie banner: its size on the wire (goal: banner.js + banner.css at most 8 KB minified and gzipped),
and the time from navigation start to the banner being visible on the demo page in Chromium.

Run: .venv/bin/python -m benchmarks.banner [--database sqlite|postgresql] [--smoke]   (--smoke: 1 load each)

Size. "Minified" is a deliberately simple minification, not a real minifier: block comments removed,
`//` comments removed where they start a line or follow whitespace, each line stripped, empty lines
dropped; no renaming and no rewriting. The minified script is checked with `node --check` when Node is
installed. Gzip is level 9 (`gzip.compress(data, 9)`), and each file is compressed on its own, as each
is served on its own.

Time. `lawful serve` (with `lawful demo` applied) serves banner.js, banner.css and the config; the demo
page examples/website/index.html is served from another loopback port with its strict CSP header. An init
script watches the DOM and notes `performance.now()` (milliseconds since navigation start) when the
`.lawful-banner` element is in the document and no longer hidden, and again at the next animation frame.
"Cold" loads use a new browser context each time (empty cache, no cookie); "warm" loads reload one context
that never made a choice, so the script and stylesheet may come from the HTTP cache.
"""

import gzip
import json
import re
import shutil
import statistics
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from playwright.sync_api import Browser, Page, sync_playwright
from tests.consent.banner_site import demo_page

from .environment import ROOT, installation
from .report import header, options, summarise
from .server import serving, wait_for_privacy

STATIC = ROOT / "src" / "lawful" / "static"
FILES = ("banner.js", "banner.css")
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


def minify(text: str) -> str:
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.DOTALL)
    lines = (re.sub(r"(^|\s)//\s.*$", "", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def sizes() -> dict[str, tuple[int, int, int]]:
    """Raw, minified and minified+gzipped bytes of each file."""
    found = {}
    for name in FILES:
        raw = (STATIC / name).read_text(encoding="utf-8")
        small = minify(raw).encode()
        found[name] = (len(raw.encode()), len(small), len(gzip.compress(small, 9)))
    return found


def check_minified_script() -> str:
    node = shutil.which("node")
    if node is None:
        return "not checked (no node)"
    with tempfile.NamedTemporaryFile("w", suffix=".js", encoding="utf-8") as script:
        script.write(minify((STATIC / "banner.js").read_text(encoding="utf-8")))
        script.flush()
        result = subprocess.run([node, "--check", script.name], capture_output=True, text=True, check=False)
    return "parses (node --check)" if result.returncode == 0 else f"DOES NOT PARSE: {result.stderr.strip()}"


def print_sizes() -> None:
    found = sizes()
    total = tuple(sum(values[i] for values in found.values()) for i in range(3))
    print(f"{'file':<12}{'raw':>10}{'minified':>10}{'min+gzip':>10}")
    for name, (raw, small, zipped) in [*found.items(), ("total", total)]:
        print(f"{name:<12}{raw:>10,}{small:>10,}{zipped:>10,}")
    verdict = "met" if total[2] <= GOAL_BYTES else "MISSED"
    print(f"goal: min+gzip total {total[2]:,} B <= {GOAL_BYTES:,} B: {verdict}")
    print(f"minified banner.js {check_minified_script()}")


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
        print_sizes()
        with demo_site() as (site, handler), sync_playwright() as playwright:
            env = {**setup.env, "LAWFUL_BANNER_ORIGINS": json.dumps([site])}
            with serving(replace(setup, env=env)) as server:
                wait_for_privacy(server)
                handler.lawful = server.url
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                print(f"page: {site}/ (lawful {server.url}), {runs} loads each, Chromium {browser.version}")
                timings(browser, f"{site}/", runs)
                browser.close()


if __name__ == "__main__":
    main()
