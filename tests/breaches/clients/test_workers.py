"""R-103 with workers racing: two units of work telling the clients at the same moment send one notice per
client (one mail, one webhook call); the overdue flag reaches the privacy officers once, at the deadline
and not a second before, and the compliance check lists the overdue notice."""

import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from lawful import clock, compliance, keystore, mail, staff, work
from lawful.actor import SYSTEM
from lawful.breaches import BreachCreate, open_case, scope
from lawful.breaches.clients import BreachClientNotice, alerts, notify
from lawful.config import Settings
from lawful.db import make_engine, make_sessionmaker
from tests.breaches.affected import make_people
from tests.breaches.clients.conftest import ACME, BETA, qualifio
from tests.conftest import Mailbox, Receiver
from tests.factories import ACTOR, make_register, make_staff

AWARE = datetime(2026, 10, 24, 10, 0, tzinfo=UTC)
BASE = "https://lawful.example.test"
SECOND = timedelta(seconds=1)


@pytest.fixture
def engine(fresh_url: str) -> Iterator[Engine]:
    made = make_engine(fresh_url)
    yield made
    made.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return make_sessionmaker(engine)


@pytest.fixture
def org(
    sessions: sessionmaker[Session], keys: keystore.Keys, settings: Settings, receiver: Receiver
) -> uuid.UUID:
    with sessions() as db:
        organisation_id = make_register(db, qualifio(receiver.url)).organisation_id
        make_staff(db, keys, organisation_id, [staff.Role.PRIVACY_OFFICER], email="po@example.test")
        make_people(db, keys, organisation_id, 2, prefix="acme", client=ACME, at=AWARE - timedelta(days=3))
        make_people(db, keys, organisation_id, 1, prefix="beta", client=BETA, at=AWARE - timedelta(days=3))
        open_case(
            db, ACTOR, organisation_id=organisation_id, facts=BreachCreate(title="Lost", aware_at=AWARE)
        )
        scope.compute(
            db, ACTOR, keys, settings, organisation_id=organisation_id, reference="B-1",
            scope=scope.ScopeCreate(systems=["lawful"]),
        )  # fmt: skip
        db.commit()
    return organisation_id


def _race(run: Callable[[], int], workers: int = 4) -> int:
    start, done, errors = threading.Barrier(workers), [], []

    def worker() -> None:
        start.wait()
        try:
            done.append(run())
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return sum(done)


def test_workers_telling_the_clients_at_once_send_one_notice_to_each(
    sessions: sessionmaker[Session],
    keys: keystore.Keys,
    settings: Settings,
    smtp: Mailbox,
    receiver: Receiver,
    org: uuid.UUID,
) -> None:
    def run() -> int:
        with work.unit(sessions) as db:
            return len(notify(db, SYSTEM, keys, organisation_id=org, reference="B-1"))

    sent = _race(run)
    with work.unit(sessions) as db:
        mail.deliver_due(db, keys, settings)

    assert sent == 2
    assert len(receiver.received) == 1
    assert sorted(str(m["To"]) for m in smtp.wait_for(2)) == [
        "dpo@beta-foods.example.test",
        "privacy@acme-brands.example.test",
    ]
    with sessions() as db:
        assert db.scalar(select(func.count()).select_from(BreachClientNotice)) == 2


def _overdue(sessions: sessionmaker[Session], keys: keystore.Keys, at: datetime) -> int:
    with work.unit(sessions) as db:
        return len(alerts.send_overdue(db, SYSTEM, keys, now=at, base_url=BASE))


def test_an_overdue_notice_is_flagged_once_at_its_deadline_and_in_the_compliance_check(
    sessions: sessionmaker[Session],
    keys: keystore.Keys,
    settings: Settings,
    smtp: Mailbox,
    org: uuid.UUID,
    fresh_url: str,
) -> None:
    due = AWARE + timedelta(hours=24)  # Acme's PT24H; Beta's PT36H is not due yet

    early = _overdue(sessions, keys, due)  # the deadline's own second is still in time
    flagged = _race(lambda: _overdue(sessions, keys, due + SECOND))
    again = _overdue(sessions, keys, due + timedelta(hours=1))
    with work.unit(sessions) as db:
        mail.deliver_due(db, keys, settings)

    assert (early, flagged, again) == (0, 1, 0)
    [alert] = smtp.wait_for(1)
    assert str(alert["To"]) == "po@example.test" and "Acme Brands SA" in str(alert["Subject"])
    keystore.open_keys(settings.model_copy(update={"database_url": fresh_url}))  # its audit key, as a worker
    with sessions() as db, clock.pinned(due + SECOND):
        items = compliance.check(db, keys, organisation_id=org)
    assert [i.severity for i in items if i.concerns == f"breaches/B-1/clients:{ACME}"] == ["overdue"]
