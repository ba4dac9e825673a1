"""The datastore's side of retention: the kept rows of a table whose period ends by a given day, each
with its date and its owner's address (for legal holds), and the statements that end them."""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from lawful import processing

from .. import datastore, rules

CHUNK = 500  # keys per DELETE or UPDATE ... WHERE key IN (...): well under SQLite's bound-variable limit


@dataclass(frozen=True)
class Kept:
    """One kept row: its primary key (as JSON holds it), the date its period counts from, its owner."""

    key: list[Any]
    since: date
    owner: str | None


def kept_rows(
    connection: Connection,
    store: processing.Datastore,
    tables: dict[str, sa.Table],
    table: processing.DatastoreTable,
    retention: str,
    *,
    before: date,
    changes: dict[str, Any] | None,
) -> Iterator[Kept]:
    """The rows of `table` kept under `retention` whose date is before `before`, oldest first; with
    `changes` (the end anonymises), only the rows that do not hold those values yet."""
    dated = processing.dated_by(store, table, retention)
    assert dated is not None  # the register check refuses a kept table without a date (retention_date)
    live = tables[table.name]
    chain = _chain(store, table)
    since = tables[dated[0].name].c[dated[1]]
    root = tables[chain[-1].name]
    identity = chain[-1].link
    owner = root.c[identity.column] if isinstance(identity, processing.IdentityLink) else sa.null()
    joined: Any = live
    for child, parent in pairwise(chain):
        link = child.link
        assert isinstance(link, processing.ParentLink)
        on = tables[child.name].c[link.column] == tables[parent.name].c[link.references]
        # up to the dated table every row needs its parent (its date); above it, an owner may be missing
        inner = chain.index(parent) <= chain.index(dated[0])
        joined = joined.join(tables[parent.name], on) if inner else joined.outerjoin(tables[parent.name], on)
    keys = list(live.primary_key.columns)
    query = (
        sa.select(*keys, since, owner)
        .select_from(joined)
        .where(since.is_not(None), since < sa.literal(before, sa.Date))  # a date: SQLite compares text
        .order_by(since, *keys)
    )
    if changes:
        query = query.where(sa.or_(*(live.c[n].is_distinct_from(v) for n, v in changes.items())))
    width = len(keys)
    for row in connection.execute(query):
        day = rules.as_date(row[width])
        if day is not None:
            yield Kept([datastore.plain(v) for v in row[:width]], day, row[width + 1])


def end(
    connection: Connection,
    tables: dict[str, sa.Table],
    steps: Sequence[tuple[str, list[list[Any]], dict[str, Any] | None]],
    progress: Callable[[int], None] | None = None,
) -> None:
    """Carry out (table, keys, changes) steps: updates first, then deletes in the order given (children
    before their parents, so foreign keys hold). Running them again changes nothing more."""
    ordered = [s for s in steps if s[2] is not None] + [s for s in steps if s[2] is None]
    for name, keys, changes in ordered:
        live = tables[name]
        columns = list(live.primary_key.columns)
        for start in range(0, len(keys), CHUNK):
            chunk = keys[start : start + CHUNK]
            if len(columns) == 1:
                where: Any = columns[0].in_([k[0] for k in chunk])
            else:
                where = sa.or_(*(sa.and_(*(c == v for c, v in zip(columns, k, strict=True))) for k in chunk))
            verb = sa.delete(live) if changes is None else sa.update(live).values(changes)
            connection.execute(verb.where(where))
            if progress is not None:
                progress(len(chunk))


def _chain(store: processing.Datastore, table: processing.DatastoreTable) -> list[processing.DatastoreTable]:
    """The table, its parent, and so on up to the table linked to the person."""
    tables = {t.name: t for t in store.tables}
    chain = [table]
    while isinstance(chain[-1].link, processing.ParentLink) and len(chain) <= len(store.tables):
        chain.append(tables[chain[-1].link.table])
    return chain
