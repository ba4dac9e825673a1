"""A client's contest form against our own contact form: public form intake over HTTP, 100,000 people seeded.

Issue 19 (processor mode): a form run for a client (R-101) puts what it collects into that client's
segregated identity space (R-106), and should be as fast as the company's own forms. The register is
`people()` with the client `brand` of tests/clients/processor_world.py and a contest run for it
(`brand_contest`, an activity with role processor on behalf of `brand`), its fields shaped like the
`contact` form's (name, email, a free text), so that the two differ only in whose form it is.

One `lawful serve` (2 processes on PostgreSQL, 1 on SQLite), wrk with 64 visitors as in benchmarks.intake,
each from its own address; runs alternate own form, client form, so that the machine's load hits both alike.

Run: .venv/bin/python -m benchmarks.client_intake [--database sqlite|postgresql] [--smoke]
(--smoke: 300 people, 1 run of 1 s per form.)
"""

import copy
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.clients.processor_world import with_client
from tests.registers import as_yaml, people

from lawful import db, processing, subjects

from .intake import CONTACT_MESSAGE, REAL, SMOKE, PublicForm, errors
from .people import ACTOR
from .report import header, options, summarise
from .seeded import REGISTER, Seeded, answering, describe, seeded

CLIENT = "brand"
FORM = "brand_contest"
OWN = PublicForm(
    "own form",
    "contact",
    {"name": "New Person", "email": "own-%s-%d-%d@example.test", "message": CONTACT_MESSAGE},
)
THEIRS = PublicForm(
    "client form", FORM, {"name": "New Person", "email": "client-%s-%d-%d@example.test", "answer": "Blue"}
)


def register() -> dict[str, Any]:
    """people() plus the client `brand`, its DPA covering the contest, and the contest form run for it."""
    document = with_client(people())
    dpa = document["clients"][0]["dpa"]
    dpa["data_categories"] = ["user.name", "user.contact.email", "user.content.private"]
    contest = copy.deepcopy(next(a for a in document["activities"] if a["key"] == "request_followup"))
    for key in ("legal_basis", "legitimate_interest"):
        contest.pop(key, None)
    contest |= {
        "key": FORM,
        "name": {"en": "Brand's contest", "fr": "Concours de la marque", "nl": "Wedstrijd van het merk"},
        "data_use": "essential.service",
        "role": "processor",
        "on_behalf_of": CLIENT,
        "data_categories": dpa["data_categories"],
    }
    document["activities"].append(contest)
    contact = next(f for f in document["forms"] if f["key"] == "contact")
    fields = [copy.deepcopy(f) for f in contact["fields"] if f["key"] in ("name", "email")]
    answer = next(f for f in contact["fields"] if f["key"] == "message") | {"key": "answer"}
    document["forms"].append(
        {
            "key": FORM,
            "name": {"en": "Win a prize", "fr": "Gagnez un prix", "nl": "Win een prijs"},
            "activity": FORM,
            "subject_category": "prospect",
            "fields": [*fields, answer],
        }
    )
    return document


def main() -> None:
    args = options(__doc__ or "")
    size = SMOKE if args.smoke else REAL
    with seeded(args.database, "client_intake", size.people) as item:
        header("a client's contest form against our own form", args.database, REGISTER + " + a client")
        describe(item)
        _apply(item)
        workers = 2 if args.database == "postgresql" else 1
        before = _counts(item)
        with answering(item.setup, workers) as server:
            own, theirs = [], []
            for run in range(1, size.runs + 1):
                own.append(OWN.run(item, server.url, run, size.seconds, workers))
                theirs.append(THEIRS.run(item, server.url, run, size.seconds, workers))
            errors(server.log)
        after = _counts(item)
        print(f"  own form: {summarise(own).line('submissions/s', digits=0)}")
        print(f"  client form: {summarise(theirs).line('submissions/s', digits=0)}; goal 500/s")
        ratio = summarise(theirs).median / summarise(own).median
        print(f"  client / own: {ratio:.2f}")
        print(
            f"  people created: {after[None] - before[None]:,} of our own, "
            f"{after[CLIENT] - before[CLIENT]:,} in {CLIENT}'s space"
        )


def _apply(item: Seeded) -> None:
    engine = db.make_engine(item.settings.resolved_database_url())
    with Session(engine) as session:
        version, _ = processing.apply(
            session, ACTOR, text=as_yaml(register()), source="benchmarks/client_intake.py"
        )
        session.commit()
        print(f"register version {version.number}: {REGISTER} + client {CLIENT!r} and its form {FORM!r}")
    engine.dispose()


def _counts(item: Seeded) -> dict[str | None, int]:
    """People per identity space: ours (None) and each client's."""
    engine = db.make_engine(item.settings.resolved_database_url())
    with Session(engine) as session:
        rows = session.execute(
            select(subjects.Subject.client, func.count())
            .where(subjects.Subject.organisation_id == item.population.organisation_id)
            .group_by(subjects.Subject.client)
        ).all()
    engine.dispose()
    counted: dict[str | None, int] = {None: 0, CLIENT: 0}
    counted.update({client: count for client, count in rows})
    return counted


if __name__ == "__main__":
    main()
