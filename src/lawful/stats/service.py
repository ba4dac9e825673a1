"""Aggregates of people, consents and rights requests: counts only, suppressed below k (R-80).

Counts come from columns that hold no identifier (categories, activity keys, language and country codes,
purposes, states, rights, statuses); no id, address or value leaves these functions. Data a processor
holds for a client controller are the client's and stay out of the company's own figures.
"""

import uuid
from collections import Counter
from collections.abc import Iterable
from enum import StrEnum

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from lawful import consent, dsr, subjects

from . import rules

UNKNOWN = "unknown"  # people whose language or country is not known are counted, under this value
CLOSED = {str(dsr.rules.Status.COMPLETED): "completed", str(dsr.rules.Status.REFUSED): "refused"}
OPEN = "open"


class Dimension(StrEnum):
    CATEGORY = "category"
    ACTIVITY = "activity"
    LANGUAGE = "language"
    COUNTRY = "country"


def subject_figures(
    db: Session, *, organisation_id: uuid.UUID, group_by: Dimension, k: int = rules.DEFAULT_MIN_CELL
) -> rules.Table:
    """The organisation's own people by one dimension; a person in two categories or activities counts
    in each, and once in the total."""
    own = (subjects.Subject.organisation_id == organisation_id, subjects.Subject.role == "controller")
    total = db.scalar(select(func.count()).select_from(subjects.Subject).where(*own)) or 0
    counts: Counter[str] = Counter()
    if group_by is Dimension.CATEGORY:
        for categories in db.scalars(
            select(subjects.Subject.categories).where(*own).execution_options(yield_per=2000)
        ):
            counts.update(set(categories or []))
    elif group_by is Dimension.ACTIVITY:
        collection = subjects.Collection
        rows = db.execute(
            select(collection.activity, func.count(distinct(collection.subject_id)))
            .join(subjects.Subject, subjects.Subject.id == collection.subject_id)
            .where(*own)
            .group_by(collection.activity)
        )
        counts.update({activity: count for activity, count in rows})
    else:
        column = subjects.Subject.language if group_by is Dimension.LANGUAGE else subjects.Subject.country
        rows = db.execute(select(column, func.count()).where(*own).group_by(column))
        for value, count in rows:
            counts[value or UNKNOWN] += count
    return rules.suppress(counts, total, k=k)


def consent_figures(
    db: Session, *, organisation_id: uuid.UUID, k: int = rules.DEFAULT_MIN_CELL
) -> dict[str, rules.Table]:
    """Per purpose, the people by the state of their consent (given, withdrawn, refused, expired)."""
    state = consent.ConsentState
    rows = db.execute(
        select(state.purpose, state.state, func.count())
        .join(subjects.Subject, subjects.Subject.id == state.subject_id)
        .where(state.organisation_id == organisation_id, subjects.Subject.role == "controller")
        .group_by(state.purpose, state.state)
    )
    return _by_row(((purpose, status, count) for purpose, status, count in rows), k)


def request_figures(
    db: Session, *, organisation_id: uuid.UUID, k: int = rules.DEFAULT_MIN_CELL
) -> dict[str, rules.Table]:
    """Per right, the requests by outcome (completed, refused, open); a request for two rights counts in
    each. Requests are deleted after their own period (R-82), and these counts with them."""
    rows = db.execute(
        select(dsr.Request.kinds, dsr.Request.status)
        .where(dsr.Request.organisation_id == organisation_id)
        .execution_options(yield_per=2000)
    )
    counts: Counter[tuple[str, str]] = Counter()
    for kinds, status in rows:
        for kind in set(kinds or []):
            counts[(str(kind), CLOSED.get(status, OPEN))] += 1
    return _by_row(((right, outcome, count) for (right, outcome), count in counts.items()), k)


def _by_row(rows: Iterable[tuple[str, str, int]], k: int) -> dict[str, rules.Table]:
    """A table per row value, each suppressed on its own with its row total (the cells partition it)."""
    grouped: dict[str, Counter[str]] = {}
    for row, column, count in rows:
        grouped.setdefault(row, Counter())[column] += count
    return {row: rules.suppress(cells, sum(cells.values()), k=k) for row, cells in sorted(grouped.items())}
