"""What erasure does to each field of a datastore, and until when a kept field is kept (Art. 17(1), 17(3)(b)).

Pure: the dataset map and the rows found come in, the plan and its evidence come out.
"""

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from lawful.processing import (
    Datastore,
    DatastoreTable,
    ErasureAction,
    ParentLink,
    RetentionRule,
    Trigger,
    add_period,
    dated_by,
)

Action = ErasureAction
PAST = {
    Action.DELETE_ROW: "erased",
    Action.SET_NULL: "erased",
    Action.ANONYMISE: "anonymised",
    Action.KEEP: "kept",
}


def kept_until(since: date | None, rule: RetentionRule) -> date | None:
    """The last day a kept field is kept; None when the period does not run from a date of the row.

    Belgian VAT Code art. 60 §4: invoices are kept ten years from 1 January after the invoice date, so an
    invoice of 2024-03-15 is kept until 2034-12-31 (R-75).
    """
    if since is None or rule.duration is None:
        return None
    start = since
    if rule.trigger is Trigger.DOCUMENT_YEAR_END:
        start = date(since.year + 1, 1, 1)
    return add_period(start, rule.duration) - timedelta(days=1)


def as_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        return datetime.fromisoformat(value).date()
    return None


def inherited(
    store: Datastore,
    rows: Mapping[str, Sequence[Mapping[str, Any]]],
    table: DatastoreTable,
    row: Mapping[str, Any],
    retention: str,
) -> date | None:
    """The date a row kept under its parent's rule counts from: the parent row's (an invoice line, its
    invoice's date), up the links until a table dates the same retention rule."""
    by_name = {t.name: t for t in store.tables}
    for _ in store.tables:  # at most one step per table: a map with a cycle finds no date
        link = table.link
        if not isinstance(link, ParentLink):
            return None
        parent = next(
            (p for p in rows.get(link.table, []) if p.get(link.references) == row.get(link.column)), None
        )
        if parent is None:
            return None
        table, row = by_name[link.table], parent
        since = next(
            (
                c.keep.since
                for c in table.columns
                if c.keep and c.keep.retention == retention and c.keep.since
            ),
            None,
        )
        if since is not None:
            return as_date(row.get(since))
    return None


def order(tables: Sequence[DatastoreTable]) -> list[DatastoreTable]:
    """Parents before the tables that link through them (rows are found top down, deleted bottom up)."""
    by_name = {t.name: t for t in tables}

    def depth(table: DatastoreTable) -> int:
        seen = 0
        while isinstance(table.link, ParentLink) and seen <= len(tables):
            table, seen = by_name[table.link.table], seen + 1
        return seen

    return sorted(tables, key=depth)


def deletes_row(table: DatastoreTable) -> bool:
    return any(c.erasure is Action.DELETE_ROW for c in table.columns)


def changes(table: DatastoreTable) -> dict[str, Any]:
    """The value each erased or anonymised column is set to; kept columns are not touched."""
    return {
        c.name: (c.replacement if c.erasure is Action.ANONYMISE else None)
        for c in table.columns
        if c.erasure in (Action.SET_NULL, Action.ANONYMISE)
    }


def evidence(
    store: Datastore,
    rows: Mapping[str, Sequence[Mapping[str, Any]]],
    rules: Mapping[str, RetentionRule],
) -> list[dict[str, Any]]:
    """One entry per mapped field: what erasure does to it, in how many rows, and for kept ones why and until when."""
    fields = []
    for table in order(store.tables):
        found = rows.get(table.name, [])
        if not found:
            continue
        for column in table.columns:
            action = Action.DELETE_ROW if deletes_row(table) else column.erasure
            entry: dict[str, Any] = {
                "datastore": store.key,
                "table": table.name,
                "column": column.name,
                "category": column.category,
                "action": PAST[action],
                "how": str(action),
                "rows": len(found),
            }
            if column.keep is not None:
                rule = rules[column.keep.retention]
                own = dated_by(store, table, rule.key)  # a kept field of the same rule may name it
                since = column.keep.since or (own[1] if own and own[0] is table else None)
                ends = [
                    kept_until(
                        as_date(r.get(since)) if since else inherited(store, rows, table, r, rule.key), rule
                    )
                    for r in found
                ]
                dated = [end for end in ends if end is not None]
                entry |= {
                    "reason": column.keep.reason,
                    "retention": rule.key,
                    "retention_label": rule.label.en,
                    "until": max(dated).isoformat() if dated and len(dated) == len(ends) else None,
                    "restricted": True,
                }
            fields.append(entry)
    return fields
