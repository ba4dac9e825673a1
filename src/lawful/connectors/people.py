"""Who is in a datastore's tables: every person (by the email the map links rows to) whose rows a table
holds, with the categories of its columns and how many rows, for the scope of a breach (R-98)."""

from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy import Connection

from lawful import processing, subjects
from lawful.config import Settings

from . import datastore
from .service import _connect, get_datastore


@dataclass
class Held:
    """What one person has in the tables asked about."""

    categories: set[str] = field(default_factory=set)
    rows: int = 0


def people_in(
    settings: Settings,
    register: processing.Register,
    *,
    key: str,
    tables: Iterable[str] = (),
    categories: Iterable[str] = (),
) -> dict[str, Held]:
    """By normalised email: the people whose rows are in `tables` (none: every mapped table), narrowed to
    the rows where a column of `categories` holds a value ("every person whose phone number was there")."""
    path, store = get_datastore(register, key=key)
    asked = set(tables) or {t.name for t in store.tables}
    wanted = set(categories)
    found: dict[str, Held] = {}
    with _connect(settings, store, path) as connection:
        live = datastore.reflect(connection, store, path)
        for table in store.tables:
            if table.name in asked:
                _table(connection, store, live, table, wanted, found)
    return found


def _table(
    connection: Connection,
    store: processing.Datastore,
    live: dict[str, sa.Table],
    table: processing.DatastoreTable,
    wanted: set[str],
    found: dict[str, Held],
) -> None:
    columns = [c for c in table.columns if not wanted or c.category in wanted]
    if not columns:
        return
    email, joined = _owner(store, live, table)
    here = live[table.name]
    filled = sa.or_(*(here.c[c.name].is_not(None) for c in columns))
    query = (
        sa.select(email, sa.func.count())
        .select_from(joined)
        .where(filled, email.is_not(None))
        .group_by(email)
    )
    exposed = {c.category for c in columns}
    for address, rows in connection.execute(query):
        held = found.setdefault(_normal(str(address)), Held())
        held.categories |= exposed
        held.rows += int(rows)


def _owner(
    store: processing.Datastore, live: dict[str, sa.Table], table: processing.DatastoreTable
) -> tuple[sa.ColumnElement[object], sa.FromClause]:
    """The email column of the row's owner and the join from the table up to the identity table."""
    by_name = {t.name: t for t in store.tables}
    joined: sa.FromClause = live[table.name]
    current = table
    for _ in store.tables:  # one step per table at most: a map with a cycle reaches no identity
        link = current.link
        if isinstance(link, processing.IdentityLink):
            return live[current.name].c[link.column], joined
        parent = live[link.table]
        joined = joined.join(parent, live[current.name].c[link.column] == parent.c[link.references])
        current = by_name[link.table]
    raise ValueError(f"table {table.name!r} links to no identity")


def _normal(address: str) -> str:
    try:
        return subjects.normalise_email(address)
    except subjects.InvalidIdentity:
        return address.strip().lower()
