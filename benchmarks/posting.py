"""POST load with wrk and a Lua script: JSON bodies rotated from a list, or a fresh one per request.

Unlike load.py's GET runs, answers other than 2xx are kept apart from socket errors, so that a run with
failures can still be reported (the rates count successful answers only).
"""

import re
import shlex
import shutil
import statistics
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .report import summarise
from .server import cpu_seconds

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


@dataclass(frozen=True)
class Posted:
    requests_per_second: float  # every answer, as wrk counts it
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx: int
    socket_errors: int

    @property
    def ok_per_second(self) -> float:
        return self.requests_per_second * (self.requests - self.non_2xx) / max(self.requests, 1)

    @property
    def failures(self) -> int:
        return self.non_2xx + self.socket_errors


# wrk Lua: number the threads (`id`) and keep them, so that `done` can add up their counters
THREAD_SETUP = """
local counter = 0
local threads = {}
function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end
"""
# wrk Lua: count 201, 429 and other answers; `done` prints "STATUSES 201s 429s others seconds p50_ms"
STATUS_COUNTING = """
function response(status, headers, body)
  if status == 201 then created = created + 1 elseif status == 429 then refused = refused + 1
  else other = other + 1 end
end
function done(summary, latency, requests)
  local a, b, c = 0, 0, 0
  for _, thread in ipairs(threads) do
    a = a + thread:get("created"); b = b + thread:get("refused"); c = c + thread:get("other")
  end
  io.write(string.format("STATUSES %d %d %d %.3f %.2f\\n", a, b, c, summary.duration / 1e6,
    latency:percentile(50) / 1000))
end
"""
_HEAD = """wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer {token}"
local sent = 0
"""


def rotating_script(path: Path, *, token: str, bodies: Sequence[str]) -> Path:
    """Each request sends the next body of the list, round and round."""
    listed = ",\n".join(f"[==[{body}]==]" for body in bodies)
    path.write_text(
        _HEAD.format(token=token) + f"local bodies = {{\n{listed}\n}}\n"
        "request = function()\n  sent = sent + 1\n"
        "  return wrk.format(nil, nil, nil, bodies[(sent % #bodies) + 1])\nend\n",
        encoding="utf-8",
    )
    return path


def fresh_script(path: Path, *, token: str, template: str) -> Path:
    """Each request sends `template` with its own counter in place of `%d` (one wrk thread: unique)."""
    path.write_text(
        _HEAD.format(token=token) + f"local template = [==[{template}]==]\n"
        "request = function()\n  sent = sent + 1\n"
        "  return wrk.format(nil, nil, nil, string.format(template, sent))\nend\n",
        encoding="utf-8",
    )
    return path


def command(url: str, script: Path, *, seconds: float, concurrency: int) -> list[str]:
    # one wrk thread, as in load.py: it needs a fraction of a core, and the server keeps the rest
    return [
        "wrk",
        "-t1",
        f"-c{concurrency}",
        f"-d{seconds:g}s",
        "--timeout",
        "10s",
        "--latency",
        "-s",
        str(script),
        url,
    ]


def shown(url: str, script: Path, *, seconds: float, concurrency: int) -> str:
    return shlex.join(command(url, script, seconds=seconds, concurrency=concurrency))


def run(url: str, script: Path, *, seconds: float, concurrency: int) -> Posted:
    if shutil.which("wrk") is None:
        raise RuntimeError("these benchmarks need wrk: `scripts/setup dev` installs it")
    output = subprocess.run(
        command(url, script, seconds=seconds, concurrency=concurrency),
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    ).stdout
    return parse(output)


def series(
    pid: int,
    url: str,
    scripts: Sequence[Path],
    *,
    seconds: float,
    concurrency: int,
    tolerate_failures: bool = False,
) -> list[Posted]:
    """One run per script, each printed with the server's CPU time per request; then their summary.

    Rates count successful answers only; a failed answer stops the series unless failures are tolerated.
    """
    results, cpu_ms = [], []
    for number, script in enumerate(scripts, start=1):
        cpu_before = cpu_seconds(pid)
        result = run(url, script, seconds=seconds, concurrency=concurrency)
        cpu_ms.append((cpu_seconds(pid) - cpu_before) * 1e3 / max(result.requests, 1))
        if result.failures and not tolerate_failures:
            raise RuntimeError(f"run {number}: {result.failures} of {result.requests} requests failed")
        results.append(result)
        failed = f", {result.non_2xx} answered non-2xx" if result.non_2xx else ""
        failed += f", {result.socket_errors} socket errors" if result.socket_errors else ""
        print(
            f"  c{concurrency} run {number}: {result.ok_per_second:.0f} req/s, "
            f"latency p50 {result.p50_ms:.2f} ms, p99 {result.p99_ms:.2f} ms, "
            f"server CPU {cpu_ms[-1]:.2f} ms/request ({result.requests} requests{failed})"
        )
    rates = summarise([r.ok_per_second for r in results])
    print(
        f"  c{concurrency}: {rates.line('req/s', digits=0)}; latency median p50 "
        f"{statistics.median(r.p50_ms for r in results):.2f} ms, median p99 "
        f"{statistics.median(r.p99_ms for r in results):.2f} ms; server CPU "
        f"{statistics.median(cpu_ms):.2f} ms/request"
    )
    return results


def parse(output: str) -> Posted:
    failures = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return Posted(
        requests_per_second=float(_find(r"Requests/sec:\s+([\d.]+)", output)),
        p50_ms=_latency_ms(_find(r"\s50%\s+(\S+)", output)),
        p99_ms=_latency_ms(_find(r"\s99%\s+(\S+)", output)),
        requests=int(_find(r"(\d+) requests in", output)),
        non_2xx=int(failures.group(1)) if failures else 0,
        socket_errors=sum(int(n) for n in errors.groups()) if errors else 0,
    )


def _find(pattern: str, output: str) -> str:
    found = re.search(pattern, output)
    if found is None:
        raise RuntimeError(f"unexpected wrk output (no {pattern!r}):\n{output}")
    return found.group(1)


def _latency_ms(value: str) -> float:
    found = re.fullmatch(r"([\d.]+)([a-z]+)", value)
    if found is None:
        raise RuntimeError(f"unexpected wrk latency {value!r}")
    return float(found.group(1)) * _UNITS[found.group(2)]
