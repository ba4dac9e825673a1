"""Access and erasure in the company's other databases, as the register's dataset maps describe them.

Reads open a connection of their own; an erasure commits its plan in lawful's database, then changes the
datastore in one transaction of that datastore, then records the evidence (ARCHITECTURE §3.5).
"""

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from lawful import audit, clock, crypto, keystore, processing, subjects, work
from lawful.actor import Actor
from lawful.config import Settings

from . import datastore, rules
from .errors import DatastoreUnreachable, UnknownDatastore
from .models import DatastoreErasure


def get_datastore(register: processing.Register, *, key: str) -> tuple[str, processing.Datastore]:
    """The datastore and its path in the register (`datastores[0]`), for errors that name it."""
    for index, store in enumerate(register.datastores):
        if store.key == key:
            return f"datastores[{index}]", store
    raise UnknownDatastore(
        f"the register maps no datastore {key!r}", problems=[{"path": "datastore", "message": "unknown"}]
    )


def check(
    settings: Settings, register: processing.Register, *, key: str | None = None
) -> list[dict[str, str]]:
    """Every way the dataset maps do not fit their live databases; an empty list means they all fit."""
    if key is not None:
        get_datastore(register, key=key)  # an unknown key is an error, not a check of nothing
    problems = []
    for store in register.datastores:
        if key is not None and store.key != key:
            continue
        path, _ = get_datastore(register, key=store.key)
        try:
            with datastore.engine(settings, store, path).connect() as connection:
                problems += datastore.mismatches(connection, store, path)
        except DBAPIError as exc:
            problems.append(
                {"path": f"{path}.url_setting", "message": f"cannot connect: {type(exc.orig).__name__}"}
            )
    return problems


def check_report(
    settings: Settings, register: processing.Register, *, key: str | None = None
) -> dict[str, Any]:
    """`check` as the CLI and the API answer it: ok, the datastores checked, and every mismatch."""
    problems = check(settings, register, key=key)
    keys = [s.key for s in register.datastores if key in (None, s.key)]
    return {"ok": not problems, "datastores": keys, "problems": problems}


def register_to_check(
    db: Session, *, organisation_id: uuid.UUID, text: str | None = None
) -> processing.Register:
    """The organisation's applied register, or a register document of the same organisation."""
    if text is None:
        return processing.current_register(db, organisation_id=organisation_id)[1]
    register, problems = processing.check(text)
    if register is None:
        raise processing.RegisterInvalid(
            "yaml: not a valid register document",
            problems=[vars(p) | {"path": f"yaml.{p.path}"} for p in problems],
        )
    own = processing.find_organisation(db, slug=register.organisation.slug)
    if own is None or own.id != organisation_id:
        raise processing.RegisterInvalid(
            "yaml: the document is another organisation's register",
            problems=[{"path": "yaml.organisation.slug", "message": "not this organisation"}],
        )
    return register


def find(
    db: Session,
    actor: Actor,
    settings: Settings,
    register: processing.Register,
    *,
    organisation_id: uuid.UUID | None,
    email: str,
    key: str | None = None,
) -> list[dict[str, Any]]:
    """`preview` in each datastore (or the one named): what an erasure would do, no personal value shown.
    A search for a person, so audited found or not (R-88), with the datastores and never the address."""
    if key is not None:
        get_datastore(register, key=key)
    found = [
        preview(settings, register, key=s.key, email=email)
        for s in register.datastores
        if key in (None, s.key)
    ]
    audit.record(
        db,
        actor,
        "connectors.searched",
        entity_type="Datastore",
        organisation_id=organisation_id,
        outcome="found" if any(f["found"] for f in found) else "not_found",
        data={"datastores": [f["datastore"] for f in found], "fields": sum(len(f["fields"]) for f in found)},
    )
    return found


def collect(settings: Settings, register: processing.Register, *, key: str, email: str) -> dict[str, Any]:
    """Art. 15: every row and field of the datastore that links to the person, with its category (R-51)."""
    path, store = get_datastore(register, key=key)
    with _connect(settings, store, path) as connection:
        tables = datastore.reflect(connection, store, path)
        rows = datastore.linked_rows(connection, store, tables, email=subjects.normalise_email(email))
    found = []
    for table in rules.order(store.tables):
        live = tables[table.name]
        for row in rows[table.name]:
            key_columns = [c.name for c in live.primary_key.columns]
            found.append(
                {
                    "table": table.name,
                    "key": dict(zip(key_columns, datastore.primary_key(live, row), strict=True)),
                    "fields": [
                        {"column": c.name, "category": c.category, "value": datastore.plain(row[c.name])}
                        for c in table.columns
                    ],
                }
            )
    return {"datastore": store.key, "name": store.name, "rows": found}


def preview(settings: Settings, register: processing.Register, *, key: str, email: str) -> dict[str, Any]:
    """What an erasure would do, field by field, without doing it and without showing any value."""
    path, store = get_datastore(register, key=key)
    with _connect(settings, store, path) as connection:
        tables = datastore.reflect(connection, store, path)
        rows = datastore.linked_rows(connection, store, tables, email=subjects.normalise_email(email))
    fields = rules.evidence(store, rows, _retention(register))
    return {"datastore": store.key, "name": store.name, "found": bool(fields), "fields": fields}


def erase(
    db: Session,
    actor: Actor,
    keys: keystore.Keys,
    settings: Settings,
    register: processing.Register,
    *,
    organisation_id: uuid.UUID,
    key: str,
    email: str,
    reference: str | None = None,
) -> dict[str, Any]:
    """Art. 17: erase, anonymise or keep each mapped field; run again, it does nothing more and says the same."""
    path, store = get_datastore(register, key=key)
    address = subjects.normalise_email(email)
    lookup = crypto.keyed_hash(keys.lookup, f"datastore:{store.key}:{address}")
    record = db.scalar(
        select(DatastoreErasure).where(
            DatastoreErasure.organisation_id == organisation_id,
            DatastoreErasure.datastore == store.key,
            DatastoreErasure.lookup == lookup,
        )
    )
    if record is not None and record.status == "planned":
        return _carry_out(db, actor, settings, store, path, record)  # a crash came between the two commits
    with _connect(settings, store, path) as connection:
        tables = datastore.reflect(connection, store, path)
        rows = datastore.linked_rows(connection, store, tables, email=address)
    if not any(rows.values()):
        previous = record.evidence if record is not None else None
        return previous or {"datastore": store.key, "name": store.name, "found": False, "fields": []}
    if record is None:
        record = DatastoreErasure(organisation_id=organisation_id, datastore=store.key, lookup=lookup)
        db.add(record)
    record.reference, record.status, record.planned_at, record.done_at = (
        reference,
        "planned",
        clock.now(),
        None,
    )
    record.plan = _plan(store, tables, rows)
    record.evidence = {
        "datastore": store.key,
        "name": store.name,
        "found": True,
        "fields": rules.evidence(store, rows, _retention(register)),
    }
    db.flush()
    work.checkpoint(db)  # the plan is durable before the datastore changes: a crash after it resumes it
    return _carry_out(db, actor, settings, store, path, record)


def _carry_out(
    db: Session,
    actor: Actor,
    settings: Settings,
    store: processing.Datastore,
    path: str,
    record: DatastoreErasure,
) -> dict[str, Any]:
    with _connect(settings, store, path, begin=True) as connection:
        datastore.apply(connection, datastore.reflect(connection, store, path), record.plan)
    record.status, record.done_at = "done", clock.now()
    counts: dict[str, int] = {}
    for field in record.evidence["fields"]:
        counts[field["action"]] = counts.get(field["action"], 0) + 1
    audit.record(
        db,
        actor,
        "connectors.erased",
        entity=record,
        organisation_id=record.organisation_id,
        data={"datastore": store.key, "fields": counts},
    )
    db.flush()
    return dict(record.evidence)


def _plan(
    store: processing.Datastore, tables: dict[str, Any], rows: datastore.Rows
) -> dict[str, list[dict[str, Any]]]:
    """The rows by primary key and what is done to each table; kept rows stay listed (they are restricted)."""
    return {
        "tables": [
            {
                "name": table.name,
                "rows": [datastore.primary_key(tables[table.name], row) for row in rows[table.name]],
                "delete": rules.deletes_row(table),
                "set": rules.changes(table),
            }
            for table in rules.order(store.tables)
            if rows[table.name]
        ]
    }


def _retention(register: processing.Register) -> dict[str, processing.RetentionRule]:
    return {r.key: r for r in register.retention_rules}


def _connect(settings: Settings, store: processing.Datastore, path: str, *, begin: bool = False) -> Any:
    opened = datastore.engine(settings, store, path)
    try:
        return opened.begin() if begin else opened.connect()
    except DBAPIError as exc:
        raise DatastoreUnreachable(
            f"datastore {store.key!r} cannot be reached: {type(exc.orig).__name__}"
        ) from exc
