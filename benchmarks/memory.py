"""Resident memory of `lawful serve` (VmRSS, children included) after start and after 200 /privacy requests.

Goal: under 150 MB. Run: .venv/bin/python -m benchmarks.memory [--database sqlite|postgresql]
"""

import httpx

from .environment import installation
from .report import header, options, summarise
from .server import rss_kib, serving, wait_for_privacy

STARTS = 5
REQUESTS = 200


def main() -> None:
    args = options(__doc__ or "")
    with installation(args.database, "memory") as setup:
        header(
            f"RSS of `lawful serve`, after start and after {REQUESTS} requests", args.database, setup.register
        )
        started, served = [], []
        for run in range(1, STARTS + 1):
            with serving(setup) as server:
                wait_for_privacy(server)
                started.append(rss_kib(server.process.pid) / 1024)
                with httpx.Client(base_url=server.url) as client:
                    for _ in range(REQUESTS):
                        client.get("/privacy").raise_for_status()
                served.append(rss_kib(server.process.pid) / 1024)
            print(
                f"start {run}: {started[-1]:.1f} MiB after start, {served[-1]:.1f} MiB after {REQUESTS} requests"
            )
        print(f"after start: {summarise(started).line('MiB', digits=1)}")
        print(f"after {REQUESTS} requests: {summarise(served).line('MiB', digits=1)}")


if __name__ == "__main__":
    main()
