"""What a scope asks (systems, datastores and tables, categories, recipients, exports, a window) and what
the case gets back: counts per category, never the people."""

import uuid
from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

Key = str  # checked against the register by the service, which names the field that is wrong
Keys = list[Key]


class DatastoreScope(BaseModel):
    """One of the company's datastores (a dataset map of the register), all its tables or some."""

    model_config = ConfigDict(extra="forbid")

    key: str = Field(min_length=1, max_length=41)
    tables: list[str] = Field(default_factory=list, max_length=100, description="none: every mapped table")


class ScopeCreate(BaseModel):
    """The breach's reach, as far as it is known: lawful lists who and what it touched (R-98).

    Sources add up; `categories` narrows every source to those data categories. `since`/`until` bound
    lawful's own data, the exports and what recipients received (the datastores are read as they are now);
    `until` defaults to the moment the organisation became aware."""

    model_config = ConfigDict(extra="forbid")

    since: AwareDatetime | None = None
    until: AwareDatetime | None = None
    systems: Keys = Field(
        default_factory=list, max_length=50, description="`lawful` (its own people) or datastore keys"
    )
    datastores: list[DatastoreScope] = Field(default_factory=list, max_length=50)
    categories: Keys = Field(default_factory=list, max_length=200, description="data categories")
    activities: Keys = Field(default_factory=list, max_length=200, description="what lawful collected for")
    purposes: Keys = Field(default_factory=list, max_length=200, description="consent in force in the window")
    recipients: Keys = Field(
        default_factory=list, max_length=100, description="processors and platforms: what they received"
    )
    exports: list[uuid.UUID] = Field(default_factory=list, max_length=100, description="marketing exports")
    actors: list[uuid.UUID] = Field(
        default_factory=list, max_length=100, description="staff or API keys: whom they read (audit log)"
    )


class CategoryCount(BaseModel):
    key: str
    approx: int


class ScopeRead(BaseModel):
    """A computed scope: the numbers the register and the dossier show."""

    model_config = ConfigDict(from_attributes=True)

    reference: str
    people: int
    records: int
    data_categories: list[CategoryCount]
    subject_categories: list[CategoryCount]
    countries: dict[str, int]
    sources: dict[str, int]
    definition: dict[str, object]
    computed_at: datetime
    computed_by: str
    sealed: bool


class ListForgotten(BaseModel):
    """R-82: a closed case whose list of the people affected was destroyed now; the count stays."""

    reference: str
    people: int | None
