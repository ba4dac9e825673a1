"""Where the time of one intake goes: its SQL statements (main database and key store) and the Python.

With 100,000 people seeded: (1) the statements of POST /api/subjects and of the contact form, counted
through the real app in this process; (2) `intake.submit` plus commit, one at a time under cProfile.

Run: .venv/bin/python -m benchmarks.intake_profile [--database sqlite|postgresql] [--smoke]
(--smoke: 300 people, 10 calls of each kind, no cProfile.)
"""

import cProfile
import time
import uuid

from fastapi.testclient import TestClient

from lawful import db, intake, keystore, subjects
from lawful.actor import PUBLIC
from lawful.app import create_app

from .decisions_profile import top
from .people import PURPOSE
from .report import header, options
from .seeded import PEOPLE, REGISTER, SMOKE_PEOPLE, Seeded, describe, seeded
from .statements import Statements

CALLS = 200
SMOKE_CALLS = 10


def main() -> None:
    args = options(__doc__ or "")
    people, calls = (SMOKE_PEOPLE, SMOKE_CALLS) if args.smoke else (PEOPLE, CALLS)
    with seeded(args.database, "intake_profile", people) as item:
        header("where the time of an intake goes", args.database, REGISTER)
        describe(item)
        statements_per_call(item, calls)
        in_process(item, calls, profile=not args.smoke)


def statements_per_call(item: Seeded, calls: int) -> None:
    app = create_app(item.settings)
    counted = Statements(app.state.engine, app.state.keys.store.engine)
    headers = {"Authorization": f"Bearer {item.population.token}"}
    with TestClient(app) as client:
        counted.reset()
        for number in range(calls):
            body = {
                "subject_category": "prospect",
                "email": f"profile-{uuid.uuid4().hex[:8]}-{number}@example.test",
                "values": {"user.name": "New Person", "user.content.private": "Called about the offer."},
                "collection": {"activity": PURPOSE, "channel": "phone"},
            }
            client.post("/api/subjects", json=body, headers=headers).raise_for_status()
        counted.show(f"POST /api/subjects, per request (mean of {calls})", per=calls)
        counted.reset()
        fields = {"name": "Probe", "email": "form-profile@example.test", "message": "Hello"}
        response = client.post("/api/forms/contact/submissions", json={"fields": fields})
        response.raise_for_status()
        counted.show("POST /api/forms/contact/submissions, one request (new person, no consent)", per=1)
    app.state.engine.dispose()


def in_process(item: Seeded, calls: int, *, profile: bool) -> None:
    engine = db.make_engine(item.settings.resolved_database_url())
    sessions = db.make_sessionmaker(engine)
    keys = keystore.open_keys(item.settings)
    counted = Statements(engine, keys.store.engine)
    spent = {"intake.submit": 0.0, "commit of the main database": 0.0}

    def submit_all() -> None:
        for number in range(calls):
            with sessions() as session:
                started = time.perf_counter()
                intake.submit(
                    session,
                    PUBLIC,
                    keys,
                    organisation_id=item.population.organisation_id,
                    form_key="contact",
                    fields={
                        "name": "New Person",
                        "email": f"inproc-{uuid.uuid4().hex[:8]}-{number}@example.test",
                        "message": "Please call me back about your offer.",
                    },
                    marketing_consent=False,
                    language="en",
                    channel=subjects.Channel.API,
                )
                committed = time.perf_counter()
                session.commit()
                spent["intake.submit"] += committed - started
                spent["commit of the main database"] += time.perf_counter() - committed

    submit_all()  # warm-up
    spent.update(dict.fromkeys(spent, 0.0))
    submit_all()
    print(f"intake.submit then commit, {calls} in a row, one thread (milliseconds each):")
    for step, seconds in spent.items():
        print(f"  {seconds / calls * 1e3:7.2f}  {step}")
    started = time.perf_counter()
    for _ in range(calls):
        keys.store.create(f"benchmark:{uuid.uuid4()}")
    print(
        f"  {(time.perf_counter() - started) / calls * 1e3:7.2f}  of which, measured alone: "
        "KeyStore.create (insert, commit, read back, unwrap)"
    )
    if not profile:
        engine.dispose()
        return
    counted.reset()
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.runcall(submit_all)
    seconds = time.perf_counter() - started
    print(f"the same {calls} under cProfile: {seconds / calls * 1e3:.2f} ms each")
    counted.show("their statements, per submission", per=calls)
    top(profiler, "cumulative", 25, only="lawful/")
    engine.dispose()


if __name__ == "__main__":
    main()
