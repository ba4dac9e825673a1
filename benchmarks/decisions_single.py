"""Single decisions over HTTP: POST /api/decisions against one `lawful serve`, with 100,000 people seeded.

Each request names a known person by email and asks for `request_followup`; the bodies rotate among 500
people drawn at random. Latency is measured with 1 connection, throughput with 8 (3 runs of 5 s each).
Goal: median under 3 ms, and at least 1,000 decisions per second per process on PostgreSQL.

Run: .venv/bin/python -m benchmarks.decisions_single [--database sqlite|postgresql]
"""

import json
import random

import httpx

from . import posting
from .people import PURPOSE
from .report import header, options
from .seeded import REGISTER, answering, describe, seeded

BODIES = 500
RUNS = 3
SECONDS = 5.0
WARM_UP_SECONDS = 2.0
CONCURRENCIES = (1, 8)


def main() -> None:
    args = options(__doc__ or "")
    with seeded(args.database, "decisions") as item:
        header("single decisions over HTTP, one `lawful serve` process", args.database, REGISTER)
        describe(item)
        population = item.population
        picked = random.Random(2).sample(range(len(population.emails)), BODIES)
        bodies = [
            json.dumps({"subject": {"email": population.emails[i]}, "purpose": PURPOSE}) for i in picked
        ]
        denied = sum(population.restricted_at(i) for i in picked)
        print(f"bodies: {BODIES} people at random ({denied} of them restricted, so denied)")
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
                print(f"load: {posting.shown(url, script, seconds=SECONDS, concurrency=concurrency)}")
            posting.run(url, script, seconds=WARM_UP_SECONDS, concurrency=max(CONCURRENCIES))
            for concurrency in CONCURRENCIES:
                posting.series(
                    server.process.pid, url, [script] * RUNS, seconds=SECONDS, concurrency=concurrency
                )


if __name__ == "__main__":
    main()
