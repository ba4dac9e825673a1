"""Batch facts on SQLite: decisions.batch's groups, made in Python from one statement's rows.

SQLite answers the per-person statement of decisions.facts quickly, but grouping in SQL did not pay
(its GROUP BY re-ran the subqueries). So the rows come back on the driver's own cursor (no
SQLAlchemy result objects), the ids travel as one JSON text (`json_each`, no expanded IN list to
compile), and the last collection stays text: it is stored as `YYYY-MM-DD HH:MM:SS.ffffff` in UTC, so
comparing it with the retention bounds written the same way sorts it without parsing it; only the few
people between the bounds have theirs parsed.
"""

import json
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, column, func, select
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from . import facts
from .facts import Fact, S

Group = tuple[Fact, list[int]]
_STORED = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy stores a DateTime in SQLite


def groups(
    db: Session,
    *,
    organisation_id: uuid.UUID,
    purpose: str,
    subject_ids: Sequence[uuid.UUID],
    bounds: tuple[datetime, datetime] | None,
) -> tuple[list[Group], list[Group]]:
    """(groups, groups of people with objections or holds to read in detail), as decisions.batch."""
    connection = db.connection()
    sql, names, defaults = _compiled(connection.dialect)
    values = defaults | {
        "ids": json.dumps([sid.hex for sid in subject_ids]),
        "org": organisation_id.hex,
        "purpose": purpose,
    }
    past_until, kept_from = bounds or (None, None)
    low = past_until.astimezone(UTC).strftime(_STORED) if past_until else None
    high = kept_from.astimezone(UTC).strftime(_STORED) if kept_from else None
    positions: dict[str, list[int]] = {}
    for n, sid in enumerate(subject_ids):
        positions.setdefault(sid.hex, []).append(n)
    driver = connection.connection.driver_connection
    assert driver is not None
    cursor = driver.cursor()
    try:
        cursor.execute(sql, [values[name] for name in names])
        rows = cursor.fetchall()
    finally:
        cursor.close()
    shared: dict[tuple[Any, ...], list[int]] = {}
    alone: list[tuple[tuple[Any, ...], list[int]]] = []
    for (
        raw,
        org,
        categories,
        child,
        role,
        restricted,
        objected,
        held,
        suppressed,
        last,
        state,
        archived,
    ) in rows:
        if org != values["org"]:
            continue
        if last is None or low is None or high is None:
            moment: Any = None
        elif last <= low:
            moment = past_until
        elif last >= high:
            moment = None
        else:  # between the bounds: the rule decides with the person's own last collection
            moment = datetime.fromisoformat(last).replace(tzinfo=UTC)
        key = (
            categories,
            role,
            state,
            bool(restricted),
            bool(suppressed),
            bool(child),
            bool(objected or held or archived),
        )
        if moment is not None and moment is not past_until:
            alone.append(((*key, moment), positions[raw]))
        else:
            shared.setdefault((*key, moment), []).extend(positions[raw])
    found: list[Group] = []
    detailed: list[Group] = []
    for (categories, role, state, restricted, suppressed, child, details, moment), where in [
        *shared.items(),
        *alone,
    ]:
        fact: Fact = (
            tuple(json.loads(categories)),
            role,
            state or facts.NEVER_GIVEN,
            (),
            restricted,
            suppressed,
            child,
            (),
            moment,
            (),
            False,
        )
        (detailed if details else found).append((fact, where))
    return found, detailed


@cache
def _compiled(dialect: Dialect) -> tuple[str, tuple[str, ...], dict[str, Any]]:
    wanted: Select[Any] = select(column("value")).select_from(func.json_each(bindparam("ids")))
    # The organisation is checked on each row: in the WHERE clause it made SQLite walk the whole
    # organisation by its index instead of finding the people asked about by their ids.
    statement = facts.statement("sqlite", S.id.in_(wanted))
    compiled = statement.compile(dialect=dialect)
    ours = {"ids", "org", "purpose"}  # "org" is also the suppressions' and consent's
    defaults = {k: v for k, v in compiled.construct_params({k: "" for k in ours}).items() if k not in ours}
    return compiled.string, tuple(compiled.positiontup or ()), defaults
