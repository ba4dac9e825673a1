"""Every benchmark in benchmarks/ still runs: each one at its `--smoke` size, as a subprocess, on the
database of this test run (SQLite, or PostgreSQL when LAWFUL_TEST_DATABASE_URL is set).

A smoke run seeds a few hundred people instead of 100,000, runs wrk for 1 s and skips cProfile, but goes
through the same code end to end; its figures mean nothing. The test asserts that the script exited with 0
and printed its result line. Smoke durations measured on the 2-core machine are noted per benchmark.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "postgresql" if os.environ.get("LAWFUL_TEST_DATABASE_URL") else "sqlite"
TIMEOUT_SECONDS = 300
WRK_MISSING = "benchmarks.{} needs wrk, which is not installed: `scripts/setup dev` installs it"

# name: the line that carries its figures. Seconds: its smoke run on SQLite / PostgreSQL (2 cores, load 5–9;
# the module took 3 min on SQLite, 4½ min on PostgreSQL).
RESULTS = {
    "compliance_check": r"^in process: median [\d.]+ s",
    "audience": r"^  customer_offers: median [\d.]+ s",  # 7 / 15 s
    "campaign_delivery": r"^  re-check on: delivery [\d,]+ messages/s, re-check [\d.]+ ms per message",
    "breach_scope": r"^  letters delivered: [\d,]+ in [\d.]+ s: [\d,]+ messages/s",  # 6 / 16 s
    "banner": r"^warm \(reloads, no choice made\): banner visible median \d+ ms",  # 28 / 29 s, Chromium
    "client_intake": r"^  client form: median \d+ submissions/s",  # 12 / 24 s
    "cold_start": r"^cold start: median [\d.]+ s",  # 19 / 33 s with two starts; one since
    "consent_events": r"^  spread: [\d,]+ recorded .* events/s recorded",  # 17 / 28 s
    "datastore_retention": r"^  run: [\d,]+ rows ended in [\d.]+ s: [\d,]+ rows/s",  # 7 / 24 s
    "decisions_batch": r"^  over HTTP: [\d,]+ people/s",  # 8 / 15 s
    "decisions_profile": r"^GET /healthz .* req/s",  # 11 / 15 s
    "decisions_single": r"^  c8: median \d+ req/s",  # 13 / 18 s
    "import_time": r"^import lawful\.app: median \d+ ms",  # 7 s, SQLite only
    "intake": r"^  form: median \d+ submissions/s",  # 22 / 37 s
    "intake_profile": r"^ +[\d.]+  intake\.submit$",  # 6 / 15 s
    "memory": r"^after \d+ requests: median [\d.]+ MiB",  # 14 / 24 s
    "privacy_throughput": r"^throughput: median \d+ req/s",  # 11 / 16 s
    "public_pages": r"^  /rights\?lang=fr: p50 [\d.]+ ms",
    "rights": r"^  \d+ requests in [\d.]+ s from the start line: [\d.]+ requests/s",  # 13 / 19 s
    "retention": r"^run: [\d,]+ deletions in [\d.]+ s: [\d,]+ deletions/s",  # 9 / 12 s
}
NEEDS_WRK = {"client_intake", "consent_events", "decisions_single", "intake"}
# import_time measures `import lawful.app` and touches no database: run once, on SQLite
NO_DATABASE = {"import_time"}


def test_every_benchmark_script_is_smoke_tested() -> None:
    """A script is a module of benchmarks/ that runs as __main__; the others are its libraries."""
    scripts = {
        path.stem
        for path in (ROOT / "benchmarks").glob("*.py")
        if 'if __name__ == "__main__":' in path.read_text(encoding="utf-8")
    }
    assert scripts == set(RESULTS)


@pytest.mark.parametrize("name", sorted(RESULTS))
def test_the_benchmark_runs_at_its_smoke_size(name: str) -> None:
    if name in NO_DATABASE and DATABASE != "sqlite":
        pytest.skip(f"benchmarks.{name} touches no database: it runs once, with the SQLite suite")
    if name in NEEDS_WRK and shutil.which("wrk") is None:
        pytest.fail(WRK_MISSING.format(name))
    command = [sys.executable, "-m", f"benchmarks.{name}", "--smoke"]
    if name not in NO_DATABASE:
        command += ["--database", DATABASE]
    code, output = _run(command)
    assert code == 0, f"$ {' '.join(command)} exited with {code}:\n{output[-6000:]}"
    assert re.search(RESULTS[name], output, flags=re.MULTILINE), f"no result line in:\n{output[-6000:]}"


def _run(command: list[str]) -> tuple[int, str]:
    """Run from the checkout with its code first on the path; on timeout, stop the benchmark and the
    servers it started (its whole process group) and fail with what it printed."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("LAWFUL_")}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), str(ROOT)])
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        pytest.fail(f"$ {' '.join(command)} took more than {TIMEOUT_SECONDS} s:\n{output[-6000:]}")
    return process.returncode, output
