"""A breach's scope, and its letters (R-98, R-97): 100,000 people seeded by benchmarks.seeded, about 10 %
of them newsletter subscribers. Their export to HubSpot (10,000 people) is recorded as marketing.export
records one (an upload and its members) and reported lost: the scope is computed from the export (and
again from the newsletter consent in force), each run in a unit of work of its own, the list sealed and
committed. Then the high-risk decision: the 10,000 letters are queued in one unit of work and delivered
as the worker does it (`jobs.deliver_units`: a unit of work per batch of 50, one SMTP session across them)
to a local SMTP sink (benchmarks.campaign_delivery).

Run: .venv/bin/python -m benchmarks.breach_scope [--database sqlite|postgresql] [--smoke]
(--smoke: 300 people, one run of each.)
"""

import statistics
import time
import uuid
from collections.abc import Callable

from aiosmtpd.controller import Controller
from sqlalchemy import insert
from sqlalchemy.orm import Session

from lawful import breaches, clock, db, jobs, keystore, marketing, work
from lawful.actor import Actor, ActorKind
from lawful.breaches import letters, scope
from lawful.config import Settings

from .campaign_delivery import Sink
from .people import CONSENT_EVERY
from .report import header, options
from .seeded import PEOPLE, REGISTER, SMOKE_PEOPLE, Seeded, describe, seeded
from .server import free_port

ACTOR = Actor(ActorKind.CLI, label="bench:breach")
RUNS = 5
WORDS = {"what_happened": "A file was lost.", "consequences": "Phishing.", "measures": "Links revoked."}


def main() -> None:
    args = options(__doc__ or "")
    people = SMOKE_PEOPLE if args.smoke else PEOPLE
    with seeded(args.database, "breach_scope", people) as item:
        header(f"breach scope and letters, {people:,} people", args.database, REGISTER)
        describe(item)
        settings = item.settings
        keys = keystore.open_keys(settings)
        engine = db.make_engine(settings.resolved_database_url())
        sessions: Callable[[], Session] = db.make_sessionmaker(engine)
        upload_id = _export(sessions, item)
        with work.unit(sessions) as session:
            facts = breaches.BreachCreate(
                title="Export lost", aware_at=clock.now(), nature=["confidentiality"]
            )
            breaches.open_case(session, ACTOR, organisation_id=item.population.organisation_id, facts=facts)
        runs = 1 if args.smoke else RUNS
        for label, asked in (("export", {"exports": [upload_id]}), ("consent", {"purposes": ["newsletter"]})):
            _scope(sessions, keys, settings, item, label, scope.ScopeCreate.model_validate(asked), runs)
        _letters(sessions, keys, settings, item)
        engine.dispose()


def _export(sessions: Callable[[], Session], item: Seeded) -> uuid.UUID:
    """The newsletter's subscribers sent to HubSpot, recorded as marketing.export records a success."""
    subscribers = item.population.subject_ids[::CONSENT_EVERY]
    upload_id = uuid.uuid4()
    with work.unit(sessions) as session:
        session.execute(
            insert(marketing.AudienceUpload),
            [
                {
                    "id": upload_id, "organisation_id": item.population.organisation_id, "purpose": "newsletter",
                    "recipient": "hubspot", "recipient_type": "processor", "people": len(subscribers),
                    "fields": ["user.contact.email", "user.name"], "hashed": False, "status": 200, "excluded": {},
                    "uploaded_at": clock.now(),
                }
            ],
        )  # fmt: skip
        members = [{"upload_id": upload_id, "subject_id": s} for s in subscribers]
        for start in range(0, len(members), 5000):
            session.execute(insert(marketing.AudienceMember), members[start : start + 5000])
    print(f"export recorded: {len(subscribers):,} people")
    return upload_id


def _scope(
    sessions: Callable[[], Session],
    keys: keystore.Keys,
    settings: Settings,
    item: Seeded,
    label: str,
    asked: scope.ScopeCreate,
    runs: int,
) -> None:
    seconds, people = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        with work.unit(sessions) as session:
            made = scope.compute(
                session, ACTOR, keys, settings, organisation_id=item.population.organisation_id, reference="B-1",
                scope=asked,
            )  # fmt: skip
            people = made.scope.people
        seconds.append(time.perf_counter() - started)
    print(
        f"  scope from the {label}: {people:,} affected, median {statistics.median(seconds):.2f} s "
        f"(min {min(seconds):.2f}, max {max(seconds):.2f}, {runs} runs)"
    )


def _letters(sessions: Callable[[], Session], keys: keystore.Keys, settings: Settings, item: Seeded) -> None:
    org = item.population.organisation_id
    with work.unit(sessions) as session:
        breaches.assess(
            session, ACTOR, organisation_id=org, reference="B-1", risk=breaches.Risk.HIGH, rationale="x"
        )
        decision = breaches.DecisionCreate(
            audience=breaches.Audience.PEOPLE, notify=True, reasons="high risk"
        )
        breaches.decide(session, ACTOR, organisation_id=org, reference="B-1", decision=decision)
    body = letters.LettersCreate.model_validate({"texts": {"en": WORDS, "fr": WORDS, "nl": WORDS}})
    started = time.perf_counter()
    with work.unit(sessions) as session:
        sent = letters.send(session, ACTOR, keys, organisation_id=org, reference="B-1", letters=body)
    seconds = time.perf_counter() - started
    print(f"  letters queued: {sent.queued:,} in {seconds:.2f} s: {sent.queued / seconds:,.0f} letters/s")
    sink, port = Sink(), free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    target = settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": port})
    try:
        started = time.perf_counter()
        delivered = jobs.deliver_units(target, keys).sent  # the worker's and `lawful mail deliver`'s units
        seconds = time.perf_counter() - started
    finally:
        controller.stop()
    print(f"  letters delivered: {delivered:,} in {seconds:.1f} s: {delivered / seconds:,.0f} messages/s")


if __name__ == "__main__":
    main()
