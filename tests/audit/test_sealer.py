"""The background sealer: committed entries get their places in the chain without any read of the log."""

import threading
import time

import pytest

from lawful import audit, db, keystore
from lawful.actor import Actor
from lawful.audit.tasks import Sealer


def _write(url: str, actor: Actor, count: int) -> None:
    engine = db.make_engine(url)
    with db.make_sessionmaker(engine)() as session:
        for i in range(count):
            audit.record(session, actor, "test.written", entity_id=str(i))
            session.commit()
    engine.dispose()


def _unsealed(url: str) -> int:
    engine = db.make_engine(url)
    with db.make_sessionmaker(engine)() as session:
        found = audit.unsealed(session)
    engine.dispose()
    return found


def _wait_until_sealed(url: str, seconds: float = 10) -> int:
    deadline = time.monotonic() + seconds
    while (left := _unsealed(url)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


def test_the_sealer_chains_what_writers_committed(
    fresh_url: str, fresh_keys: keystore.Keys, actor: Actor
) -> None:
    _write(fresh_url, actor, 5)
    assert _unsealed(fresh_url) == 5

    sealer = Sealer(fresh_url, interval=0.05).start()
    try:
        assert _wait_until_sealed(fresh_url) == 0
    finally:
        sealer.stop()

    engine = db.make_engine(fresh_url)
    with db.make_sessionmaker(engine)() as session:
        checked, broken = audit.verify(session)
    engine.dispose()
    assert (checked, broken) == (5, None)


def test_two_sealers_and_concurrent_writers_leave_one_intact_chain(
    fresh_url: str, fresh_keys: keystore.Keys, actor: Actor
) -> None:
    sealers = [Sealer(fresh_url, interval=0.02).start() for _ in range(2)]
    writers = [threading.Thread(target=_write, args=(fresh_url, actor, 40)) for _ in range(3)]
    try:
        for w in writers:
            w.start()
        for w in writers:
            w.join()
        assert _wait_until_sealed(fresh_url) == 0
    finally:
        for s in sealers:
            s.stop()

    engine = db.make_engine(fresh_url)
    with db.make_sessionmaker(engine)() as session:
        checked, broken = audit.verify(session)
        head = audit.head(session)
    engine.dispose()
    assert broken is None and checked == 120 and head is not None and head[0] == 120


def test_a_sealer_refuses_to_start_without_the_audit_key(fresh_url: str) -> None:
    with pytest.raises(audit.NoAuditKey):
        Sealer(fresh_url, interval=0.05).start()
