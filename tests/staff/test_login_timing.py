"""A failed console login takes as long for an unknown email as for a known one (no account oracle, Art. 32)."""

import statistics
import time
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lawful import keystore, staff
from lawful.config import get_settings
from tests.factories import make_register, make_staff

T0 = datetime.fromisoformat("2026-03-02T10:00:00+00:00")
ROUNDS = 16  # paired: the median of 16 differences holds under load (30 unpaired rounds did not)


def _seconds(client: TestClient, email: str, at: datetime) -> float:
    started = time.perf_counter()
    response = client.post(
        "/console/login",
        data={"email": email, "password": "wrong password!", "code": "123456"},
        headers={"X-Lawful-Now": at.isoformat()},
    )
    elapsed = time.perf_counter() - started
    assert response.status_code == 401
    return elapsed


@pytest.fixture
def real_hashing(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """RFC 9106's parameters, as in production: the hash is what makes both answers equally slow."""
    monkeypatch.setenv("LAWFUL_PASSWORD_HASHING", "rfc9106")
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()


def test_unknown_and_known_emails_fail_in_the_same_time(
    client: TestClient, db: Session, keys: keystore.Keys, real_hashing: None
) -> None:
    make_staff(db, keys, make_register(db).organisation_id, [staff.Role.AUDITOR], email="known@example.test")
    _seconds(client, "warm-up@example.test", T0)
    known: list[float] = []
    unknown: list[float] = []

    for n in range(ROUNDS):  # interleaved, a day apart so no throttle answers early
        at = T0 + timedelta(days=n + 1)
        known.append(_seconds(client, "known@example.test", at))
        unknown.append(_seconds(client, f"nobody-{n}@example.test", at + timedelta(minutes=1)))

    # pairs taken a moment apart: the machine's load drifts, the difference within a pair hardly does
    gap = statistics.median(k - u for k, u in zip(known, unknown, strict=True))
    typical = statistics.median(known + unknown)
    assert abs(gap) / typical < 0.2, (statistics.median(known), statistics.median(unknown), gap)
