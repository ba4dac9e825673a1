"""Intake of new people, with 100,000 already seeded: submissions per second at concurrency 8.

The public form endpoint (POST /api/forms/contact/submissions) lets one client address through 30 times
a minute (`submissions_limit` in intake/routes.py), so a load test from one address measures the limiter.
Instead, two measurements, each 3 runs of 5 s with 8 concurrent submitters and a new address each time:
- in process: `lawful.intake.submit` for the `contact` form, one session and one commit per submission,
  as the route does (every 10th ticks the newsletter box, which adds a consent event);
- over HTTP: the staff API POST /api/subjects (scope subjects:write, no rate limit) against one
  `lawful serve`, which ends in the same `subjects.collect` as the form.
The script also shows the limiter at work: 31 form posts from one address. On SQLite both are measured again
at concurrency 1. Goal: 500 submissions per second on PostgreSQL.

Run: .venv/bin/python -m benchmarks.intake [--database sqlite|postgresql] [--smoke]
(--smoke: 300 people, 1 run of 1 s per measurement.)
"""

import json
import re
import statistics
import subprocess
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from lawful import db, intake, keystore, subjects
from lawful.actor import PUBLIC

from . import posting
from .people import PURPOSE
from .report import header, options, summarise
from .seeded import PEOPLE, REGISTER, SMOKE_PEOPLE, Seeded, answering, describe, seeded

CONCURRENCY = 8
CONSENT_EVERY = 10
LIMIT_PROBES = 31


@dataclass(frozen=True)
class Size:
    people: int
    runs: int
    seconds: float


REAL = Size(PEOPLE, runs=3, seconds=5.0)
SMOKE = Size(SMOKE_PEOPLE, runs=1, seconds=1.0)


def main() -> None:
    args = options(__doc__ or "")
    size = SMOKE if args.smoke else REAL
    # SQLite gets a second pass at concurrency 1: concurrent writers fail there (see in_process)
    concurrencies = (CONCURRENCY, 1) if args.database == "sqlite" else (CONCURRENCY,)
    with seeded(args.database, "intake", size.people) as item:
        header("intake of new people", args.database, REGISTER)
        describe(item)
        for concurrency in concurrencies:
            in_process(item, concurrency, size)
        with answering(item.setup) as server:
            for concurrency in concurrencies:
                over_http(item, server.url, server.process.pid, concurrency, size)
            errors(server.log)
            rate_limit(server.url)
        # the form itself, as visitors reach it through a reverse proxy: each from its own address
        workers = 2 if args.database == "postgresql" else 1
        with answering(item.setup, workers) as server:
            form_over_http(item, server.url, workers, size)
            errors(server.log)


def in_process(item: Seeded, concurrency: int, size: Size) -> None:
    print(
        f"in process: intake.submit(form_key='contact', channel=api) then commit, {concurrency} threads, "
        f"{size.runs} runs of {size.seconds:g} s"
    )
    engine = db.make_engine(item.settings.resolved_database_url())
    sessions = db.make_sessionmaker(engine)
    keys = keystore.open_keys(item.settings)
    rates = []
    for run in range(1, size.runs + 1):
        deadline = time.perf_counter() + size.seconds
        started = time.perf_counter()
        with ThreadPoolExecutor(concurrency) as pool:
            tasks = [
                pool.submit(_submitter, sessions, keys, item, f"c{concurrency}r{run}t{thread}", deadline)
                for thread in range(concurrency)
            ]
            outcomes = [task.result() for task in tasks]
        latencies = [ms for done, _ in outcomes for ms in done]
        failed = sum(count for _, count in outcomes)
        rates.append(len(latencies) / (time.perf_counter() - started))
        print(
            f"  c{concurrency} run {run}: {rates[-1]:.0f} submissions/s, latency p50 "
            f"{statistics.median(latencies):.2f} ms ({len(latencies)} submissions"
            + (f", {failed} FAILED: database is locked)" if failed else ")")
        )
    print(f"  c{concurrency}: {summarise(rates).line('submissions/s', digits=0)}")
    engine.dispose()


def _submitter(
    sessions: sessionmaker[Session], keys: keystore.Keys, item: Seeded, tag: str, deadline: float
) -> tuple[list[float], int]:
    """Submit until the deadline; SQLite refuses some concurrent writers at once (not after its timeout).

    Its transactions begin deferred: one that has read and then writes after another writer committed
    gets SQLITE_BUSY ("database is locked") without waiting, so that submission is lost and counted.
    """
    latencies, failed, count = [], 0, 0
    while (started := time.perf_counter()) < deadline:
        count += 1
        with sessions() as session:
            try:
                intake.submit(
                    session,
                    PUBLIC,
                    keys,
                    organisation_id=item.population.organisation_id,
                    form_key="contact",
                    fields={
                        "name": f"New Person {tag}-{count}",
                        "email": f"new-{tag}-{count}@example.test",
                        "message": "Please call me back about your offer.",
                    },
                    marketing_consent=count % CONSENT_EVERY == 0,
                    language="en",
                    channel=subjects.Channel.API,
                )
                session.commit()
            except OperationalError:
                failed += 1
                continue
        latencies.append((time.perf_counter() - started) * 1e3)
    return latencies, failed


def over_http(item: Seeded, base_url: str, pid: int, concurrency: int, size: Size) -> None:
    url = f"{base_url}/api/subjects"
    before = _count(item)
    scripts = []
    for run in range(1, size.runs + 1):
        template = json.dumps(
            {
                "subject_category": "prospect",
                "email": f"staff-c{concurrency}r{run}-{uuid.uuid4().hex[:6]}-%d@example.test",
                "values": {"user.name": "New Person", "user.content.private": "Called about the offer."},
                "collection": {"activity": PURPOSE, "channel": "phone"},
            }
        )
        scripts.append(
            posting.fresh_script(
                item.setup.data_dir / f"intake-c{concurrency}r{run}.lua",
                token=item.population.token,
                template=template,
            )
        )
    print(f"over HTTP: {posting.shown(url, scripts[0], seconds=size.seconds, concurrency=concurrency)}")
    print(f"  body, with %d counting up and a prefix of its own per run: {template}")
    results = posting.series(
        pid, url, scripts, seconds=size.seconds, concurrency=concurrency, tolerate_failures=True
    )
    created = _count(item) - before
    answered = sum(r.requests - r.non_2xx for r in results)
    print(f"  {created:,} people created for {answered:,} successful answers")


FORM_LUA = (
    posting.THREAD_SETUP
    + """
function init(args)
  n = 0
  created, refused, other = 0, 0, 0
  tag = args[1]
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end
function request()
  n = n + 1
  wrk.headers["X-Forwarded-For"] = string.format("10.%d.%d.%d", id, math.floor(n / 256) % 256, n % 256)
  local body = string.format(TEMPLATE, tag, id, n)
  return wrk.format(nil, nil, nil, body)
end
"""
    + posting.STATUS_COUNTING
)
# 64 visitors at once: each answer leaves no sooner than lawful.pace's floor (40 ms), so a closed loop of
# N connections cannot pass N / 0.04 s whatever the server does (16 connections: 400/s); many visitors
# each wait the floor in parallel, which costs the server nothing
FORM_THREADS, FORM_CONNECTIONS = 2, 64


def form_over_http(item: Seeded, base_url: str, workers: int, size: Size) -> None:
    """POST /api/forms/contact/submissions, one new person per request, each from its own address."""
    fields = {"name": "New Person", "email": "form-%s-%d-%d@example.test", "message": CONTACT_MESSAGE}
    form = PublicForm("form", "contact", fields)
    before = _count(item)
    rates = [form.run(item, base_url, run, size.seconds, workers) for run in range(1, size.runs + 1)]
    print(f"  form: {summarise(rates).line('submissions/s', digits=0)}; goal 500/s")
    print(f"  {_count(item) - before:,} people created")


CONTACT_MESSAGE = "Please call me back about your offer."


@dataclass(frozen=True)
class PublicForm:
    """One public form driven by wrk: `fields` holds the address template (run tag, wrk thread, counter)."""

    name: str  # the label of its printed lines
    key: str
    fields: dict[str, str]

    def run(self, item: Seeded, base_url: str, run: int, seconds: float, workers: int) -> float:
        """One wrk run of `seconds`; prints its line and returns the people created per second."""
        url = f"{base_url}/api/forms/{self.key}/submissions"
        template = json.dumps({"fields": self.fields, "language": "en"})
        script = item.setup.data_dir / f"form-{self.key}.lua"
        script.write_text(f"TEMPLATE = [==[{template}]==]\n{FORM_LUA}", encoding="utf-8")
        command = [
            "wrk",
            f"-t{FORM_THREADS}",
            f"-c{FORM_CONNECTIONS}",
            f"-d{seconds:g}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            url,
            "--",
            f"r{run}-{uuid.uuid4().hex[:6]}",
        ]
        if run == 1:
            print(f"{self.name} over HTTP ({workers} server process(es)): $ {' '.join(command)}")
            print(f"  body, with a run tag, the wrk thread and a counter in the address: {template}")
        result = subprocess.run(command, capture_output=True, text=True, check=True)
        line = next(x for x in result.stdout.splitlines() if x.startswith("STATUSES"))
        created, refused, other, elapsed, p50 = line.split()[1:]
        rate = int(created) / float(elapsed)
        print(
            f"  {self.name} run {run}: {rate:.0f} submissions/s (201: {created}, 429: {refused}, "
            f"other: {other}), latency p50 {float(p50):.1f} ms"
        )
        return rate


def errors(log: Path) -> None:
    """The exceptions behind the failed answers, as `lawful serve` logged them (last line of each)."""
    found: dict[str, int] = {}
    for line in log.read_text(errors="replace").splitlines():
        if re.match(r"^[\w.]+(Error|Exception): ", line):
            found[line[:160]] = found.get(line[:160], 0) + 1
    for line, count in found.items():
        print(f"server log: {count} x {line}")


def rate_limit(base_url: str) -> None:
    url = f"{base_url}/api/forms/contact/submissions"
    statuses = []
    with httpx.Client(timeout=30) as client:
        for number in range(LIMIT_PROBES):
            fields = {"name": "Probe", "email": f"probe-{number}@example.test", "message": "Hello"}
            statuses.append(client.post(url, json={"fields": fields}).status_code)
    counted = {status: statuses.count(status) for status in sorted(set(statuses))}
    print(f"public form from one address: {LIMIT_PROBES} posts answered {counted}")


def _count(item: Seeded) -> int:
    engine = db.make_engine(item.settings.resolved_database_url())
    with Session(engine) as session:
        total = subjects.count(session, organisation_id=item.population.organisation_id)
    engine.dispose()
    return total


if __name__ == "__main__":
    main()
