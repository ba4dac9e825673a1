"""Latency of the people's pages at one connection against one `lawful serve` process: the privacy center's
two steps, a form, the notice and the brand stylesheet (issue 21 asks /rights and the forms under 20 ms p50).

Run: .venv/bin/python -m benchmarks.public_pages [--database sqlite|postgresql] [--smoke]
(--smoke: 20 requests per page after 5 of warm-up.)
"""

import statistics
import time

import httpx

from .environment import installation
from .report import header, options
from .server import serving, wait_for_privacy

REQUESTS, WARM_UP = 400, 40
PAGES = (
    "/rights?lang=fr",
    "/rights?lang=fr&step=details&right=access&right=erasure",
    "/rights?lang=nl&right=rectification&right=objection&right=portability",
    "/forms/contact?lang=fr",
    "/privacy?lang=fr",
    "/brand.css",
)


def main() -> None:
    args = options(__doc__ or "")
    requests, warm_up = (20, 5) if args.smoke else (REQUESTS, WARM_UP)
    with installation(args.database, "public") as setup, serving(setup) as server:
        header("the people's pages, one `lawful serve` process, 1 connection", args.database, setup.register)
        wait_for_privacy(server)
        print(f"load: httpx, one keep-alive client, {requests} sequential requests per page")
        with httpx.Client(base_url=server.url) as client:
            for path in PAGES:
                for _ in range(warm_up):
                    client.get(path).raise_for_status()
                times = []
                for _ in range(requests):
                    started = time.perf_counter()
                    client.get(path).raise_for_status()
                    times.append((time.perf_counter() - started) * 1e3)
                ordered = sorted(times)
                p95 = ordered[int(len(ordered) * 0.95) - 1]
                print(f"  {path}: p50 {statistics.median(times):.2f} ms, p95 {p95:.2f} ms")


if __name__ == "__main__":
    main()
