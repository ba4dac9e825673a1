"""The unit of work (lawful.work), seen from another session: committed work is there, failed work is
not, a refusal keeps only its record, and after-commit work runs only after a commit."""

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from lawful import audit, db, work
from lawful.actor import SYSTEM
from lawful.errors import Forbidden, RuleViolation


@pytest.fixture
def engine(fresh_url: str) -> Iterator[Engine]:
    made = db.make_engine(fresh_url)
    yield made
    made.dispose()


def _actions(engine: Engine) -> list[str]:
    with Session(engine) as other:
        return list(other.scalars(select(audit.AuditEntry.action).order_by(audit.AuditEntry.at)))


def test_a_unit_that_ends_normally_is_committed_and_then_runs_its_after_commit_work(engine: Engine) -> None:
    seen: list[list[str]] = []

    with work.unit(db.make_sessionmaker(engine)) as session:
        audit.record(session, SYSTEM, "tests.done")
        work.after_commit(session, "look", lambda: seen.append(_actions(engine)))

    assert _actions(engine) == ["tests.done"] and seen == [["tests.done"]]


def test_a_unit_that_raises_leaves_nothing_and_runs_no_after_commit_work(engine: Engine) -> None:
    seen: list[str] = []

    with pytest.raises(Forbidden), work.unit(db.make_sessionmaker(engine)) as session:
        audit.record(session, SYSTEM, "tests.half_done")
        work.after_commit(session, "look", lambda: seen.append("ran"))
        raise Forbidden("no")

    assert _actions(engine) == [] and seen == []


def test_a_refusal_keeps_its_record_and_nothing_else(engine: Engine) -> None:
    def record(session: Session) -> None:
        audit.record(session, SYSTEM, "tests.refused", outcome="denied")

    with pytest.raises(RuleViolation), work.unit(db.make_sessionmaker(engine)) as session:
        audit.record(session, SYSTEM, "tests.other_write")
        record(session)
        raise RuleViolation("refused", record=record)

    assert _actions(engine) == ["tests.refused"]


def test_the_same_after_commit_work_is_queued_once(engine: Engine) -> None:
    ran: list[int] = []

    with work.unit(db.make_sessionmaker(engine)) as session:
        for _ in range(3):
            work.after_commit(session, "once", lambda: ran.append(1))

    assert ran == [1]
    with Session(engine) as other:
        assert other.scalar(select(func.count()).select_from(audit.AuditEntry)) == 0
