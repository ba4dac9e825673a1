"""A public form answers as late for a known person as for someone new: the time tells a visitor
nothing about whether an address is known (issue 14; Art. 32), although a known person's submission
takes the full route and a new one's a single statement."""

import statistics
import time

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lawful import pace
from lawful.intake.routes import submissions_limit
from tests.factories import make_notice, make_register
from tests.registers import people

ROUNDS = 15


def _seconds(client: TestClient, email: str) -> float:
    submissions_limit.reset()  # the rate limit is not what is measured here
    body = {"fields": {"name": "Anne", "email": email, "message": "Bonjour"}}
    started = time.perf_counter()
    response = client.post("/api/forms/contact/submissions", json=body)
    elapsed = time.perf_counter() - started
    assert response.status_code == 201
    return elapsed


def test_known_and_new_people_get_the_answer_in_the_same_time(client: TestClient, db: Session) -> None:
    org = make_register(db, people()).organisation_id
    make_notice(db, org)
    _seconds(client, "known@example.test")  # known from now on
    known: list[float] = []
    new: list[float] = []

    for n in range(ROUNDS):  # interleaved, so the machine's noise falls on both alike
        known.append(_seconds(client, "known@example.test"))
        new.append(_seconds(client, f"new-{n}@example.test"))

    assert min(statistics.median(known), statistics.median(new)) >= pace.FLOOR_SECONDS
    gap = statistics.median(k - n for k, n in zip(known, new, strict=True))  # within each pair
    assert abs(gap) / statistics.median(known + new) < 0.2, (
        statistics.median(known),
        statistics.median(new),
        gap,
    )
