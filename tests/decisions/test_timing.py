"""The purpose gate answers an unknown person as fast as a known one: a key that may only ask the gate
cannot learn from the time whether an email is known (issue 14; Art. 32)."""

import statistics
import time

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lawful import keystore
from tests.factories import bearer, make_api_key, make_person, make_register
from tests.registers import people

ROUNDS = 60


def _seconds(client: TestClient, token: str, email: str) -> float:
    started = time.perf_counter()
    response = client.post(
        "/api/decisions",
        headers=bearer(token),
        json={"subject": {"email": email}, "purpose": "newsletter"},
    )
    elapsed = time.perf_counter() - started
    assert response.status_code == 200 and response.json()["decision"] == "deny"
    return elapsed


def test_unknown_and_known_people_are_answered_in_the_same_time(
    client: TestClient, db: Session, keys: keystore.Keys
) -> None:
    org = make_register(db, people()).organisation_id
    make_person(db, keys, org, email="known@example.test")
    token = make_api_key(db, org, ["decisions:ask"])
    for _ in range(5):  # warm-up: the key and the purpose in the caches
        _seconds(client, token, "known@example.test")
    known: list[float] = []
    unknown: list[float] = []

    for n in range(ROUNDS):  # interleaved, so the machine's noise falls on both alike
        known.append(_seconds(client, token, "known@example.test"))
        unknown.append(_seconds(client, token, f"nobody-{n}@example.test"))

    # the difference within each pair: the machine's load drifts between pairs, hardly within one
    gap = statistics.median(k - u for k, u in zip(known, unknown, strict=True))
    typical = statistics.median(known + unknown)
    assert abs(gap) / typical < 0.2, (statistics.median(known), statistics.median(unknown), gap)
