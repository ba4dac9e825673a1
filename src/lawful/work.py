"""The unit of work: one per entry point (API route, console page, CLI command, job), and the only place
that commits the main database.

`unit(sessions)` opens a session, commits when the block ends normally, rolls back when it raises, and
after a commit runs what the work queued with `after_commit` (mail delivery, jobs): a job must never see
work that was not committed. Services flush and never commit (STYLE T5).

A refusal the law wants on record (a denied read, an age-gate refusal, a failed login) raises a
LawfulError that carries its `record`: the unit rolls the work back, writes the record again in a fresh
transaction and commits it, then lets the refusal through to be rendered. The record survives whether or
not a handler catches the refusal, and nothing else of the refused work does.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy.orm import Session

from lawful.errors import LawfulError

_AFTER = "lawful.work.after_commit"


def after_commit(db: Session, key: str, action: Callable[[], Any]) -> None:
    """Run `action` once this unit of work has committed (once per `key`); never if it rolls back."""
    queued: dict[str, Callable[[], Any]] = db.info.setdefault(_AFTER, {})
    queued.setdefault(key, action)


def finish(db: Session) -> None:
    """Commit, then run what the work queued for after the commit."""
    db.commit()
    queued: dict[str, Callable[[], Any]] = db.info.pop(_AFTER, {})
    for action in queued.values():
        action()


def checkpoint(db: Session) -> None:
    """Commit what the unit did so far, before an effect outside the database that cannot be rolled back
    (a change in the company's own datastore): a crash after it resumes from a durable plan."""
    db.commit()


def fail(db: Session, error: BaseException) -> None:
    """Roll back; when the error is a refusal with a record, keep the record alone."""
    db.rollback()
    db.info.pop(_AFTER, None)
    record = error.record if isinstance(error, LawfulError) else None
    if record is not None:
        record(db)
        db.commit()


@contextmanager
def unit(sessions: Callable[[], Session]) -> Iterator[Session]:
    """A session whose work is committed when the block ends, or rolled back if it raises."""
    db = sessions()
    try:
        yield db
    except BaseException as exc:
        fail(db, exc)
        raise
    else:
        finish(db)
    finally:
        db.close()
