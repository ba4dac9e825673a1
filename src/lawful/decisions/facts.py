"""The facts the gate needs, for one purpose, in one statement per chunk of people.

Each person's flags (restricted for this purpose, objected, held, suppressed, consent for this purpose,
last collection for this activity) are scalar subqueries on one row, so a single decision costs one
round trip and a batch of 100,000 people a few. Objections and legal holds, which the rule needs in
detail, are read in a second statement only for the rare people who have any.

The statements are built once per database dialect with bound parameters: building a statement of this
size costs more than running it.
"""

import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC
from functools import cache
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    Table,
    and_,
    any_,
    bindparam,
    exists,
    func,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session
from sqlalchemy.types import Uuid

from lawful import clock, consent, processing, subjects

from .rules import Person

SQLITE_CHUNK = 5000  # well under SQLite's 32,766 bound variables
_NEVER_GIVEN = str(consent.ConsentStatus.NEVER_GIVEN)


def _table(model: type[object]) -> Table:
    return cast(Table, model.__table__)  # type: ignore[attr-defined]


S, C, R = _table(subjects.Subject).c, _table(subjects.Collection).c, _table(subjects.Restriction).c
OB, H, ID = _table(subjects.Objection).c, _table(subjects.LegalHold).c, _table(subjects.Identity).c
CS, SP = _table(consent.ConsentState).c, _table(consent.Suppression).c
RV = _table(processing.RegisterVersion).c


def by_ids(
    db: Session, *, organisation_id: uuid.UUID, purpose: str, subject_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Person]:
    """Facts of many people (absent = not a person of this organisation)."""
    if not subject_ids:
        return {}
    dialect = db.get_bind().dialect.name
    known = {str(sid): sid for sid in subject_ids} | {sid.hex: sid for sid in subject_ids}
    if dialect == "postgresql":
        chunks: Iterable[Sequence[uuid.UUID]] = [subject_ids]
    else:
        chunks = (subject_ids[i : i + SQLITE_CHUNK] for i in range(0, len(subject_ids), SQLITE_CHUNK))
    found: dict[uuid.UUID, Person] = {}
    connection = db.connection()
    for chunk in chunks:
        params = _params(organisation_id, purpose) | {"ids": list(chunk)}
        rows = connection.execute(_by_ids(dialect), params)
        found |= _people(db, organisation_id, rows, known)
    return found


def by_lookup(
    db: Session, *, organisation_id: uuid.UUID, purpose: str, kind: str, lookup: str
) -> tuple[uuid.UUID | None, Person | None, uuid.UUID | None]:
    """One person found by an identity's keyed hash, their facts and the current register version id.

    All in one statement: the identity, the person's flags and the version the purpose is read from.
    """
    dialect = db.get_bind().dialect.name
    params = _params(organisation_id, purpose) | {"kind": kind, "lookup": lookup}
    row = db.connection().execute(_by_lookup(dialect), params).first()
    if row is None:
        return None, None, None
    version_id = row[-1] if isinstance(row[-1], uuid.UUID) else uuid.UUID(hex=row[-1])
    people = _people(db, organisation_id, [row], {})
    subject_id, person = next(iter(people.items()), (None, None))
    return subject_id, person, version_id


def _params(organisation_id: uuid.UUID, purpose: str) -> dict[str, Any]:
    return {"org": organisation_id, "purpose": purpose, "today": clock.today()}


@cache
def _by_ids(dialect: str) -> Select[Any]:
    if dialect == "postgresql":
        # one array parameter: a short statement psycopg prepares once, whatever the number of people
        among = S.id == any_(bindparam("ids", type_=postgresql.ARRAY(Uuid())))
    else:
        among = S.id.in_(bindparam("ids", expanding=True))
    return _statement(dialect, among)


@cache
def _by_lookup(dialect: str) -> Select[Any]:
    found_by = S.id == (
        select(ID.subject_id)
        .where(ID.organisation_id == bindparam("org"), ID.kind == bindparam("kind"))
        .where(ID.lookup == bindparam("lookup"))
        .scalar_subquery()
    )
    version = (
        select(_text_id(RV.id, dialect))
        .where(RV.organisation_id == bindparam("org"))
        .order_by(RV.number.desc())
        .limit(1)
        .scalar_subquery()
    )
    return _statement(dialect, found_by).add_columns(version)


def _text_id(column: ColumnElement[uuid.UUID], dialect: str) -> ColumnElement[Any]:
    """Ids as text on SQLite: building a UUID per row costs more than the query; the caller maps back."""
    return column if dialect == "postgresql" else type_coerce(column, String)


def _statement(dialect: str, selector: ColumnElement[bool]) -> Select[Any]:
    org: ColumnElement[Any] = bindparam("org")
    purpose: ColumnElement[Any] = bindparam("purpose")
    restricted = exists().where(
        R.subject_id == S.id, R.lifted_at.is_(None), or_(R.activity.is_(None), R.activity == purpose)
    )
    objected = exists().where(OB.subject_id == S.id)
    held = exists().where(H.subject_id == S.id, H.lifted_at.is_(None), H.review_on >= bindparam("today"))
    suppressed = exists().where(
        ID.subject_id == S.id, ID.kind == "email", SP.organisation_id == org, SP.lookup == ID.lookup
    )
    last = select(func.max(C.collected_at)).where(C.subject_id == S.id, C.activity == purpose)
    state = select(CS.state).where(CS.organisation_id == org, CS.subject_id == S.id, CS.purpose == purpose)
    return select(
        _text_id(S.id, dialect),
        _text_id(S.organisation_id, dialect),
        S.categories,
        S.child,
        S.role,
        restricted,
        objected,
        held,
        suppressed,
        last.scalar_subquery(),
        state.scalar_subquery(),
    ).where(selector)


def _people(
    db: Session, organisation_id: uuid.UUID, rows: Iterable[Any], known: dict[str, uuid.UUID]
) -> dict[uuid.UUID, Person]:
    found: dict[uuid.UUID, tuple[Any, ...]] = {}
    detailed: list[uuid.UUID] = []
    organisation = (organisation_id, organisation_id.hex)
    for row in rows:
        if row[1] not in organisation:
            continue
        raw = row[0]
        sid = raw if isinstance(raw, uuid.UUID) else known.get(raw) or uuid.UUID(hex=raw)
        found[sid] = tuple(row)[:11]
        if row[6] or row[7]:
            detailed.append(sid)
    objections, holds = _details(db, detailed)
    people = {}
    for sid, (_, _, categories, child, role, restricted, _, _, suppressed, last, state) in found.items():
        people[sid] = Person(
            categories=tuple(categories),
            role=role,
            consent=state or _NEVER_GIVEN,
            objections=objections.get(sid, ()),
            restricted=bool(restricted),
            suppressed=bool(suppressed),
            child=bool(child),
            holds=holds.get(sid, ()),
            last_collected=last if last is None or last.tzinfo else last.replace(tzinfo=UTC),
        )
    return people


def _details(
    db: Session, ids: list[uuid.UUID]
) -> tuple[dict[uuid.UUID, tuple[tuple[str, str | None, str | None], ...]], dict[uuid.UUID, tuple[str, ...]]]:
    objections: dict[uuid.UUID, tuple[tuple[str, str | None, str | None], ...]] = {}
    holds: dict[uuid.UUID, tuple[str, ...]] = {}
    for start in range(0, len(ids), SQLITE_CHUNK):
        chunk = ids[start : start + SQLITE_CHUNK]
        for sid, kind, activity, outcome in db.execute(
            select(OB.subject_id, OB.kind, OB.activity, OB.outcome).where(OB.subject_id.in_(chunk))
        ):
            objections[sid] = (*objections.get(sid, ()), (kind, activity, outcome))
        for sid, held_for in db.execute(
            select(H.subject_id, H.purpose).where(
                and_(H.subject_id.in_(chunk), H.lifted_at.is_(None), H.review_on >= clock.today())
            )
        ):
            holds[sid] = (*holds.get(sid, ()), held_for)
    return objections, holds
