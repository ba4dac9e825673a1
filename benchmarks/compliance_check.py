"""`lawful compliance check` with 100,000 people and 1,000 open rights requests (R-125).

The people are seeded as for the other benchmarks (register `people()`); 1,000 open requests are then
inserted in bulk, their due dates spread over the 40 days around today so that some are overdue and some
due soon. The check is timed in this process (`compliance.check`, a fresh session each run, median of
RUNS), then once as the command a company's CI runs (`python -m lawful compliance check --json`), whose
time includes starting Python and importing lawful. The audit chain is verified by each run: it holds
the entries the seeding wrote.

Goal: under 1 s.

Run: .venv/bin/python -m benchmarks.compliance_check [--database sqlite|postgresql] [--smoke]
(--smoke: 300 people, 20 requests, 2 runs.)
"""

import statistics
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, insert

from lawful import clock, compliance, db, dsr, keystore

from .report import header, options
from .seeded import PEOPLE, REGISTER, SMOKE_PEOPLE, describe, seeded

GOAL_SECONDS = 1.0
RUNS = 7


def main() -> None:
    args = options(__doc__ or "")
    count, requests, runs = (SMOKE_PEOPLE, 20, 2) if args.smoke else (PEOPLE, 1_000, RUNS)
    with seeded(args.database, "compliance", count) as item:
        header(f"compliance check, {count:,} people, {requests:,} open requests", args.database, REGISTER)
        describe(item)
        engine = db.make_engine(item.settings.database_url)
        _open_requests(engine, item.population.organisation_id, requests)
        keys = keystore.open_keys(item.settings)
        sessions = db.make_sessionmaker(engine)
        times, found = [], 0
        for _ in range(runs):
            with sessions() as session:
                started = time.perf_counter()
                found = len(compliance.check(session, keys, organisation_id=item.population.organisation_id))
                times.append(time.perf_counter() - started)
                session.commit()  # the audit seals verify wrote
        median = statistics.median(times)
        verdict = "met" if median < GOAL_SECONDS else "missed"
        print(
            f"in process: median {median:.3f} s over {runs} runs, {found} items (goal < {GOAL_SECONDS} s: {verdict})"
        )
        started = time.perf_counter()
        command = [sys.executable, "-m", "lawful", "compliance", "check", "--json"]
        done = subprocess.run(command, env=item.setup.env, capture_output=True, text=True, check=False)
        print(f"command: {time.perf_counter() - started:.2f} s wall, exit {done.returncode}")
        engine.dispose()


def _open_requests(engine: Engine, organisation_id: uuid.UUID, count: int) -> None:
    today = clock.today()
    now = datetime.now(UTC)
    rows = [
        {
            "id": uuid.uuid4(),
            "organisation_id": organisation_id,
            "reference": f"B-{index:06d}",
            "kinds": ["access"],
            "channel": "web_form",
            "language": "en",
            "received_at": now - timedelta(days=20),
            "due_on": today + timedelta(days=index % 40 - 20),
            "extension_months": 0,
            "status": str(dsr.rules.Status.IN_PROGRESS),
            "details": {},
            "outcome": {},
            "registered_by": "benchmarks",
        }
        for index in range(count)
    ]
    with engine.begin() as connection:
        connection.execute(insert(dsr.Request), rows)


if __name__ == "__main__":
    main()
