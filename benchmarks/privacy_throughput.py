"""Requests per second on /privacy against one `lawful serve` process, 8 connections, 3 runs of 5 s.

Run: .venv/bin/python -m benchmarks.privacy_throughput [--database sqlite|postgresql] [--smoke]
(--smoke: 1 run of 1 s with 2 connections, after 1 s of warm-up.)
"""

import shlex
import statistics

from . import load
from .environment import installation
from .report import header, options, summarise
from .server import cpu_seconds, serving, wait_for_privacy

RUNS = 3
SECONDS = 5.0
WARM_UP_SECONDS = 2.0
CONCURRENCY = 8


def main() -> None:
    args = options(__doc__ or "")
    runs, seconds, warm_up, concurrency = (
        (1, 1.0, 1.0, 2) if args.smoke else (RUNS, SECONDS, WARM_UP_SECONDS, CONCURRENCY)
    )
    with installation(args.database, "throughput") as setup, serving(setup) as server:
        header("/privacy throughput, one `lawful serve` process", args.database, setup.register)
        url = f"{server.url}/privacy"
        wait_for_privacy(server)
        if load.generator() == "wrk":
            print(f"load: {shlex.join(load.wrk_command(url, seconds=seconds, concurrency=concurrency))}")
        else:
            print(f"load: httpx, {concurrency} threads each with a keep-alive client, {seconds:g} s")
        load.run(url, seconds=warm_up, concurrency=concurrency)
        results, cpu_ms = [], []
        for run in range(1, runs + 1):
            cpu_before = cpu_seconds(server.process.pid)
            result = load.run(url, seconds=seconds, concurrency=concurrency)
            cpu_ms.append((cpu_seconds(server.process.pid) - cpu_before) * 1e3 / result.requests)
            if result.failures:
                raise RuntimeError(f"run {run}: {result.failures} of {result.requests} requests failed")
            results.append(result)
            print(
                f"run {run}: {result.requests_per_second:.0f} req/s, latency p50 {result.p50_ms:.2f} ms, "
                f"p99 {result.p99_ms:.2f} ms, server CPU {cpu_ms[-1]:.2f} ms/request ({result.requests} requests)"
            )
        rates = summarise([result.requests_per_second for result in results])
        print(f"throughput: {rates.line('req/s', digits=0)}")
        print(
            f"latency: median p50 {statistics.median(r.p50_ms for r in results):.2f} ms, "
            f"median p99 {statistics.median(r.p99_ms for r in results):.2f} ms"
        )
        print(f"server CPU per request: {summarise(cpu_ms).line('ms', digits=2)}")


if __name__ == "__main__":
    main()
