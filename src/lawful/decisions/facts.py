"""The facts the gate needs, for one purpose, in one statement per chunk of people.

Each person's flags (restricted for this purpose, objected, held, suppressed, consent for this purpose,
last collection for this activity) are scalar subqueries on one row, so a single decision costs one
round trip and a batch of 100,000 people a few. Objections, legal holds and archives, which the rule
needs in detail, are read in a second statement only for the rare people who have any.

The statements are built once per database dialect with bound parameters: building a statement of this
size costs more than running it.
"""

import json
import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    Table,
    Text,
    and_,
    bindparam,
    exists,
    func,
    or_,
    select,
    type_coerce,
)
from sqlalchemy import cast as sql_cast
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DataError
from sqlalchemy.orm import Session

from lawful import clock, consent, processing, subjects

from .rules import Person

# What the gate knows of one person, as a plain tuple: categories, role, consent, objections,
# restricted, suppressed, child, holds, last collection for the purpose, archived activities (with their
# rule), all archived. A batch builds 100,000 of them, and a frozen dataclass each cost more than the
# query; `person` makes the rule's Person when needed.
Objections = tuple[tuple[str, str | None, str | None], ...]
Archived = tuple[tuple[str, str], ...]
Fact = tuple[
    tuple[str, ...],
    str,
    str,
    Objections,
    bool,
    bool,
    bool,
    tuple[str, ...],
    datetime | None,
    Archived,
    bool,
]
# The details read only for the rare people who have any: objections, holds in force, archives, and
# whether every activity of theirs is archived.
Detail = tuple[Objections, tuple[str, ...], Archived, bool]
NO_DETAIL: Detail = ((), (), (), False)


def person(fact: Fact) -> Person:
    (
        categories,
        role,
        consent_state,
        objections,
        restricted,
        suppressed,
        child,
        holds,
        last,
        archived,
        whole,
    ) = fact
    return Person(
        categories=categories,
        role=role,
        consent=consent_state,
        objections=objections,
        restricted=restricted,
        suppressed=suppressed,
        child=child,
        holds=holds,
        last_collected=last,
        archived=archived,
        all_archived=whole,
    )


def with_detail(fact: Fact, detail: Detail) -> Fact:
    objections, holds, archived, whole = detail
    return (*fact[:3], objections, *fact[4:7], holds, fact[8], archived, whole)


ALL_MARKETING = "marketing"  # an exclusion entry of this scope covers every marketing purpose
SQLITE_CHUNK = 5000  # well under SQLite's 32,766 bound variables
NEVER_GIVEN = str(consent.ConsentStatus.NEVER_GIVEN)


def table(model: type[object]) -> Table:
    return cast(Table, model.__table__)  # type: ignore[attr-defined]


S, C, R = table(subjects.Subject).c, table(subjects.Collection).c, table(subjects.Restriction).c
OB, H, ID = table(subjects.Objection).c, table(subjects.LegalHold).c, table(subjects.Identity).c
A = table(subjects.Archive).c
CS, SP = table(consent.ConsentState).c, table(consent.Suppression).c
RV = table(processing.RegisterVersion).c


def by_ids(
    db: Session, *, organisation_id: uuid.UUID, purpose: str, subject_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Fact]:
    """Facts of many people (absent = not a person of this organisation)."""
    if not subject_ids:
        return {}
    dialect = db.get_bind().dialect.name
    known = {sid.hex: sid for sid in subject_ids} if dialect != "postgresql" else {}
    chunks = (subject_ids[i : i + SQLITE_CHUNK] for i in range(0, len(subject_ids), SQLITE_CHUNK))
    found: dict[uuid.UUID, Fact] = {}
    connection = db.connection()
    for chunk in chunks:
        params = _params(organisation_id, purpose) | {"ids": list(chunk)}
        rows = connection.execute(_by_ids(dialect), params).all()
        found |= _people(db, organisation_id, rows, known)
    return found


def by_lookup(
    connection: Any,
    dialect: Dialect,
    *,
    organisation_id: uuid.UUID,
    purpose: str,
    kind: str,
    lookup: str,
    details: Session | None = None,
) -> tuple[Person | None, uuid.UUID | None] | None:
    """A person found by an identity's keyed hash, with their facts and the current register version id
    (both None when no one has that identity), in one statement on a DB-API connection.

    The statement is compiled once and run without SQLAlchemy's execution machinery, which cost more than
    the query itself. Objections and holds are read through `details`; without it (the fast lane), a
    person who has any gives None, and the caller takes the ordinary path.
    """
    sql, params = lookup_statement(
        dialect, organisation_id=organisation_id, purpose=purpose, kind=kind, lookup=lookup
    )
    cursor = connection.cursor()
    try:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    except dialect.loaded_dbapi.DataError as exc:  # as SQLAlchemy would raise it, for the app's handler
        raise DataError(sql, None, exc) from exc
    finally:
        cursor.close()
    return from_row(row, organisation_id, details)


def lookup_statement(
    dialect: Dialect, *, organisation_id: uuid.UUID, purpose: str, kind: str, lookup: str
) -> tuple[str, Any]:
    """by_lookup's statement and DB-API parameters, for a caller with a connection of its own."""
    sql, names, defaults = _compiled_lookup(dialect)
    values = defaults | _params(organisation_id, purpose) | {"kind": kind, "lookup": lookup}
    if dialect.name != "postgresql":  # SQLite stores ids as hex and dates as text
        values = {k: v.hex if isinstance(v, uuid.UUID) else v for k, v in values.items()}
    return sql, [values[n] for n in names] if names is not None else values


def from_row(
    row: Any, organisation_id: uuid.UUID, details: Session | None = None
) -> tuple[Person | None, uuid.UUID | None] | None:
    """What by_lookup answers for the statement's row (None: the ordinary path is needed)."""
    if row is None:  # the organisation has no register
        return None, None
    version_id = row[-1] if isinstance(row[-1], uuid.UUID) else uuid.UUID(hex=row[-1])
    if row[0] is None:  # no one has this identity
        return None, version_id
    if (row[6] or row[7] or row[11]) and details is None:
        return None
    fact = next(iter(_people(details, organisation_id, [row], {}).values()), None)
    return None if fact is None else person(fact), version_id


@cache
def _compiled_lookup(dialect: Dialect) -> tuple[str, tuple[str, ...] | None, dict[str, Any]]:
    compiled = _by_lookup(dialect.name).compile(dialect=dialect)
    placeholder = {"org": uuid.UUID(int=0), "purpose": "", "kind": "", "lookup": ""}
    defaults = {k: v for k, v in compiled.construct_params(placeholder).items() if k not in placeholder}
    names = tuple(compiled.positiontup) if compiled.positional and compiled.positiontup else None
    return compiled.string, names, defaults


def _params(organisation_id: uuid.UUID, purpose: str) -> dict[str, Any]:
    return {"org": organisation_id, "purpose": purpose}


@cache
def _by_ids(dialect: str) -> Select[Any]:
    return statement(dialect, S.id.in_(bindparam("ids", expanding=True)))


@cache
def _by_lookup(dialect: str) -> Select[Any]:
    found_by = S.id == (
        select(ID.subject_id)
        .where(ID.organisation_id == bindparam("org"), ID.kind == bindparam("kind"))
        .where(ID.lookup == bindparam("lookup"))
        .scalar_subquery()
    )
    version = (
        select(_text_id(RV.id, dialect).label("version"))
        .where(RV.organisation_id == bindparam("org"))
        .order_by(RV.number.desc())
        .limit(1)
        .subquery()
    )
    # The register version's row, with the person's facts when someone has the identity (NULLs when not):
    # known and unknown people take the same single round trip, so the time does not tell them apart.
    subjects_table = table(subjects.Subject)
    return (
        statement(dialect, None)
        .add_columns(version.c.version)
        .select_from(version.outerjoin(subjects_table, found_by))
    )


def _text_id(column: ColumnElement[uuid.UUID], dialect: str) -> ColumnElement[Any]:
    """Ids as text on SQLite: building a UUID per row costs more than the query; the caller maps back."""
    return column if dialect == "postgresql" else type_coerce(column, String)


def statement(dialect: str, selector: ColumnElement[bool] | None) -> Select[Any]:
    org: ColumnElement[Any] = bindparam("org")
    purpose: ColumnElement[Any] = bindparam("purpose")
    restricted = exists().where(
        R.subject_id == S.id, R.lifted_at.is_(None), or_(R.activity.is_(None), R.activity == purpose)
    )
    objected = exists().where(OB.subject_id == S.id)
    held = exists().where(H.subject_id == S.id, H.lifted_at.is_(None))  # which are in force: `details`
    archived = exists().where(A.subject_id == S.id)
    suppressed = exists().where(
        ID.subject_id == S.id,
        ID.kind == "email",
        SP.organisation_id == org,
        SP.lookup == ID.lookup,
        or_(SP.scope == ALL_MARKETING, SP.scope == purpose),  # every marketing purpose, or this one
    )
    last = select(func.max(C.collected_at)).where(C.subject_id == S.id, C.activity == purpose)
    state = select(CS.state).where(CS.organisation_id == org, CS.subject_id == S.id, CS.purpose == purpose)
    chosen = select(
        _text_id(S.id, dialect),
        _text_id(S.organisation_id, dialect),
        sql_cast(S.categories, Text) if dialect == "postgresql" else type_coerce(S.categories, String),
        S.child,
        subjects.space_column(S.role, S.client),
        restricted,
        objected,
        held,
        suppressed,
        # SQLite: the stored text, parsed by `_moment`; SQLAlchemy's conversion cost more than the query
        type_coerce(last.scalar_subquery(), String) if dialect != "postgresql" else last.scalar_subquery(),
        state.scalar_subquery(),
        archived,
    )
    return chosen if selector is None else chosen.where(selector)


def _people(
    db: Session | None, organisation_id: uuid.UUID, rows: Iterable[Any], known: dict[str, uuid.UUID]
) -> dict[uuid.UUID, Fact]:
    people: dict[uuid.UUID, Fact] = {}
    detailed: list[uuid.UUID] = []
    organisation = (organisation_id, organisation_id.hex)
    parsed: dict[str, tuple[str, ...]] = {}  # categories arrive as JSON text; most people share theirs
    for row in rows:
        raw, org, categories, child, role, restricted, objected, held, suppressed, last, state, archived = (
            row[:12]
        )
        if org is not None and org not in organisation:
            continue
        sid = raw if isinstance(raw, uuid.UUID) else known.get(raw) or uuid.UUID(hex=raw)
        kinds = parsed.get(categories)
        if kinds is None:
            kinds = parsed[categories] = tuple(json.loads(categories))
        consent_state = state or NEVER_GIVEN
        people[sid] = (
            kinds,
            role,
            consent_state,
            (),
            bool(restricted),
            bool(suppressed),
            bool(child),
            (),
            _moment(last),
            (),
            False,
        )
        if objected or held or archived:
            detailed.append(sid)
    if detailed and db is not None:
        found = details(db, detailed)
        for sid in detailed:
            people[sid] = with_detail(people[sid], found.get(sid, NO_DETAIL))
    return people


def _moment(value: datetime | float | str | None) -> datetime | None:
    if isinstance(value, str):  # SQLite, read without SQLAlchemy's types
        value = datetime.fromisoformat(value)
    if value is None or isinstance(value, datetime):
        return value if value is None or value.tzinfo else value.replace(tzinfo=UTC)
    return _EPOCH + timedelta(seconds=value)  # much faster than datetime.fromtimestamp(value, UTC)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def details(db: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, Detail]:
    """Objections, holds in force (subjects.held_for: the one meaning of a hold), archives and whether all
    is archived, for people the statement flagged; absent: none of them."""
    today = clock.today()
    found: dict[uuid.UUID, Detail] = {}
    for start in range(0, len(ids), SQLITE_CHUNK):
        chunk = ids[start : start + SQLITE_CHUNK]
        objections: dict[uuid.UUID, Objections] = {}
        for sid, kind, activity, outcome in db.execute(
            select(OB.subject_id, OB.kind, OB.activity, OB.outcome).where(OB.subject_id.in_(chunk))
        ):
            objections[sid] = (*objections.get(sid, ()), (kind, activity, outcome))
        holds: dict[uuid.UUID, list[Any]] = {}
        for hold in db.execute(
            select(H.subject_id, H.purpose, H.review_on, H.lifted_at).where(
                and_(H.subject_id.in_(chunk), H.lifted_at.is_(None))
            )
        ):
            holds.setdefault(hold.subject_id, []).append(hold)
        archived: dict[uuid.UUID, Archived] = {}
        for sid, activity, rule in db.execute(
            select(A.subject_id, A.activity, A.rule).where(A.subject_id.in_(chunk)).order_by(A.activity)
        ):
            archived[sid] = (*archived.get(sid, ()), (activity, rule))
        live = _live(db, archived)
        for sid in {*objections, *holds, *archived}:
            found[sid] = (
                objections.get(sid, ()),
                tuple(sorted(subjects.held_for(holds.get(sid, []), today))),
                archived.get(sid, ()),
                sid in archived and sid not in live,
            )
    return found


def _live(db: Session, archived: dict[uuid.UUID, Archived]) -> set[uuid.UUID]:
    """The archived people who still have data collected for an activity that is not archived."""
    if not archived:
        return set()
    live = set()
    for sid, activity in db.execute(
        select(C.subject_id, C.activity).where(C.subject_id.in_(list(archived))).distinct()
    ):
        if activity not in {a for a, _ in archived[sid]}:
            live.add(sid)
    return live
