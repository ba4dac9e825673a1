"""Bulk writes that stay one statement whatever the number of rows: ON CONFLICT DO NOTHING inserts, several
tables written together under a guard, and `IN` lists as one array parameter on PostgreSQL."""

import json
import uuid
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, Table, any_, insert, literal
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.sql.dml import Insert

_TOGETHER: dict[tuple[Any, ...], str] = {}
Guard = tuple[Select[Any], Mapping[str, Any]]


def among(dialect: Dialect, column: Any, values: Sequence[Any]) -> ColumnElement[bool]:
    """`column IN values`. On PostgreSQL one array parameter (`= ANY(...)`): the statement's text, which
    psycopg parses on every run of a long one, then stays the same length whatever the number of values."""
    if dialect.name != "postgresql":
        return column.in_(values)  # type: ignore[no-any-return]
    return column == any_(literal(list(values), ARRAY(column.type)))  # type: ignore[no-any-return]


def insert_new(
    dialect: Dialect, model: type[DeclarativeBase], values: Mapping[str, Any], *, unique: list[str]
) -> Insert:
    """INSERT … ON CONFLICT (`unique`) DO NOTHING RETURNING the row: one round trip, no read first;
    the result has no row when one with the same `unique` columns was there (PostgreSQL, SQLite)."""
    dialect_insert = pg_insert if dialect.name == "postgresql" else sqlite_insert
    return (
        dialect_insert(model)
        .values(dict(values))
        .on_conflict_do_nothing(index_elements=unique)
        .returning(model)
    )


def insert_new_many(
    connection: Connection,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    *,
    unique: list[str],
    returning: list[str],
) -> list[Any]:
    """`insert_new` for many rows: INSERT … ON CONFLICT (`unique`) DO NOTHING RETURNING `returning` of the
    rows inserted. On PostgreSQL the rows travel as one JSON parameter (as in insert_together), so the
    statement's text is the same for any number of rows and psycopg parses it once."""
    if not rows:
        return []
    if connection.dialect.name != "postgresql":
        statement = sqlite_insert(table).on_conflict_do_nothing(index_elements=unique)
        return list(connection.execute(statement.returning(*(table.c[n] for n in returning)), list(rows)))
    names = ", ".join(f'"{c}"' for c in rows[0])
    sql = (
        f'INSERT INTO "{table.name}" ({names}) '  # noqa: S608 (the table's own names)
        f'SELECT {names} FROM json_populate_recordset(NULL::"{table.name}", %(rows)s) '
        f"ON CONFLICT ({', '.join(unique)}) DO NOTHING RETURNING {', '.join(returning)}"
    )
    params = {"rows": json.dumps(list(rows), separators=(",", ":"), default=_json_value)}
    return list(connection.exec_driver_sql(sql, params))


def insert_together(
    connection: Connection,
    groups: Sequence[tuple[Table, Sequence[Mapping[str, Any]]]],
    *,
    only_if: Guard | None = None,
) -> bool:
    """Insert rows into several tables as one write; with `only_if` (a SELECT and its parameters),
    only if that SELECT finds a row at the moment of writing. Returns whether it wrote.

    On PostgreSQL this is one statement, a WITH of INSERTs, each table's rows travelling as one JSON
    parameter unpacked by json_populate_recordset: in autocommit the whole write, guard included, is
    one round trip and atomic, and the statement text depends only on the tables, the columns and the
    guard, so psycopg and the server prepare it once. Elsewhere: the guard, then one executemany per
    table, in the caller's transaction (SQLite writers hold the write lock from BEGIN IMMEDIATE).
    Rows of one table share their keys; values are Python values (uuid, aware datetime, bytes, dict).
    """
    groups = [(table, rows) for table, rows in groups if rows]
    if connection.dialect.name != "postgresql":
        if only_if is not None and connection.execute(only_if[0], dict(only_if[1])).first() is None:
            return False
        for table, rows in groups:
            connection.execute(insert(table), list(rows))
        return True
    sql, params = together(connection.dialect, groups, only_if=only_if)
    return bool(connection.exec_driver_sql(sql, params).scalar())


def together(
    dialect: Dialect,
    groups: Sequence[tuple[Table, Sequence[Mapping[str, Any]]]],
    *,
    only_if: Guard | None = None,
) -> tuple[str, dict[str, Any]]:
    """insert_together's PostgreSQL statement and parameters (psycopg style), for a caller that runs
    it on a connection of its own (the fast lanes' asynchronous connections)."""
    groups = [(table, rows) for table, rows in groups if rows]
    shape = (tuple((table.name, tuple(rows[0])) for table, rows in groups), id(only_if[0]) if only_if else 0)
    sql = _TOGETHER.get(shape)
    guard = _compiled(dialect, only_if[0]) if only_if else None
    if sql is None:
        for table, rows in groups:
            unknown = set(rows[0]) - set(table.c.keys())
            if unknown:
                raise ValueError(f"not columns of {table.name}: {sorted(unknown)}")
        parts = [f"g AS ({guard.string})" if guard else "g AS (SELECT 1)"]
        for n, (name, columns) in enumerate(shape[0]):
            names = ", ".join(f'"{c}"' for c in columns)
            # names are the tables' own and checked above; the values are one bound parameter each
            parts.append(
                f'w{n} AS (INSERT INTO "{name}" ({names}) '  # noqa: S608
                f'SELECT {names} FROM json_populate_recordset(NULL::"{name}", %(w{n})s) '
                "WHERE EXISTS (SELECT FROM g))"
            )
        sql = _TOGETHER[shape] = "WITH " + ", ".join(parts) + " SELECT EXISTS (SELECT FROM g)"  # noqa: S608
    params: dict[str, Any] = dict(guard.params) if guard else {}
    if only_if is not None:
        params |= only_if[1]
    for n, (_, rows) in enumerate(groups):
        params[f"w{n}"] = json.dumps(rows, separators=(",", ":"), default=_json_value)
    return sql, params


_GUARDS: dict[int, Any] = {}


def _compiled(dialect: Dialect, guard: Select[Any]) -> Any:
    """A guard compiled once for PostgreSQL (guards are module-level statements, never rebuilt)."""
    found = _GUARDS.get(id(guard))
    if found is None:
        found = _GUARDS[id(guard)] = guard.compile(dialect=dialect)
    return found


def _json_value(value: Any) -> Any:
    """What json_populate_recordset reads back as the column's type."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored")
        return value.isoformat()
    if isinstance(value, bytes):
        return "\\x" + value.hex()
    if isinstance(value, uuid.UUID | date):
        return str(value)
    raise TypeError(f"cannot store {type(value).__name__}")
