"""The register's `datastores` section: the company's other databases, as dataset maps.

Each map names a datastore (its URL is a setting, never in the register), the tables that hold personal
data, how a row links to a person, the category of each column and how erasure treats it (ARCHITECTURE §2).
"""

from collections.abc import Iterator, Sequence
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Identifier = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_$]{0,62}$", description="SQL name")]
DatastoreKey = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,40}$")]
CategoryKey = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$", max_length=120)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class ErasureAction(StrEnum):
    DELETE_ROW = "delete_row"
    SET_NULL = "set_null"
    ANONYMISE = "anonymise"
    KEEP = "keep"


class AtEnd(StrEnum):
    """What the retention run does to a kept field once its period has ended."""

    DELETE_ROW = "delete_row"
    SET_NULL = "set_null"
    ANONYMISE = "anonymise"
    KEEP = "keep"  # left as it is: no longer personal once the row's other fields are anonymised


class Keep(_Strict):
    """Why a field survives erasure (Art. 17(3)), for how long (a retention rule of the register), and
    what happens to it when that period ends."""

    reason: str = Field(min_length=3, description="the legal reason, e.g. 'accounting: VAT Code art. 60 §4'")
    retention: CategoryKey = Field(description="key of a retention rule of this register")
    since: Identifier | None = Field(
        default=None,
        description="the column with the date the period counts from; without it, the parent row's date",
    )
    at_end: AtEnd = Field(
        default=AtEnd.DELETE_ROW, description="what the retention run does when the period has ended"
    )
    replacement: str | None = Field(default=None, description="the fixed value `at_end: anonymise` writes")

    @model_validator(mode="after")
    def _complete(self) -> "Keep":
        if (self.at_end is AtEnd.ANONYMISE) != (self.replacement is not None):
            raise ValueError("`at_end: anonymise` needs a fixed `replacement`, and only it takes one")
        return self


class DatastoreColumn(_Strict):
    name: Identifier
    category: CategoryKey = Field(description="a data category of this register")
    erasure: ErasureAction
    replacement: str | None = Field(default=None, description="the fixed value `anonymise` writes")
    keep: Keep | None = None

    @model_validator(mode="after")
    def _complete(self) -> "DatastoreColumn":
        if self.erasure is ErasureAction.ANONYMISE and self.replacement is None:
            raise ValueError("anonymise needs a fixed `replacement`")
        if self.erasure is not ErasureAction.ANONYMISE and self.replacement is not None:
            raise ValueError("`replacement` is only for anonymise")
        if (self.erasure is ErasureAction.KEEP) != (self.keep is not None):
            raise ValueError("`keep` (reason and retention) goes with erasure: keep, and only with it")
        return self


class IdentityLink(_Strict):
    """The row belongs to the person whose identity of this kind equals the column."""

    identity: Literal["email"]
    column: Identifier


class ParentLink(_Strict):
    """The row belongs to whoever owns the parent row it references (`column` → `table`.`references`)."""

    table: Identifier
    column: Identifier
    references: Identifier


class EventKind(StrEnum):
    """The lifecycle events a datastore's column may date (the triggers a recorded event counts for)."""

    CONTRACT_END = "contract_end"
    DOCUMENT_YEAR_END = "document_date_next_january"
    RECRUITMENT_END = "recruitment_end"
    ACCOUNT_CLOSURE = "account_closure"
    RELATIONSHIP_END = "relationship_end"
    DPA_END = "client_dpa_end"


class EventColumn(_Strict):
    """A column holding the date of an event a retention rule counts from, for the row's owner (a contract's
    end date, the last invoice's date): `lawful connectors events import` records it in lawful."""

    column: Identifier
    kind: EventKind
    activity: CategoryKey | None = Field(default=None, description="an activity's key; none: every activity")


class DatastoreTable(_Strict):
    name: Identifier
    link: IdentityLink | ParentLink
    columns: list[DatastoreColumn] = Field(min_length=1)
    events: list[EventColumn] = Field(default_factory=list, description="columns that date lifecycle events")
    client: CategoryKey | None = Field(
        default=None,
        description="the client (clients[].key) whose data the table holds as processor: at the end of its "
        "DPA, its people's rows here are deleted (R-107); none: the company's own data",
    )


class Datastore(_Strict):
    key: DatastoreKey
    name: str = Field(min_length=2)
    url_setting: DatastoreKey = Field(
        description="the SQLAlchemy URL is read from LAWFUL_DATASTORES__<URL_SETTING> (never in the register)"
    )
    tables: list[DatastoreTable] = Field(min_length=1)


ProblemTuple = tuple[str, str, str]


def problems(
    datastores: Sequence[Datastore],
    *,
    categories: set[str],
    retention_rules: set[str],
    activities: set[str] | None = None,
    clients: set[str] | None = None,
) -> Iterator[ProblemTuple]:
    """(path, rule, message) for every reference that does not resolve within the register."""
    seen: set[str] = set()
    for index, store in enumerate(datastores):
        path = f"datastores[{index}]"
        if store.key in seen:
            yield f"{path}.key", "unique_key", f"key {store.key!r} is used more than once"
        seen.add(store.key)
        names = [t.name for t in store.tables]
        for t_index, table in enumerate(store.tables):
            yield from _table(f"{path}.tables[{t_index}]", table, store, names, categories, retention_rules)
            yield from _ends(path, t_index, store)
            yield from _client(f"{path}.tables[{t_index}]", table, store, clients)
            for e_index, event in enumerate(table.events):
                if activities is not None and event.activity is not None and event.activity not in activities:
                    yield (
                        f"{path}.tables[{t_index}].events[{e_index}].activity",
                        "unknown_activity",
                        f"{event.activity!r} is not an activity of this register",
                    )


def _table(
    path: str,
    table: DatastoreTable,
    store: Datastore,
    names: list[str],
    categories: set[str],
    rules: set[str],
) -> Iterator[ProblemTuple]:
    if names.count(table.name) > 1:
        yield f"{path}.name", "unique_table", f"table {table.name!r} is mapped more than once"
    if isinstance(table.link, ParentLink):
        if table.link.table not in names:
            yield f"{path}.link.table", "unknown_table", f"{table.link.table!r} is not a table of this map"
        elif _ancestors(store, table.name) is None:
            yield f"{path}.link.table", "link_cycle", "the links of this table lead back to it"
    actions = {c.erasure for c in table.columns}
    if ErasureAction.DELETE_ROW in actions and ErasureAction.KEEP in actions:
        yield (
            f"{path}.columns",
            "delete_and_keep",
            "a row cannot be deleted while some of its fields are kept",
        )
    if ErasureAction.DELETE_ROW in actions:
        for child in store.tables:
            kept = any(c.erasure is ErasureAction.KEEP for c in child.columns)
            if isinstance(child.link, ParentLink) and child.link.table == table.name and kept:
                yield (
                    f"{path}.columns",
                    "deletes_kept_rows",
                    f"{child.name} rows are kept and reference these rows: anonymise them instead of "
                    "deleting (a cascade would delete records kept by law, T-03)",
                )
    for c_index, column in enumerate(table.columns):
        where = f"{path}.columns[{c_index}]"
        if column.category not in categories:
            yield f"{where}.category", "unknown_category", f"{column.category!r} is not a data category here"
        if column.keep is not None and column.keep.retention not in rules:
            yield f"{where}.keep.retention", "unknown_retention", f"{column.keep.retention!r} is not a rule"


def _client(
    path: str, table: DatastoreTable, store: Datastore, clients: set[str] | None
) -> Iterator[ProblemTuple]:
    """R-107: a table marked as a client's names a declared client, and what links to its rows is that
    client's too (the end of the DPA deletes them, so a child of another owner would be left dangling)."""
    if table.client is not None and clients is not None and table.client not in clients:
        yield f"{path}.client", "unknown_client", f"{table.client!r} is not a declared client (clients[].key)"
    if isinstance(table.link, ParentLink):
        parent = next((t for t in store.tables if t.name == table.link.table), None)
        if parent is not None and parent.client is not None and table.client != parent.client:
            yield (
                f"{path}.client",
                "client_children",
                f"{table.name} rows reference {parent.name} rows, which hold {parent.client!r}'s data: "
                f"mark it `client: {parent.client}` too",
            )


def kept_rules(table: DatastoreTable) -> list[str]:
    """The retention rules that keep fields of this table, in map order."""
    return list(dict.fromkeys(c.keep.retention for c in table.columns if c.keep is not None))


def dated_by(store: Datastore, table: DatastoreTable, retention: str) -> tuple[DatastoreTable, str] | None:
    """The table and column whose date a rule's period counts from for this table's rows: its own
    `since`, else its parent's, up the links (an invoice line counts from its invoice's date)."""
    tables = {t.name: t for t in store.tables}
    current: DatastoreTable | None = table
    for _ in store.tables:  # at most one step per table: a cycle finds no date
        if current is None:
            return None
        since = next(
            (
                c.keep.since
                for c in current.columns
                if c.keep and c.keep.retention == retention and c.keep.since
            ),
            None,
        )
        if since is not None:
            return current, since
        current = tables.get(current.link.table) if isinstance(current.link, ParentLink) else None
    return None


def deleted_at_end(table: DatastoreTable, retention: str) -> bool:
    """Whether the end of this rule deletes the table's rows (rather than anonymising fields)."""
    return any(
        c.keep is not None and c.keep.retention == retention and c.keep.at_end is AtEnd.DELETE_ROW
        for c in table.columns
    )


def _ends(path: str, t_index: int, store: Datastore) -> Iterator[ProblemTuple]:
    """R-71: every kept field has a date its period counts from, and what its end does fits the rows."""
    table = store.tables[t_index]
    for retention in kept_rules(table):
        kept = [(i, c) for i, c in enumerate(table.columns) if c.keep and c.keep.retention == retention]
        first = f"{path}.tables[{t_index}].columns[{kept[0][0]}].keep"
        if dated_by(store, table, retention) is None:
            yield (
                f"{first}.since",
                "retention_date",
                f"no date for {retention!r}: name the column its period counts from (`since`), or link "
                "the table to a parent table that dates this rule",
            )
        ends = {c.keep.at_end for _, c in kept if c.keep}
        if AtEnd.DELETE_ROW in ends and len(ends) > 1:
            odd = next(i for i, c in kept if c.keep and c.keep.at_end is not AtEnd.DELETE_ROW)
            yield (
                f"{path}.tables[{t_index}].columns[{odd}].keep.at_end",
                "end_mixed",
                f"the end of {retention!r} deletes these rows: it cannot also anonymise some of their fields",
            )
        if ends == {AtEnd.KEEP}:
            yield (
                f"{first}.at_end",
                "end_nothing",
                f"the end of {retention!r} must delete the rows or anonymise at least one of their fields",
            )
        if AtEnd.DELETE_ROW not in ends:
            continue
        for c_index, child in enumerate(store.tables):
            if not (isinstance(child.link, ParentLink) and child.link.table == table.name):
                continue
            if not deleted_at_end(child, retention):
                yield (
                    f"{path}.tables[{c_index}].link.table",
                    "end_orphans",
                    f"{child.name} rows reference {table.name} rows that the end of {retention!r} deletes: "
                    f"keep them under {retention!r} with `at_end: delete_row` too",
                )


def _ancestors(store: Datastore, name: str) -> list[str] | None:
    """The chain of parent tables up to an identity link, or None on a cycle."""
    tables = {t.name: t for t in store.tables}
    chain: list[str] = []
    current = tables.get(name)
    while current is not None and isinstance(current.link, ParentLink):
        if current.name in chain:
            return None
        chain.append(current.name)
        current = tables.get(current.link.table)
    return chain
