"""Single decisions over HTTP: POST /api/decisions against one `lawful serve`, with 100,000 people seeded.

Each request names a known person by email and asks for `request_followup`; the bodies rotate among 500
people drawn at random. Latency is measured with 1 connection, throughput with 8 (3 runs of 5 s each).
Goal: median under 3 ms, and at least 1,000 decisions per second per process on PostgreSQL.

Run: .venv/bin/python -m benchmarks.decisions_single [--database sqlite|postgresql] [--smoke]
(--smoke: 300 people, 50 bodies, 1 run of 1 s per concurrency.)
"""

import json
import random
from dataclasses import dataclass

import httpx

from . import posting
from .people import PURPOSE
from .report import header, options
from .seeded import PEOPLE, REGISTER, SMOKE_PEOPLE, answering, describe, seeded

CONCURRENCIES = (1, 8)


@dataclass(frozen=True)
class Size:
    people: int
    bodies: int
    runs: int
    seconds: float
    warm_up_seconds: float


REAL = Size(PEOPLE, bodies=500, runs=3, seconds=5.0, warm_up_seconds=2.0)
SMOKE = Size(SMOKE_PEOPLE, bodies=50, runs=1, seconds=1.0, warm_up_seconds=1.0)


def main() -> None:
    args = options(__doc__ or "")
    size = SMOKE if args.smoke else REAL
    with seeded(args.database, "decisions", size.people) as item:
        header("single decisions over HTTP, one `lawful serve` process", args.database, REGISTER)
        describe(item)
        population = item.population
        picked = random.Random(2).sample(range(len(population.emails)), size.bodies)
        bodies = [
            json.dumps({"subject": {"email": population.emails[i]}, "purpose": PURPOSE}) for i in picked
        ]
        denied = sum(population.restricted_at(i) for i in picked)
        print(f"bodies: {size.bodies} people at random ({denied} of them restricted, so denied)")
        script = posting.rotating_script(
            item.setup.data_dir / "decisions.lua", token=population.token, bodies=bodies
        )
        with answering(item.setup) as server:
            url = f"{server.url}/api/decisions"
            headers = {"Authorization": f"Bearer {population.token}", "Content-Type": "application/json"}
            answer = httpx.post(url, content=bodies[0], headers=headers)
            if answer.status_code != 200:
                raise RuntimeError(f"POST /api/decisions answered {answer.status_code}: {answer.text}")
            print(f"one answer: {answer.status_code} {answer.text}")
            for concurrency in CONCURRENCIES:
                print(f"load: {posting.shown(url, script, seconds=size.seconds, concurrency=concurrency)}")
            posting.run(url, script, seconds=size.warm_up_seconds, concurrency=max(CONCURRENCIES))
            for concurrency in CONCURRENCIES:
                posting.series(
                    server.process.pid,
                    url,
                    [script] * size.runs,
                    seconds=size.seconds,
                    concurrency=concurrency,
                )


if __name__ == "__main__":
    main()
