"""Retention over 100,000 people of whom 10,000 expire: the plan (people evaluated per second) and the run
(deletions per second, each with its log row and audit entry, the whole record, copies and key erased when
nothing is left), from one process.

The people are benchmarks/people.py's prospects, collected through the contact form within the last 700
days and kept three years after their last inbound contact (request_followup, rule prospects_3y); about
10 % also consented to the newsletter, so their record stays after their prospect data go. Both are asked
as of the moment the 10,000 oldest have expired. In process: `retention.plan` 3 times, then `retention.run`
once (batches of retention.BATCH, one commit each, the key store's tombstones and keys in one commit per batch).
Goal: the plan at least 20,000 people evaluated per second; the run at least 500 deletions per second.

Run: .venv/bin/python -m benchmarks.retention [--database sqlite|postgresql] [--smoke]
(--smoke: 300 people of whom 30 expire, 1 plan.)
"""

import time
import uuid
from datetime import datetime, timedelta

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from lawful import audit, db, keystore, processing, retention, subjects
from lawful.actor import Actor, ActorKind

from .people import PURPOSE
from .report import header, options, summarise
from .seeded import PEOPLE, REGISTER, SMOKE_PEOPLE, Seeded, describe, seeded

ACTOR = Actor(ActorKind.SYSTEM, label="system:benchmark")


def main() -> None:
    args = options(__doc__ or "")
    people = SMOKE_PEOPLE if args.smoke else PEOPLE
    expiring = people // 10
    with seeded(args.database, "retention", people) as item:
        header(f"retention, {people:,} people of whom {expiring:,} expire", args.database, REGISTER)
        describe(item)
        engine = db.make_engine(item.settings.resolved_database_url())
        org = item.population.organisation_id
        with Session(engine) as session:
            now = _as_of(session, expiring)
        print(f"as of {now.isoformat()} (the {expiring:,} oldest collections are three years old)")
        in_plan(engine, org, now, runs=1 if args.smoke else 3)
        in_run(engine, item, now)
        engine.dispose()


def _as_of(session: Session, expiring: int) -> datetime:
    """The moment the `expiring` oldest prospects have passed their three years (and no one else has)."""
    oldest = session.scalars(
        select(subjects.Collection.collected_at)
        .where(subjects.Collection.activity == PURPOSE)
        .order_by(subjects.Collection.collected_at)
        .offset(expiring - 1)
        .limit(1)
    ).one()
    return processing.retention_end("last_inbound_contact", oldest, "P3Y") + timedelta(microseconds=1)


def in_plan(engine: Engine, org: uuid.UUID, now: datetime, runs: int) -> None:
    print(
        f"plan: retention.plan(db, organisation_id=<org>, now=<as of>), {runs} run(s), a fresh session each"
    )
    rates = []
    for number in range(1, runs + 1):
        with Session(engine) as session:
            started = time.perf_counter()
            found = retention.plan(session, organisation_id=org, now=now)
            seconds = time.perf_counter() - started
        rates.append(found.people / seconds)
        due = sum(g.due for g in found.groups)
        print(
            f"  run {number}: {found.people:,} people in {seconds:.2f} s, {rates[-1]:,.0f} people/s ({due:,} due)"
        )
    print(f"  plan: {summarise(rates).line('people/s', digits=0)}")


def in_run(engine: Engine, item: Seeded, now: datetime) -> None:
    keys = keystore.open_keys(item.settings)
    org = item.population.organisation_id
    print(
        f"run: retention.run(db, actor, keys, organisation_id=<org>, now=<as of>), batches of {retention.BATCH}"
    )
    with Session(engine) as session:
        before = session.scalar(select(func.count()).select_from(subjects.Subject)) or 0
        started, cpu = time.perf_counter(), time.process_time()
        done = retention.run(session, ACTOR, keys, organisation_id=org, now=now)
        session.commit()
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        deletions = sum(int(entry["done"]) for entry in done.counts)
        whole = sum(int(entry["whole"]) for entry in done.counts)
        logged = session.scalar(select(func.count()).select_from(retention.RetentionAction)) or 0
        audited = session.scalar(
            select(func.count())
            .select_from(audit.AuditEntry)
            .where(audit.AuditEntry.action == "retention.deleted")
        )
        after = session.scalar(select(func.count()).select_from(subjects.Subject)) or 0
    print(
        f"run: {deletions:,} deletions in {seconds:.2f} s: {deletions / seconds:,.0f} deletions/s "
        f"({logged:,} log rows, {audited:,} audit entries; {whole:,} whole records and keys erased, "
        f"{deletions - whole:,} kept for their newsletter consent; people {before:,} -> {after:,})"
    )
    print(
        f"  this process's CPU: {cpu:.2f} s, {1000 * cpu / max(deletions, 1):.2f} ms per deletion (the database's own not included)"
    )


if __name__ == "__main__":
    main()
