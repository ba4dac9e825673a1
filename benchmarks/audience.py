"""Audience build for 100,000 people: `lawful.marketing.build` in this process, people per second.

The people are seeded by benchmarks.seeded (register tests/registers.py people()): about 10 % consented
to the newsletter, about 1 % are restricted, and every person is in the "prospect" category only. The
audience for "newsletter" is built 3 times, each in a fresh session; "customer_offers" (soft opt-in for
customers) is built too, although no seeded person is a customer, so it reaches nobody: its figure is
the cost of deciding and excluding everyone, not of a real customer audience.

Run: .venv/bin/python -m benchmarks.audience [--database sqlite|postgresql] [--smoke]
(--smoke: 300 people, 1 run per purpose.)
"""

import time

from sqlalchemy.orm import Session

from lawful import db, keystore, marketing

from .report import header, options, summarise
from .seeded import PEOPLE, REGISTER, SMOKE_PEOPLE, Seeded, describe, seeded

RUNS = 3
PURPOSES = ("newsletter", "customer_offers")


def main() -> None:
    args = options(__doc__ or "")
    people, runs = (SMOKE_PEOPLE, 1) if args.smoke else (PEOPLE, RUNS)
    with seeded(args.database, "audience", people) as item:
        header(f"audience build, {people:,} people", args.database, REGISTER)
        describe(item)
        for purpose in PURPOSES:
            in_process(item, purpose, runs)


def in_process(item: Seeded, purpose: str, runs: int) -> None:
    population = item.population
    count = len(population.subject_ids)
    keys = keystore.open_keys(item.settings)
    engine = db.make_engine(item.settings.resolved_database_url())
    print(
        f"in process: marketing.build(db, keys, organisation_id=<org>, purpose={purpose!r}), "
        f"{count:,} people, {runs} runs"
    )
    rates, seconds_each = [], []
    for run in range(1, runs + 1):
        with Session(engine) as session:
            started = time.perf_counter()
            audience = marketing.build(
                session, keys, organisation_id=population.organisation_id, purpose=purpose
            )
            seconds = time.perf_counter() - started
        seconds_each.append(seconds)
        rates.append(count / seconds)
        excluded = ", ".join(f"{reason} {n:,}" for reason, n in audience.excluded.most_common())
        print(
            f"  run {run}: {seconds:.2f} s, {rates[-1]:,.0f} people/s "
            f"({len(audience.members):,} members; excluded: {excluded or 'none'})"
        )
    print(f"  {purpose}: {summarise(rates).line('people/s', digits=0)}")
    print(f"  {purpose}: {summarise(seconds_each).line('s')}")
    engine.dispose()


if __name__ == "__main__":
    main()
