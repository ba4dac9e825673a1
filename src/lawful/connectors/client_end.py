"""The end of a client's DPA in the company's datastores (R-107, Art. 28(3)(g)): the rows of the client's
people are deleted from every table its dataset map marks as holding that client's data (`client:`), one
transaction per datastore; the company's own tables and rows are left alone."""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from lawful import processing
from lawful.config import Settings

from . import datastore, rules
from .service import _connect, get_datastore

CHUNK = 500  # addresses per statement


def marked(register: processing.Register, client: str) -> list[processing.Datastore]:
    """The datastores with at least one table holding the client's data."""
    return [s for s in register.datastores if any(t.client == client for t in s.tables)]


def delete_people(
    settings: Settings, register: processing.Register, *, client: str, emails: Sequence[str]
) -> dict[str, int]:
    """Delete the rows linked to `emails` in the client's tables; rows deleted per `datastore.table`."""
    deleted: dict[str, int] = {}
    addresses = sorted({e.lower() for e in emails})
    for store in marked(register, client):
        path, _ = get_datastore(register, key=store.key)
        with _connect(settings, store, path, begin=True) as connection:
            live = datastore.reflect(connection, store, path)
            found = _linked(connection, store, live, addresses)
            for table in reversed(rules.order(store.tables)):  # children first, so foreign keys hold
                if table.client != client:
                    continue
                here = live[table.name]
                columns = list(here.primary_key.columns)
                for row in found[table.name]:
                    connection.execute(sa.delete(here).where(*(c == row[c.name] for c in columns)))
                deleted[f"{store.key}.{table.name}"] = len(found[table.name])
    return deleted


def _linked(
    connection: Connection, store: processing.Datastore, live: dict[str, sa.Table], addresses: list[str]
) -> datastore.Rows:
    """Every row of every mapped table that belongs to one of the people, parents first."""
    found: datastore.Rows = {}
    for table in rules.order(store.tables):
        here, link = live[table.name], table.link
        if isinstance(link, processing.IdentityLink):
            owners: list[Any] = addresses
            column: sa.ColumnElement[Any] = sa.func.lower(here.c[link.column])
        else:
            owners = sorted({row[link.references] for row in found.get(link.table, [])})
            column = here.c[link.column]
        rows: list[dict[str, Any]] = []
        for start in range(0, len(owners), CHUNK):
            query = here.select().where(column.in_(owners[start : start + CHUNK]))
            rows += [dict(row._mapping) for row in connection.execute(query)]
        found[table.name] = rows
    return found
