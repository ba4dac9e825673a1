"""Alembic environment: runs on a connection handed over by lawful.db, or on sqlalchemy.url."""

from alembic import context
from sqlalchemy import create_engine

from lawful import (  # noqa: F401  (importing the domains registers every table)
    audit,
    breaches,
    clients,
    compliance,
    connectors,
    consent,
    decisions,
    dsr,
    intake,
    mail,
    marketing,
    notices,
    processing,
    retention,
    staff,
    subjects,
)
from lawful.breaches import clients as _clients  # noqa: F401  (the notices to client controllers)
from lawful.breaches import scope as _scope  # noqa: F401  (its tables and the letters')
from lawful.db import Base

target_metadata = Base.metadata
config = context.config


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _migrate(connection)
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as conn:
        _migrate(conn)


def _migrate(connection: object) -> None:
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)  # type: ignore[arg-type]
    with context.begin_transaction():
        context.run_migrations()


run()
