"""Cookie-banner consent events recorded per second: POST /api/banner/consents, and the same path in process.

The installation is `lawful demo` with examples/crms.yaml (benchmarks.environment): its trackers include
the optional category "analytics" (the `people()` register of tests/registers.py has only a strictly
necessary cookie, so no choice could be recorded with it). Each event is a new visitor's choice
{"analytics": true} in French, with the inventory version from GET /api/banner/config.

Over HTTP, with wrk (2 threads, 32 connections, 15 s per run) against `lawful serve --workers 2` on
PostgreSQL (`--workers` is PostgreSQL only; SQLite gets one process). A Lua `response` callback counts
the answers by status, and only 201s are counted as events. The endpoint has an in-process brake,
`choices_limit`: 120 choices per minute per client address and process. Two runs:
  - "one address": every request comes from 127.0.0.1, as wrk sends it; nearly everything is refused
    with 429 by design, and the 201 rate shows the brake, not the capacity;
  - "many visitors": each request carries its own X-Forwarded-For address (10.t.x.y), as a reverse proxy
    in front of lawful would send it; lawful believes it because 127.0.0.1 is its default trusted proxy.
    This is the capacity over HTTP with the brake in place for each visitor.
In process: `banner.config` + `banner.record` + commit, one session per event, in 4 threads for 15 s,
which is the route's work without HTTP, FastAPI or the brake.

Goal (PostgreSQL, two server processes): at least 1,000 events per second.

Run: .venv/bin/python -m benchmarks.consent_events [--database sqlite|postgresql] [--smoke]
(--smoke: 1 s in process with 2 threads, and wrk for 1 s with 4 connections.)
"""

import json
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import httpx
from pydantic import SecretStr
from sqlalchemy.orm import Session

from lawful import db, processing
from lawful.actor import Actor, ActorKind
from lawful.config import Settings
from lawful.consent import banner

from . import posting
from .environment import Installation, installation
from .report import header, options
from .server import Server, postgres_cpu_seconds, serving, tree_cpu_seconds, wait_for_privacy

SECONDS, THREADS, CONNECTIONS = 15, 4, 32
SMOKE_SECONDS, SMOKE_THREADS, SMOKE_CONNECTIONS = 1, 2, 4
GOAL = 1000.0
FIDES = 30.0
LUA = (
    posting.THREAD_SETUP
    + """
function init(args)
  spread = args[1] == "spread"
  n = 0
  created, refused, other = 0, 0, 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.body = BODY
end
function request()
  if spread then
    n = n + 1
    wrk.headers["X-Forwarded-For"] = string.format("10.%d.%d.%d", id, math.floor(n / 256) % 256, n % 256)
  end
  return wrk.format()
end
"""
    + posting.STATUS_COUNTING
)


def main() -> None:
    args = options(__doc__ or "")
    seconds, threads, connections = (
        (SMOKE_SECONDS, SMOKE_THREADS, SMOKE_CONNECTIONS) if args.smoke else (SECONDS, THREADS, CONNECTIONS)
    )
    wrk = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    with installation(args.database, "consent_events") as setup:
        header("cookie-banner consent events per second", args.database, setup.register)
        workers = 2 if args.database == "postgresql" else 1
        in_process(setup, seconds, threads)
        with serving(setup, workers) as server:
            wait_for_privacy(server)
            body = _body(server.url)
            print(f"body: {json.dumps(body)}")
            for mode in ("one-address", "spread"):
                over_http(server, body, mode, workers, wrk)


def _settings(setup: Installation) -> Settings:
    return Settings(
        data_dir=setup.data_dir,
        database_url=setup.env["LAWFUL_DATABASE_URL"],
        master_key=SecretStr(setup.env["LAWFUL_MASTER_KEY"]),
    )


def in_process(setup: Installation, seconds: int, threads: int) -> None:
    settings = _settings(setup)
    engine = db.make_engine(settings.resolved_database_url())
    sessions = db.make_sessionmaker(engine)
    actor = Actor(ActorKind.PUBLIC, label="banner")
    with sessions() as session:
        org = processing.get_organisation(session, slug=settings.organisation).id
    counts = [0] * threads
    errors: list[BaseException] = []
    deadline = time.perf_counter() + seconds

    def work(slot: int) -> None:
        try:
            while time.perf_counter() < deadline:
                with sessions() as session:
                    _record(session, settings, org, actor)
                counts[slot] += 1
        except BaseException as error:  # reported below, not swallowed
            errors.append(error)

    print(
        f"in process: banner.config + banner.record + commit, one session per event, "
        f"{threads} threads, {seconds} s"
    )
    started = time.perf_counter()
    pool = [threading.Thread(target=work, args=(slot,)) for slot in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise errors[0]
    rate = sum(counts) / elapsed
    print(f"  in process: {sum(counts):,} events in {elapsed:.1f} s = {rate:,.0f} events/s")
    engine.dispose()


def _record(session: Session, settings: Settings, org: object, actor: Actor) -> None:
    config = banner.config(
        session,
        organisation_id=org,  # type: ignore[arg-type]
        lang="fr",
        base_url=settings.base_url,
        lifetime_days=settings.banner_lifetime_days,
    )
    banner.record(
        session,
        actor,
        config,
        consent_id=None,
        choices={"analytics": True},
        gpc=False,
        client="203.0.113.7",
        shown_version=config.version,
    )
    session.commit()


def _body(base_url: str) -> dict[str, object]:
    config = httpx.get(f"{base_url}/api/banner/config", headers={"Accept-Language": "fr"}).json()
    optional = [c["key"] for c in config["categories"] if not c["required"]]
    if "analytics" not in optional:
        raise RuntimeError(f"no optional analytics category in the banner: {optional}")
    return {
        "consent_id": None,
        "choices": {"analytics": True},
        "language": "fr",
        "version": config["version"],
        "gpc": False,
    }


def over_http(server: Server, body: dict[str, object], mode: str, workers: int, wrk: list[str]) -> None:
    """wrk against the server; also the CPU the server processes and PostgreSQL used per recorded event."""
    base_url = server.url
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "consents.lua"
        script.write_text(f"BODY = {json.dumps(json.dumps(body))}\n{LUA}", encoding="utf-8")
        command = [*wrk, "-s", str(script), f"{base_url}/api/banner/consents", "--", mode]
        print(f"over HTTP ({mode}, {workers} server process(es)): $ {' '.join(command)}")
        server_before, pg_before = tree_cpu_seconds(server.process.pid), postgres_cpu_seconds()
        result = subprocess.run(command, capture_output=True, text=True, check=True)
        server_cpu = tree_cpu_seconds(server.process.pid) - server_before
        pg_cpu = postgres_cpu_seconds() - pg_before
    summary = [line for line in result.stdout.splitlines() if line.startswith("STATUSES")]
    created, refused, other, seconds, _ = summary[-1].split()[1:]
    rate = int(created) / float(seconds)
    for line in result.stdout.splitlines():
        if line.strip().startswith(("Latency", "50%", "99%", "Requests/sec")):
            print(f"  wrk: {line.strip()}")
    verdict = "met" if rate >= GOAL else "missed"
    print(
        f"  {mode}: {int(created):,} recorded (201), {int(refused):,} refused (429), {int(other):,} other, "
        f"in {float(seconds):.1f} s = {rate:,.0f} events/s recorded "
        f"(goal {GOAL:,.0f}/s: {verdict}; {rate / FIDES:.0f}x Fides' {FIDES:.0f}/s)"
    )
    answered = int(created) + int(refused) + int(other)
    print(
        f"  CPU per answer: lawful {server_cpu * 1e3 / max(answered, 1):.2f} ms, "
        f"PostgreSQL {pg_cpu * 1e3 / max(answered, 1):.2f} ms"
    )


if __name__ == "__main__":
    main()
