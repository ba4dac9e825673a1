"""Batch decisions for 100,000 people: `decide_many` in this process, and POST /api/decisions/batch.

In process: `lawful.decisions.decide_many` over every subject id for `request_followup`, 3 runs, each in
a fresh session. Over HTTP: 5 calls with 10,000 subject_id refs each (the first 50,000 people), against
one `lawful serve` process; 5 calls rather than 10 keep the script near two minutes.
Goal: at least 50,000 people per second.

Run: .venv/bin/python -m benchmarks.decisions_batch [--database sqlite|postgresql] [--smoke]
(--smoke: 300 people, 1 run in process, 2 calls of 100 refs over HTTP.)
"""

import statistics
import time
import uuid
from dataclasses import dataclass

import httpx
from sqlalchemy.orm import Session

from lawful import db, decisions

from .people import PURPOSE
from .report import header, options, summarise
from .seeded import PEOPLE, REGISTER, SMOKE_PEOPLE, Seeded, answering, describe, seeded


@dataclass(frozen=True)
class Size:
    people: int
    runs: int
    per_call: int
    calls: int


REAL = Size(PEOPLE, runs=3, per_call=10_000, calls=5)
SMOKE = Size(SMOKE_PEOPLE, runs=1, per_call=100, calls=2)


def main() -> None:
    args = options(__doc__ or "")
    size = SMOKE if args.smoke else REAL
    with seeded(args.database, "decisions_batch", size.people) as item:
        header(f"batch decisions, {size.people:,} people", args.database, REGISTER)
        describe(item)
        in_process(item, size)
        with answering(item.setup) as server:
            over_http(item, server.url, size)


def in_process(item: Seeded, size: Size) -> None:
    population = item.population
    ids, org = population.subject_ids, population.organisation_id
    print(f"in process: decisions.decide_many(db, purpose={PURPOSE!r}, subject_ids=<{len(ids):,} ids>)")
    engine = db.make_engine(item.settings.resolved_database_url())
    rates = []
    for run in range(1, size.runs + 1):
        with Session(engine) as session:
            started = time.perf_counter()
            decided = decisions.decide_many(session, organisation_id=org, purpose=PURPOSE, subject_ids=ids)
            seconds = time.perf_counter() - started
        allowed = sum(d.allow for d in decided.values())
        rates.append(len(ids) / seconds)
        print(
            f"  run {run}: {seconds:.2f} s, {rates[-1]:,.0f} people/s "
            f"({allowed:,} allowed, {len(decided) - allowed:,} denied)"
        )
    print(f"  in process: {summarise(rates).line('people/s', digits=0)}")
    engine.dispose()


def over_http(item: Seeded, base_url: str, size: Size) -> None:
    population = item.population
    url = f"{base_url}/api/decisions/batch"
    print(f"over HTTP: POST {url}, {size.per_call:,} subject_id refs per call, one keep-alive connection")
    headers = {"Authorization": f"Bearer {population.token}"}
    seconds, allowed = [], 0
    with httpx.Client(headers=headers, timeout=600) as client:
        chunks = _chunks(population.subject_ids, size.per_call)[: size.calls]
        client.post(url, json=_body(chunks[0][:100])).raise_for_status()  # warm-up, untimed
        for number, chunk in enumerate(chunks, start=1):
            started = time.perf_counter()
            response = client.post(url, json=_body(chunk))
            seconds.append(time.perf_counter() - started)
            response.raise_for_status()
            answer = response.json()
            allowed += answer["allowed"]
            print(
                f"  call {number}: {seconds[-1]:.2f} s, {len(chunk) / seconds[-1]:,.0f} people/s "
                f"({answer['allowed']:,} allowed, {answer['denied']:,} denied)"
            )
    total = sum(len(chunk) for chunk in chunks)
    print(
        f"  over HTTP: {total / sum(seconds):,.0f} people/s over {total:,} people "
        f"({allowed:,} allowed); per call median {statistics.median(seconds):.2f} s, "
        f"{summarise([size.per_call / s for s in seconds]).line('people/s', digits=0)}"
    )


def _chunks(ids: list[uuid.UUID], per_call: int) -> list[list[uuid.UUID]]:
    return [ids[start : start + per_call] for start in range(0, len(ids), per_call)]


def _body(ids: list[uuid.UUID]) -> dict[str, object]:
    return {"subjects": [{"subject_id": str(i)} for i in ids], "purpose": PURPOSE}


if __name__ == "__main__":
    main()
