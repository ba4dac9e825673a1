"""Who is acting: a staff member, an API key, the CLI operator or the system itself."""

from dataclasses import dataclass, field
from enum import StrEnum
from uuid import UUID


class ActorKind(StrEnum):
    STAFF = "staff"
    API_KEY = "api_key"
    CLI = "cli"
    SYSTEM = "system"
    PUBLIC = "public"


@dataclass(frozen=True)
class Actor:
    kind: ActorKind
    id: UUID | None = None
    label: str = ""
    permissions: frozenset[str] = field(default_factory=frozenset)
    organisation_id: UUID | None = None
    client: str | None = None  # an API key of a client controller's systems: its routes only

    def can(self, permission: str) -> bool:
        return self.kind in (ActorKind.CLI, ActorKind.SYSTEM) or permission in self.permissions


SYSTEM = Actor(ActorKind.SYSTEM, label="system")
PUBLIC = Actor(ActorKind.PUBLIC, label="public")
