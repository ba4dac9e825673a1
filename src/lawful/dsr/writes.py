"""The plain rows one step writes: its answer parts, the mail it queues and its own audit entry. They are
gathered while the step runs and inserted together when it is done, one statement on PostgreSQL
(lawful.db.insert_together), in the step's transaction. Outside a step (a handler called on its own)
nothing is gathered and each row is written at once."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from lawful.db import insert_together

_GATHERED = "lawful.dsr.step_rows"


@contextmanager
def gathering(db: Session) -> Iterator[None]:
    """While a step runs; `write` inserts what was gathered (a failed step leaves nothing behind)."""
    db.info[_GATHERED] = {}
    try:
        yield
    finally:
        db.info.pop(_GATHERED, None)


def add(db: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Rows to write with the step's end; at once (one INSERT) when no step is running."""
    gathered: dict[Table, list[dict[str, Any]]] | None = db.info.get(_GATHERED)
    if gathered is None:
        db.flush()  # the rows may refer to objects not yet written
        db.execute(insert(table), rows)
    else:
        gathered.setdefault(table, []).extend(rows)


def write(db: Session) -> None:
    """Insert every row gathered so far, after the session's own pending changes."""
    gathered: dict[Table, list[dict[str, Any]]] = db.info.get(_GATHERED) or {}
    if gathered:
        db.flush()  # the rows may refer to objects the step added
        insert_together(db.connection(), list(gathered.items()))
        gathered.clear()


_STEPS = "lawful.dsr.steps"


@contextmanager
def steps_known(db: Session, request_id: object, found: list[Any]) -> Iterator[None]:
    """While a step runs: the request's steps as steps.run_next read them, so the recipients and the
    answer read their results without a second query."""
    db.info[_STEPS] = (request_id, found)
    try:
        yield
    finally:
        db.info.pop(_STEPS, None)


def known_steps(db: Session, request_id: object) -> list[Any] | None:
    known = db.info.get(_STEPS)
    return known[1] if known is not None and known[0] == request_id else None
