"""Where the time of a decision goes: SQL statements per request, their time, and the Python around them.

With 100,000 people seeded: (1) the statements each API call runs, counted through the real app in this
process; (2) the steps of one decision, timed one by one as the route calls them; (3) `decide_many` over
everyone under cProfile; (4) the floor of the HTTP stack, GET /healthz against `lawful serve`.

Run: .venv/bin/python -m benchmarks.decisions_profile [--database sqlite|postgresql] [--smoke]
(--smoke: 300 people, 20 requests and 20 steps, batches of 100, decide_many without cProfile, 1 s of /healthz.)
"""

import cProfile
import io
import pstats
import random
import time
from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from lawful import consent, db, decisions, keystore, staff, subjects
from lawful.app import create_app

from . import load
from .people import PURPOSE, Population
from .report import header, options
from .seeded import PEOPLE, REGISTER, SMOKE_PEOPLE, Seeded, answering, describe, seeded
from .server import cpu_seconds
from .statements import Statements


@dataclass(frozen=True)
class Size:
    people: int
    single: int  # POST /api/decisions calls counted
    steps: int  # decisions timed step by step
    batch: int  # subject_id refs in the counted POST /api/decisions/batch
    floor_seconds: float
    profile: bool


REAL = Size(PEOPLE, single=300, steps=500, batch=10_000, floor_seconds=3.0, profile=True)
SMOKE = Size(SMOKE_PEOPLE, single=20, steps=20, batch=100, floor_seconds=1.0, profile=False)


def main() -> None:
    args = options(__doc__ or "")
    size = SMOKE if args.smoke else REAL
    with seeded(args.database, "profile", size.people) as item:
        header("where the time of a decision goes", args.database, REGISTER)
        describe(item)
        statements_per_call(item, size)
        steps(item, size.steps)
        batch(item, size.profile)
        with answering(item.setup) as server:
            floor(server.url, server.process.pid, size.floor_seconds)


def statements_per_call(item: Seeded, size: Size) -> None:
    app = create_app(item.settings)
    population = item.population
    counted = Statements(app.state.engine, app.state.keys.store.engine)
    headers = {"Authorization": f"Bearer {population.token}"}
    with TestClient(app) as client:
        client.post("/api/decisions", json=_ask(population.emails[2]), headers=headers).raise_for_status()
        counted.reset()
        for index in random.Random(3).sample(range(len(population.emails)), size.single):
            client.post("/api/decisions", json=_ask(population.emails[index]), headers=headers)
        counted.show(f"POST /api/decisions, per request (mean of {size.single})", per=size.single)
        refs = [{"subject_id": str(sid)} for sid in population.subject_ids[: size.batch]]
        counted.reset()
        client.post("/api/decisions/batch", json={"subjects": refs, "purpose": PURPOSE}, headers=headers)
        counted.show(f"POST /api/decisions/batch with {len(refs):,} subject_id refs, one call", per=1)
    app.state.engine.dispose()


def _ask(email: str) -> dict[str, Any]:
    return {"subject": {"email": email}, "purpose": PURPOSE}


def steps(item: Seeded, count: int) -> None:
    """The calls of POST /api/decisions in the route's order, each timed, one session per request."""
    population, org = item.population, item.population.organisation_id
    engine = db.make_engine(item.settings.resolved_database_url())
    keys = keystore.open_keys(item.settings)
    sessions = db.make_sessionmaker(engine)
    email = subjects.IdentityKind.EMAIL
    spent: dict[str, float] = {}
    counted = Statements(engine)
    picked = random.Random(4).sample(range(len(population.emails)), count)
    for index in picked:
        address, sid = population.emails[index], population.subject_ids[index]
        with _Timed(spent, "open a session"):
            session = sessions()
        with _Timed(spent, "auth: staff.actor_for_api_key"):
            staff.actor_for_api_key(session, token=population.token)
        with _Timed(spent, "resolve: subjects.normalise (email_validator)"):
            subjects.normalise(email, address)
        with _Timed(spent, "resolve: decisions.find_subject (includes the normalise)"):
            decisions.find_subject(session, keys, organisation_id=org, kind=email, value=address)
        with _Timed(spent, "decide: decisions.decide, in all"):
            decisions.decide(session, organisation_id=org, purpose=PURPOSE, subject_id=sid)
        with _Timed(spent, "  of which purpose_of (register version row)"):
            decisions.purpose_of(session, organisation_id=org, purpose=PURPOSE)
        with _Timed(spent, "  of which subjects.facts (6 queries)"):
            subjects.facts(session, organisation_id=org, subject_ids=[sid])
        with _Timed(spent, "  of which consent.states"):
            consent.states(session, organisation_id=org, subject_ids=[sid], purpose=PURPOSE)
        with _Timed(spent, "close the session"):
            session.close()
    print(f"steps of one decision, in this process (mean of {count}, microseconds):")
    for step, seconds in spent.items():
        print(f"  {seconds / count * 1e6:8.0f}  {step}")
    counted.show("the same steps: statements per request (decide's queries run twice)", per=count)
    engine.dispose()


class _Timed:
    def __init__(self, spent: dict[str, float], step: str) -> None:
        self.spent, self.step = spent, step

    def __enter__(self) -> None:
        self.started = time.perf_counter()

    def __exit__(self, *_: object) -> None:
        self.spent[self.step] = self.spent.get(self.step, 0.0) + time.perf_counter() - self.started


def batch(item: Seeded, profile: bool) -> None:
    population = item.population
    engine = db.make_engine(item.settings.resolved_database_url())
    if profile:
        counted = Statements(engine)
        with Session(engine) as session:
            profiler = cProfile.Profile()
            started = time.perf_counter()
            profiler.runcall(_decide_everyone, session, population)
            seconds = time.perf_counter() - started
        print(f"decide_many over {len(population.subject_ids):,} people under cProfile: {seconds:.2f} s")
        counted.show("its statements", per=1)
        top(profiler, "tottime", 18)
        top(profiler, "cumulative", 12, only="lawful/")
    _timed_run(engine, population, "without cProfile")
    if engine.dialect.name == "sqlite":
        # lawful never runs ANALYZE, so SQLite's planner picks the organisation index for `id IN (...)`
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))
        _timed_run(engine, population, "after ANALYZE, which lawful never runs")
    engine.dispose()


def _timed_run(engine: Engine, population: Population, label: str) -> None:
    with Session(engine) as session:
        started = time.perf_counter()
        _decide_everyone(session, population)
        seconds = time.perf_counter() - started
    rate = len(population.subject_ids) / seconds
    print(f"decide_many over everyone, {label}: {seconds:.2f} s, {rate:,.0f} people/s")


def _decide_everyone(session: Session, population: Population) -> None:
    decisions.decide_many(
        session,
        organisation_id=population.organisation_id,
        purpose=PURPOSE,
        subject_ids=population.subject_ids,
    )


def top(profiler: cProfile.Profile, order: str, lines: int, only: str | None = None) -> None:
    """The profile's first `lines` functions by `order`; with `only`, those whose file path contains it."""
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats(order)
    stats.print_stats(*([only] if only else []), lines)
    table = out.getvalue().split("   ncalls", 1)[1]
    shown = f" in {only}" if only else ""
    print(f"  top {lines} functions{shown} by {order}:\n     ncalls" + table.rstrip())


def floor(base_url: str, pid: int, seconds: float) -> None:
    """What the HTTP stack costs on its own: GET /healthz, one connection."""
    before = cpu_seconds(pid)
    result = load.run(f"{base_url}/healthz", seconds=seconds, concurrency=1)
    cpu_ms = (cpu_seconds(pid) - before) * 1e3 / result.requests
    print(
        f"GET /healthz ({load.generator()}, 1 connection, {seconds:g} s): {result.requests_per_second:.0f} req/s, "
        f"p50 {result.p50_ms:.2f} ms, server CPU {cpu_ms:.2f} ms/request"
    )


if __name__ == "__main__":
    main()
