"""HTTP load at a fixed concurrency: `wrk` when installed, else a thread pool of keep-alive httpx clients."""

import re
import shutil
import statistics
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import httpx

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


@dataclass(frozen=True)
class Load:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    failures: int


def generator() -> str:
    return "wrk" if shutil.which("wrk") else "httpx"


def run(url: str, *, seconds: float, concurrency: int) -> Load:
    if generator() == "wrk":
        return _wrk(url, seconds=seconds, concurrency=concurrency)
    return _httpx(url, seconds=seconds, concurrency=concurrency)


def wrk_command(url: str, *, seconds: float, concurrency: int) -> list[str]:
    # one wrk thread: it needs far less than a core here, and the server is left the other one
    return ["wrk", "-t1", f"-c{concurrency}", f"-d{seconds:g}s", "--timeout", "5s", "--latency", url]


def _wrk(url: str, *, seconds: float, concurrency: int) -> Load:
    command = wrk_command(url, seconds=seconds, concurrency=concurrency)
    output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 30).stdout
    failures = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return Load(
        requests_per_second=float(_find(r"Requests/sec:\s+([\d.]+)", output)),
        p50_ms=_latency_ms(_find(r"\s50%\s+(\S+)", output)),
        p99_ms=_latency_ms(_find(r"\s99%\s+(\S+)", output)),
        requests=int(_find(r"(\d+) requests in", output)),
        failures=(int(failures.group(1)) if failures else 0)
        + (sum(int(n) for n in errors.groups()) if errors else 0),
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


def _httpx(url: str, *, seconds: float, concurrency: int) -> Load:
    start = time.perf_counter()
    deadline = start + seconds
    with ThreadPoolExecutor(concurrency) as pool:
        results = list(pool.map(lambda _: _client_loop(url, deadline), range(concurrency)))
    elapsed = time.perf_counter() - start
    latencies = sorted(ms for ok, _ in results for ms in ok)
    failures = sum(failed for _, failed in results)
    return Load(
        requests_per_second=len(latencies) / elapsed,
        p50_ms=statistics.median(latencies),
        p99_ms=latencies[int(0.99 * (len(latencies) - 1))],
        requests=len(latencies) + failures,
        failures=failures,
    )


def _client_loop(url: str, deadline: float) -> tuple[list[float], int]:
    latencies, failures = [], 0
    with httpx.Client(timeout=5) as client:
        while (sent := time.perf_counter()) < deadline:
            response = client.get(url)
            if response.status_code == 200:
                latencies.append((time.perf_counter() - sent) * 1e3)
            else:
                failures += 1
    return latencies, failures
