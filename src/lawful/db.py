"""Engine, sessions, the declarative Base, the portable column types and the organisation scope; migrations
run from here. The bulk writes live in `lawful.bulk` and are named here too, where callers look for them."""

import uuid
from collections.abc import Iterator
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
    Uuid,
    bindparam,
    create_engine,
    event,
)
from sqlalchemy.engine import Connection, Dialect, make_url
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    ORMExecuteState,
    Session,
    mapped_column,
    sessionmaker,
    with_loader_criteria,
)

from lawful.bulk import Guard as Guard
from lawful.bulk import among as among
from lawful.bulk import insert_new as insert_new
from lawful.bulk import insert_new_many as insert_new_many
from lawful.bulk import insert_together as insert_together
from lawful.bulk import together as together
from lawful.errors import Forbidden

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


# What an INTEGER column holds on every database lawful runs on (PostgreSQL's int4): a number a caller sends
# for one is bounded by it, so that no request reaches the database with one it cannot store or compare
MAX_INTEGER = 2_147_483_647


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


SCOPE = "lawful.organisation"


class Scoped:
    """A model whose rows belong to one organisation (its `organisation_id`). A session scoped to an
    organisation (`scope`) reads, updates and deletes only that organisation's rows, and refuses to write a
    row of another: one mechanism for every query, so no handler can forget the check (ARCHITECTURE §3.10)."""


class ScopedThrough:
    """A model whose organisation is its parent's (a request's steps, a staff member's sessions)."""

    @classmethod
    def of_organisation(cls, organisation_id: Any) -> Any:
        """The rows of this organisation, as a WHERE criterion."""
        raise NotImplementedError


def scope(session: Session, organisation_id: uuid.UUID | None) -> None:
    """From now on `session` sees and changes only this organisation's rows (None: every organisation,
    for the system's own work: the operator's commands, jobs, the public pages' resolved organisation)."""
    session.info[SCOPE] = organisation_id


@event.listens_for(Session, "do_orm_execute")
def _only_the_scope(state: ORMExecuteState) -> None:
    organisation_id = state.session.info.get(SCOPE)
    if organisation_id is None:
        return
    # The criteria name the organisation as a bound parameter, given here with the statement, so one
    # compiled statement serves every organisation. Every read gets it (loads of expired columns and
    # relationships may carry a criterion along); a statement that somehow lacked it would fail, not leak.
    if state.is_select:
        state.parameters = _with_scope(state.parameters, organisation_id)
    if state.is_column_load or not (state.is_select or state.is_update or state.is_delete):
        return
    options = [option for model in _models(state) if (option := _criteria(model)) is not None]
    if options:
        state.statement = state.statement.options(*options)
        if not state.is_select:  # an UPDATE or DELETE takes only the parameters it names
            state.parameters = _with_scope(state.parameters, organisation_id)


def _models(state: ORMExecuteState) -> set[type[Any]]:
    """The mapped classes a statement reads or changes, from the entities it names (its columns, FROMs and
    joins, or the table it updates): `state.all_mappers` finds the same by building a compile state for
    every statement, which cost more than the rest of the scoping."""
    statement: Any = state.statement
    if state.is_select:
        named = [*statement._raw_columns, *statement._from_obj]
        named += [join[0] for join in statement._setup_joins]
    else:
        named = [statement.table]
    models = set()
    for element in named:
        entity = element._annotations.get("parententity") if hasattr(element, "_annotations") else None
        if entity is not None:
            models.add(entity.class_)
    return models or {mapper.class_ for mapper in state.all_mappers}  # a shape not seen above


SCOPE_PARAMETER = "lawful_scope_organisation"


def _with_scope(parameters: Any, organisation_id: uuid.UUID) -> Any:
    if isinstance(parameters, list):
        return [{**each, SCOPE_PARAMETER: organisation_id} for each in parameters]
    return {**(parameters or {}), SCOPE_PARAMETER: organisation_id}


_CRITERIA: dict[type[Any], Any] = {}


def _criteria(model: type[Any]) -> Any:
    """The scope's criterion for one model, built once: building it for every statement (an expression,
    or a lambda for SQLAlchemy to analyse and call again) cost more than many of the queries it scoped."""
    if model not in _CRITERIA:
        organisation = bindparam(SCOPE_PARAMETER, type_=Uuid())
        scoped: Any = model
        criterion = (
            scoped.organisation_id == organisation
            if issubclass(model, Scoped)
            else scoped.of_organisation(organisation)
            if issubclass(model, ScopedThrough)
            else None
        )
        _CRITERIA[model] = (
            None if criterion is None else with_loader_criteria(model, criterion, include_aliases=True)
        )
    return _CRITERIA[model]


@event.listens_for(Session, "before_flush")
def _no_write_outside_the_scope(session: Session, _context: Any, _instances: Any) -> None:
    organisation_id = session.info.get(SCOPE)
    if organisation_id is None:
        return
    for row in (*session.new, *session.dirty):
        if isinstance(row, Scoped) and getattr(row, "organisation_id", None) not in (organisation_id, None):
            raise Forbidden("that belongs to another organisation")


def make_engine(url: str, *, echo: bool = False, busy_timeout: float = 30, pool_size: int = 10) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(
            url, echo=echo, connect_args={"check_same_thread": False, "timeout": busy_timeout}
        )
        _sqlite_recipe(engine)
        return engine
    # No pre-ping: it is a round trip on every checkout, which a one-statement write would pay twice.
    # A connection that a database restart broke fails once, and SQLAlchemy then discards the pool.
    # No JIT: it compiles a large statement for 0.3–0.8 s before running it (a batch decision over
    # 100,000 people ran in 0.6 s, and JIT took longer than that); lawful's statements gain nothing from it.
    # An `options` given in the URL is kept as it is.
    connect_args = {} if "options" in make_url(url).query else {"options": "-c jit=off"}
    return create_engine(
        url,
        echo=echo,
        pool_recycle=1800,
        pool_size=pool_size,
        max_overflow=2 * pool_size,
        connect_args=connect_args,
    )


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
