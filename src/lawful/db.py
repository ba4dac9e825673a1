"""Engine, sessions, the declarative Base and the portable column types; migrations run from here."""

import json
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import (
    JSON,
    DateTime,
    Engine,
    MetaData,
    String,
    Table,
    TypeDecorator,
    create_engine,
    event,
    insert,
)
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
MIGRATIONS = Path(__file__).parent / "migrations"


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC; always returns aware datetimes (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON, list[Any]: JSON}  # noqa: RUF012


def table_of(model: type[Base]) -> Table:
    """A mapped class's table, typed as one (declarative types it as any FromClause)."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


class IdMixin:
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)


def short_string(length: int = 200) -> String:
    return String(length)


def make_engine(url: str, *, echo: bool = False, busy_timeout: float = 30, pool_size: int = 10) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(
            url, echo=echo, connect_args={"check_same_thread": False, "timeout": busy_timeout}
        )
        _sqlite_recipe(engine)
        return engine
    # No pre-ping: it is a round trip on every checkout, which a one-statement write would pay twice.
    # A connection that a database restart broke fails once, and SQLAlchemy then discards the pool.
    return create_engine(url, echo=echo, pool_recycle=1800, pool_size=pool_size, max_overflow=2 * pool_size)


def _sqlite_recipe(engine: Engine) -> None:
    """SQLAlchemy's pysqlite recipe: let SQLAlchemy emit BEGIN so SAVEPOINTs behave as on PostgreSQL."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        # IMMEDIATE: a transaction that reads then writes would otherwise fail at once ("database is locked")
        # when another connection committed in between; taking the write lock up front makes writers queue.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url:
        config.set_main_option("sqlalchemy.url", url)
    return config


def upgrade_to_head(engine: Engine) -> None:
    """Bring the schema to the newest migration (the only way the schema is made)."""
    if engine.url.get_backend_name() == "sqlite" and engine.url.database:
        Path(engine.url.database).parent.mkdir(parents=True, exist_ok=True)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


@contextmanager
def open_session(url: str) -> Iterator[Session]:
    """A session on its own engine, for CLI commands; the caller commits."""
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session:
            yield session
    finally:
        engine.dispose()


_TOGETHER: dict[tuple[Any, ...], str] = {}


def insert_together(
    connection: Connection, groups: Sequence[tuple[Table, Sequence[Mapping[str, Any]]]]
) -> None:
    """Insert rows into several tables as one write.

    On PostgreSQL this is one statement (a WITH of INSERTs), so that in autocommit the whole write is
    one round trip and still atomic; elsewhere one executemany per table in the caller's transaction.
    Rows of one table share their keys. Values are Python values (uuid, aware datetime, dict for JSON).
    """
    groups = [(table, rows) for table, rows in groups if rows]
    if connection.dialect.name != "postgresql":
        for table, rows in groups:
            connection.execute(insert(table), list(rows))
        return
    shape = tuple((table.name, tuple(rows[0]), len(rows)) for table, rows in groups)
    sql = _TOGETHER.get(shape)
    if sql is None:
        for table, rows in groups:
            unknown = set(rows[0]) - set(table.c.keys())
            if unknown:
                raise ValueError(f"not columns of {table.name}: {sorted(unknown)}")
        parts = []
        for n, (name, columns, count) in enumerate(shape):
            row = "(" + ", ".join(["%s"] * len(columns)) + ")"
            names = ", ".join(f'"{c}"' for c in columns)
            # names are the tables' own and checked above; every value is a bound parameter
            parts.append(f'w{n} AS (INSERT INTO "{name}" ({names}) VALUES {", ".join([row] * count)})')  # noqa: S608
        sql = _TOGETHER[shape] = "WITH " + ", ".join(parts) + " SELECT 1"
    params = [_pg_value(row[c]) for table, rows in groups for row in rows for c in rows[0]]
    connection.exec_driver_sql(sql, tuple(params))


def _pg_value(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"), default=str)
    if isinstance(value, datetime) and value.tzinfo is None:
        raise ValueError("naive datetimes are not stored")
    return value
