"""The clock's alerts (R-95): the privacy officers get one mail at +24, +48 and +66 hours, each once even
when two workers run the job at the same moment; mail read from a real SMTP server."""

import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from lawful import audit, clock, keystore, mail, staff, work
from lawful.actor import SYSTEM
from lawful.breaches import BreachAlert, BreachCreate, DecisionCreate, alerts, open_case
from lawful.breaches.service import decide
from lawful.config import Settings
from lawful.db import make_engine, make_sessionmaker
from tests.conftest import Mailbox
from tests.factories import ACTOR, make_register, make_staff
from tests.registers import people

AWARE = datetime(2026, 5, 8, 15, 0, tzinfo=UTC)  # a Friday, 17:00 in Brussels
SECOND = timedelta(seconds=1)
BASE = "https://lawful.example.test"


@pytest.fixture
def engine(fresh_url: str) -> Iterator[Engine]:
    """A database of its own: the runs below commit, as the job does."""
    made = make_engine(fresh_url)
    yield made
    made.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return make_sessionmaker(engine)


@pytest.fixture
def org(sessions: sessionmaker[Session], keys: keystore.Keys) -> uuid.UUID:
    with sessions() as db:
        organisation_id = make_register(db, people()).organisation_id
        for name in ("po-one", "po-two"):
            make_staff(db, keys, organisation_id, [staff.Role.PRIVACY_OFFICER], email=f"{name}@example.test")
        make_staff(db, keys, organisation_id, [staff.Role.SUPPORT], email="support@example.test")
        open_case(
            db,
            ACTOR,
            organisation_id=organisation_id,
            facts=BreachCreate(title="Laptop stolen", aware_at=AWARE),
        )
        db.commit()
    return organisation_id


def _run(sessions: sessionmaker[Session], keys: keystore.Keys, at: datetime) -> int:
    with work.unit(sessions) as db:
        return len(alerts.send_alerts(db, SYSTEM, keys, now=at, base_url=BASE))


def _deliver(sessions: sessionmaker[Session], keys: keystore.Keys, settings: Settings) -> None:
    with work.unit(sessions) as db:
        mail.deliver_due(db, keys, settings)


def _concurrently(
    sessions: sessionmaker[Session], keys: keystore.Keys, at: datetime, workers: int = 4
) -> int:
    start, sent, errors = threading.Barrier(workers), [], []

    def worker() -> None:
        start.wait()
        try:
            sent.append(_run(sessions, keys, at))
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return sum(sent)


def test_the_24_hour_alert_is_mailed_once_to_each_privacy_officer_with_workers_racing(
    sessions: sessionmaker[Session], keys: keystore.Keys, settings: Settings, smtp: Mailbox, org: uuid.UUID
) -> None:
    sent = _concurrently(sessions, keys, AWARE + timedelta(hours=24))
    _deliver(sessions, keys, settings)

    received = smtp.wait_for(2)
    assert sent == 1
    assert sorted(str(m["To"]) for m in received) == ["po-one@example.test", "po-two@example.test"]
    assert "B-1" in str(received[0]["Subject"]) and "24" in str(received[0]["Subject"])
    assert "2026-05-11 17:00" in received[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    with sessions() as db:
        assert db.scalar(select(func.count()).select_from(BreachAlert)) == 1
        entries = db.scalars(
            select(audit.AuditEntry.data).where(audit.AuditEntry.action == "breach.alerted")
        ).all()
    assert entries == [{"reference": "B-1", "hours": 24, "officers": 2}]


def test_no_alert_a_second_before_24_hours(
    sessions: sessionmaker[Session], keys: keystore.Keys, org: uuid.UUID
) -> None:
    assert _run(sessions, keys, AWARE + timedelta(hours=24) - SECOND) == 0


@pytest.mark.parametrize("hours", [48, 66])
def test_each_later_alert_comes_at_its_hour_and_not_a_second_before(
    sessions: sessionmaker[Session], keys: keystore.Keys, org: uuid.UUID, hours: int
) -> None:
    _run(sessions, keys, AWARE + timedelta(hours=24))
    if hours == 66:
        _run(sessions, keys, AWARE + timedelta(hours=48))

    before = _run(sessions, keys, AWARE + timedelta(hours=hours) - SECOND)
    at = _concurrently(sessions, keys, AWARE + timedelta(hours=hours))
    again = _run(sessions, keys, AWARE + timedelta(hours=hours, minutes=1))

    assert (before, at, again) == (0, 1, 0)
    with sessions() as db:
        claimed = sorted(db.scalars(select(BreachAlert.threshold_hours)))
    assert claimed == [h for h in (24, 48, 66) if h <= hours]


def test_the_clock_stops_once_the_authority_decision_is_recorded(
    sessions: sessionmaker[Session], keys: keystore.Keys, org: uuid.UUID
) -> None:
    with clock.pinned(AWARE + timedelta(hours=30)), work.unit(sessions) as db:
        decision = DecisionCreate(audience="authority", notify=True, reasons="customer data exposed")
        decide(db, ACTOR, organisation_id=org, reference="B-1", decision=decision)

    assert _run(sessions, keys, AWARE + timedelta(hours=48)) == 0
