"""The law of a breach's scope (Art. 33(3)(a), 34(1), R-98, R-82): which window, which sources are valid,
how the people found by each source add up to the numbers the register and the dossier show, and when
the list of the people is destroyed. Values in, values out."""

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

LAWFUL = "lawful"  # lawful's own people, as a system of the scope
GIVEN = "given"


@dataclass
class Person:
    """One affected person as the sources found them: a person lawful knows (`subject`), or only an
    address in one of the company's datastores (`email`)."""

    subject: str | None = None
    email: str | None = None
    language: str | None = None
    country: str | None = None
    categories: set[str] = field(default_factory=set)
    subject_categories: set[str] = field(default_factory=set)
    records: int = 0
    sources: set[str] = field(default_factory=set)
    described: bool = False  # language, country and subject categories read from lawful's record

    def add(self, source: str, categories: Iterable[str], records: int) -> None:
        self.sources.add(source)
        self.categories.update(categories)
        self.records += records

    def describe(self, language: str | None, country: str | None, kinds: Iterable[Any] | None) -> None:
        self.language, self.country, self.described = language, country, True
        self.subject_categories = {str(k) for k in kinds or []}

    def sealed(self) -> dict[str, Any]:
        """As the case's sealed list keeps it."""
        return {
            "subject": self.subject,
            "email": self.email,
            "language": self.language,
            "country": self.country,
            "categories": sorted(self.categories),
            "subject_categories": sorted(self.subject_categories),
            "records": self.records,
            "sources": sorted(self.sources),
        }


@dataclass(frozen=True)
class Tally:
    people: int
    records: int
    data_categories: list[dict[str, Any]]
    subject_categories: list[dict[str, Any]]
    countries: dict[str, int]
    sources: dict[str, int]


def window(
    since: datetime | None, until: datetime | None, aware_at: datetime
) -> tuple[datetime | None, datetime, list[dict[str, str]]]:
    """The window the scope looks at: until awareness unless said otherwise; an empty one is refused."""
    end = until or aware_at
    problems = []
    if since is not None and since >= end:
        where = "until" if until is not None else "since"
        problems.append(_problem(where, "the window is empty: `since` must come before `until`"))
    return since, end, problems


@dataclass(frozen=True)
class Known:
    """What the register declares, for checking a scope against it."""

    datastores: Mapping[str, Sequence[str]]  # key → its mapped tables
    categories: frozenset[str]
    recipients: frozenset[str]
    activities: frozenset[str]


def problems(definition: Mapping[str, Any], known: Known) -> list[dict[str, str]]:
    """Every name of the scope the register does not know, by its path; and a scope with no source."""
    found = []
    for index, system in enumerate(definition.get("systems", [])):
        if system != LAWFUL and system not in known.datastores:
            found.append(_problem(f"systems[{index}]", f"neither {LAWFUL!r} nor a datastore of the register"))
    for index, store in enumerate(definition.get("datastores", [])):
        tables = known.datastores.get(store["key"])
        if tables is None:
            found.append(_problem(f"datastores[{index}].key", "no such datastore in the register"))
            continue
        for t_index, table in enumerate(store.get("tables", [])):
            if table not in tables:
                found.append(
                    _problem(
                        f"datastores[{index}].tables[{t_index}]", f"no table {table!r} in its dataset map"
                    )
                )
    for name, allowed in (
        ("categories", known.categories),
        ("recipients", known.recipients),
        ("activities", known.activities),
        ("purposes", known.activities),
    ):
        for index, key in enumerate(definition.get(name, [])):
            if key not in allowed:
                found.append(_problem(f"{name}[{index}]", "not in the register"))
    sources = ("systems", "datastores", "activities", "purposes", "recipients", "exports", "actors")
    if not any(definition.get(name) for name in sources):
        found.append(_problem("systems", "name at least one system, datastore, recipient, export or actor"))
    return found


def in_force(events: Sequence[tuple[str, datetime]], since: datetime | None, until: datetime) -> bool:
    """Whether a consent was in force at some moment of the window, from its events in time order: in
    force as the window opened (a withdrawal at that very instant came after), or given during it."""
    before = None
    for kind, at in events:
        if at > until:
            break
        if since is not None and at < since:
            before = kind
        elif kind == GIVEN:
            return True
    return before == GIVEN


def narrowed(exposed: Iterable[str], wanted: Iterable[str]) -> set[str]:
    """The categories a source exposed, narrowed to the scope's when it names some."""
    chosen = set(wanted)
    return set(exposed) & chosen if chosen else set(exposed)


def tally(people: Iterable[Person]) -> Tally:
    """Art. 33(3)(a): approximate numbers of people and records, per data and subject category."""
    data: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    countries: Counter[str] = Counter()
    sources: Counter[str] = Counter()
    total = records = 0
    for person in people:
        total += 1
        records += person.records
        data.update(person.categories)
        kinds.update(person.subject_categories)
        sources.update(person.sources)
        if person.country:
            countries[person.country] += 1
    return Tally(
        people=total,
        records=records,
        data_categories=_counts(data),
        subject_categories=_counts(kinds),
        countries=dict(sorted(countries.items())),
        sources=dict(sorted(sources.items())),
    )


def merged(
    current: Sequence[Mapping[str, Any]],
    previous: Sequence[Mapping[str, Any]],
    computed: Sequence[Mapping[str, Any]],
) -> list[dict[str, Any]]:
    """The case's categories after a new computation: what staff entered by hand stays, what an earlier
    computation counted is replaced by this one's numbers."""
    replaced = {c["key"] for c in previous} | {c["key"] for c in computed}
    kept = [dict(c) for c in current if c.get("key") not in replaced]
    return kept + [dict(c) for c in computed]


def destroy_at(
    closed_at: datetime | None, destroy_after: datetime | None, keep: timedelta
) -> datetime | None:
    """R-82: when a closed case's list of people is destroyed (an explicit date on the case wins)."""
    if closed_at is None:
        return None
    return destroy_after or closed_at + keep


def _counts(counter: Counter[str]) -> list[dict[str, Any]]:
    return [{"key": key, "approx": n} for key, n in sorted(counter.items())]


def _problem(path: str, message: str) -> dict[str, str]:
    return {"path": path, "message": message}
