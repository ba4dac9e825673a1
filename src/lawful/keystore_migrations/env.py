"""Alembic environment of the key store (a database apart from the main one)."""

from alembic import context
from sqlalchemy import create_engine

from lawful.keystore import KeyBase

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
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=KeyBase.metadata,
        render_as_batch=True,
        version_table="keystore_version",
    )
    with context.begin_transaction():
        context.run_migrations()


run()
