"""Resident memory of `lawful serve` (VmRSS, children included) after start and after 200 /privacy requests.

Goal: under 150 MB. Run: .venv/bin/python -m benchmarks.memory [--database sqlite|postgresql] [--smoke]
(--smoke: 1 start, 20 requests.)
"""

import httpx

from .environment import installation
from .report import header, options, summarise
from .server import rss_kib, serving, wait_for_privacy

STARTS = 5
REQUESTS = 200


def main() -> None:
    args = options(__doc__ or "")
    starts, requests = (1, 20) if args.smoke else (STARTS, REQUESTS)
    with installation(args.database, "memory") as setup:
        header(
            f"RSS of `lawful serve`, after start and after {requests} requests", args.database, setup.register
        )
        started, served = [], []
        for run in range(1, starts + 1):
            with serving(setup) as server:
                wait_for_privacy(server)
                started.append(rss_kib(server.process.pid) / 1024)
                with httpx.Client(base_url=server.url) as client:
                    for _ in range(requests):
                        client.get("/privacy").raise_for_status()
                served.append(rss_kib(server.process.pid) / 1024)
            print(
                f"start {run}: {started[-1]:.1f} MiB after start, {served[-1]:.1f} MiB after {requests} requests"
            )
        print(f"after start: {summarise(started).line('MiB', digits=1)}")
        print(f"after {requests} requests: {summarise(served).line('MiB', digits=1)}")


if __name__ == "__main__":
    main()
