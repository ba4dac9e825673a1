"""What every benchmark shares at its edges: the --database and --smoke options, the command line, and the summary.

`--smoke` runs a benchmark at a tiny size (a few hundred people, 1 s of load, one run of each kind, no
cProfile): the same code path end to end, so that CI (tests/test_benchmarks.py) knows every benchmark still
runs. Its figures mean nothing.
"""

import argparse
import os
import shlex
import statistics
import sys
from dataclasses import dataclass
from datetime import UTC, datetime

from .environment import DATABASES

SMOKE_HELP = "a tiny run that checks the benchmark still works end to end (for CI; its figures mean nothing)"


@dataclass(frozen=True)
class Summary:
    runs: int
    median: float
    p95: float
    low: float
    high: float

    def line(self, unit: str, digits: int = 2) -> str:
        def fmt(value: float) -> str:
            return f"{value:.{digits}f}"

        return (
            f"median {fmt(self.median)} {unit}, p95 {fmt(self.p95)}, "
            f"min {fmt(self.low)}, max {fmt(self.high)} ({self.runs} runs)"
        )


def summarise(values: list[float]) -> Summary:
    ordered = sorted(values)
    # nearest-rank p95: with fewer than 20 runs it is the maximum
    rank = max(1, -(-95 * len(ordered) // 100))
    return Summary(
        runs=len(ordered),
        median=statistics.median(ordered),
        p95=ordered[rank - 1],
        low=ordered[0],
        high=ordered[-1],
    )


def options(description: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--database", choices=DATABASES, default="sqlite")
    parser.add_argument("--smoke", action="store_true", help=SMOKE_HELP)
    return parser.parse_args()


def header(title: str, database: str, register: str) -> None:
    """Print the exact command that produced the figures below, and when and where it ran."""
    print(f"$ {shlex.join(sys.orig_argv)}")
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"# {title}: database {database}, register {register}")
    print(f"# {now}, {os.cpu_count()} cores, load average {load} (1, 5, 15 min)")
