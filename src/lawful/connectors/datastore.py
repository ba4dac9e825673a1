"""One SQL datastore as its dataset map describes it: its live tables, the rows linked to a person, and the
erasure plan applied in one transaction of that datastore."""

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import NoSuchTableError

from lawful import db, processing
from lawful.config import Settings

from . import rules
from .errors import DatastoreNotConfigured, MapMismatch

Rows = dict[str, list[dict[str, Any]]]
_engines: dict[str, Engine] = {}


def engine(settings: Settings, store: processing.Datastore, path: str) -> Engine:
    secret = settings.datastores.get(store.url_setting)
    if secret is None:
        raise DatastoreNotConfigured(
            f"no URL for datastore {store.key!r}: set LAWFUL_DATASTORES__{store.url_setting.upper()}",
            problems=[{"path": f"{path}.url_setting", "message": "no such setting"}],
        )
    url = secret.get_secret_value()
    if url not in _engines:
        _engines[url] = db.make_engine(url, pool_size=2)
    return _engines[url]


def dispose() -> None:
    """Close every datastore connection (tests, and a change of settings)."""
    for opened in _engines.values():
        opened.dispose()
    _engines.clear()


def mismatches(connection: Connection, store: processing.Datastore, path: str) -> list[dict[str, str]]:
    """Every table and column of the map that the live database lacks, with its path in the register."""
    found = []
    inspector = sa.inspect(connection)
    for t_index, table in enumerate(store.tables):
        where = f"{path}.tables[{t_index}]"
        try:
            live = {c["name"]: c for c in inspector.get_columns(table.name)}
            key = inspector.get_pk_constraint(table.name)["constrained_columns"]
        except NoSuchTableError:
            found.append({"path": f"{where}.name", "message": f"no table {table.name!r} in the database"})
            continue
        if not key:
            found.append({"path": f"{where}.name", "message": "the table has no primary key"})
        names = [(f"{where}.link.column", table.link.column)]
        names += [(f"{where}.columns[{i}].name", c.name) for i, c in enumerate(table.columns)]
        names += [
            (f"{where}.columns[{i}].keep.since", c.keep.since)
            for i, c in enumerate(table.columns)
            if c.keep is not None and c.keep.since is not None
        ]
        names += [(f"{where}.events[{i}].column", e.column) for i, e in enumerate(table.events)]
        for where_name, name in names:
            if name not in live:
                found.append({"path": where_name, "message": f"no column {name!r} in table {table.name!r}"})
        for i, column in enumerate(table.columns):
            info = live.get(column.name)
            if not info or info["nullable"]:
                continue
            if column.erasure is processing.ErasureAction.SET_NULL:
                found.append(
                    {
                        "path": f"{where}.columns[{i}].erasure",
                        "message": f"{table.name}.{column.name} is NOT NULL: anonymise it instead",
                    }
                )
            if column.keep is not None and column.keep.at_end is processing.AtEnd.SET_NULL:
                found.append(
                    {
                        "path": f"{where}.columns[{i}].keep.at_end",
                        "message": f"{table.name}.{column.name} is NOT NULL: anonymise it or delete the row",
                    }
                )
    found += _references(inspector, store, path)
    return found


def _references(inspector: Any, store: processing.Datastore, path: str) -> Iterator[dict[str, str]]:
    tables = {t.name for t in store.tables}
    for t_index, table in enumerate(store.tables):
        link = table.link
        if not isinstance(link, processing.ParentLink) or link.table not in tables:
            continue
        try:
            parent = {c["name"] for c in inspector.get_columns(link.table)}
        except NoSuchTableError:
            continue
        if link.references not in parent:
            yield {
                "path": f"{path}.tables[{t_index}].link.references",
                "message": f"no column {link.references!r} in table {link.table!r}",
            }


def reflect(connection: Connection, store: processing.Datastore, path: str) -> dict[str, sa.Table]:
    """The live tables of the map, refused with every mismatch when the map does not fit (T-05)."""
    problems = mismatches(connection, store, path)
    if problems:
        raise MapMismatch(
            f"the dataset map of {store.key!r} does not fit its database: {problems[0]['path']}: "
            f"{problems[0]['message']}",
            problems=problems,
        )
    metadata = sa.MetaData()
    return {t.name: sa.Table(t.name, metadata, autoload_with=connection) for t in store.tables}


def linked_rows(
    connection: Connection, store: processing.Datastore, tables: dict[str, sa.Table], *, email: str
) -> Rows:
    """Every row of every mapped table that belongs to the person, parents first."""
    found: Rows = {}
    for table in rules.order(store.tables):
        live = tables[table.name]
        link = table.link
        if isinstance(link, processing.IdentityLink):
            condition = sa.func.lower(live.c[link.column]) == email.lower()
        else:
            owners = {row[link.references] for row in found.get(link.table, [])}
            if not owners:
                found[table.name] = []
                continue
            condition = live.c[link.column].in_(sorted(owners))
        order = [live.c[c.name] for c in live.primary_key.columns]
        query = live.select().where(condition).order_by(*order)
        found[table.name] = [dict(row._mapping) for row in connection.execute(query)]
    return found


def primary_key(live: sa.Table, row: dict[str, Any]) -> list[Any]:
    return [plain(row[c.name]) for c in live.primary_key.columns]


def plain(value: Any) -> Any:
    """A value as JSON can hold it (dates as ISO text, decimals as text)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (bytes, memoryview)):
        return bytes(value).hex()
    return str(value)


def apply(connection: Connection, tables: dict[str, sa.Table], plan: dict[str, Any]) -> None:
    """Run a plan: updates first, then deletes from the deepest table up (so foreign keys hold)."""
    for step in plan["tables"]:
        if step["set"] and not step["delete"]:
            for key in step["rows"]:
                connection.execute(_by_key(tables[step["name"]], key, sa.update).values(step["set"]))
    for step in reversed(plan["tables"]):
        if step["delete"]:
            for key in step["rows"]:
                connection.execute(_by_key(tables[step["name"]], key, sa.delete))


def _by_key(live: sa.Table, key: list[Any], verb: Any) -> Any:
    columns = list(live.primary_key.columns)
    return verb(live).where(*(column == value for column, value in zip(columns, key, strict=True)))
