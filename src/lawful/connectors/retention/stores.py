"""The datastores a retention plan or run goes through: each organisation's applied register, each of
its dataset maps with kept tables, and the connections to that datastore."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from lawful import processing
from lawful.config import Settings
from lawful.errors import LawfulError

from .. import datastore
from .. import rules as map_rules
from ..errors import DatastoreRefused, DatastoreUnreachable, MapMismatch
from .models import DatastoreRetention
from .outcome import RetentionDone, RetentionProblem
from .rules import end_changes

Step = tuple[str, list[list[Any]], dict[str, Any] | None]


@dataclass(frozen=True)
class Store:
    organisation_id: uuid.UUID
    register: processing.Register
    map: processing.Datastore
    path: str  # datastores[0], for errors that name it
    settings: Settings

    def kept(self) -> Iterator[tuple[processing.DatastoreTable, processing.RetentionRule]]:
        """Each kept table with each rule that keeps it, children before parents (the order rows go in)."""
        by_key = {r.key: r for r in self.register.retention_rules}
        for table in reversed(map_rules.order(self.map.tables)):
            for key in processing.kept_rules(table):
                yield table, by_key[key]

    @contextmanager
    def reading(self) -> Iterator[tuple[Connection, dict[str, sa.Table]]]:
        with self._errors(), self._engine().connect() as connection:
            yield connection, datastore.reflect(connection, self.map, self.path)

    @contextmanager
    def writing(self) -> Iterator[tuple[Connection, dict[str, sa.Table]]]:
        """One transaction of the datastore: committed when the block ends, rolled back if it raises."""
        with self._errors(), self._engine().begin() as connection:
            yield connection, datastore.reflect(connection, self.map, self.path)

    def changes(self, entry: DatastoreRetention) -> dict[str, Any] | None:
        """What an entry writes into its rows (None: it deletes them), from the map as it stands."""
        if entry.action == "deleted":
            return None
        table = next((t for t in self.map.tables if t.name == entry.table_name), None)
        found = end_changes(table, entry.retention) if table is not None else None
        if not found:
            raise MapMismatch(
                f"the dataset map of {self.map.key!r} no longer anonymises {entry.table_name!r} at the end "
                f"of {entry.retention!r}, which a planned run was doing",
                problems=[{"path": f"{self.path}.tables", "message": "planned entry no longer mapped"}],
            )
        return found

    def deletion_order(self, steps: list[Step]) -> list[Step]:
        """Children before their parents, so that foreign keys hold while rows go."""
        depth = {t.name: i for i, t in enumerate(reversed(map_rules.order(self.map.tables)))}
        return sorted(steps, key=lambda step: depth.get(step[0], 0))

    def done(
        self,
        table: str,
        retention: str,
        action: str,
        *,
        rows: int,
        held: int,
        entry_id: uuid.UUID | None,
        resumed: bool = False,
    ) -> RetentionDone:
        return RetentionDone(
            self.organisation_id, self.map.key, table, retention, action, rows, held, entry_id, resumed
        )

    def problem(self, exc: LawfulError) -> RetentionProblem:
        return RetentionProblem(self.organisation_id, self.map.key, exc.code, exc.detail)

    def _engine(self) -> sa.Engine:
        return datastore.engine(self.settings, self.map, self.path)

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """A datastore's own errors, named by their kind only (a driver's message may quote values)."""
        try:
            yield
        except sa.exc.OperationalError as exc:
            raise DatastoreUnreachable(
                f"datastore {self.map.key!r} cannot be reached: {type(exc.orig).__name__}"
            ) from exc
        except DBAPIError as exc:
            raise DatastoreRefused(
                f"datastore {self.map.key!r} refused the retention run: {type(exc.orig).__name__}"
            ) from exc


def stores(db: Session, organisation_id: uuid.UUID | None, settings: Settings) -> Iterator[Store]:
    """Every mapped datastore with a kept table, of one organisation or of all that applied a register."""
    if organisation_id is not None:
        ids = [organisation_id]
    else:
        ids = [o.id for o in processing.list_organisations(db)]
    for org in ids:
        if processing.find_current(db, organisation_id=org) is None:
            continue
        register = processing.current_register(db, organisation_id=org)[1]
        for index, store in enumerate(register.datastores):
            if any(processing.kept_rules(t) for t in store.tables):
                yield Store(org, register, store, f"datastores[{index}]", settings)
