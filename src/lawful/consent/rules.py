"""Consent as a fold over its events (Art. 7): in force only while the latest event is a grant."""

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from .errors import ConsentNotGiven


class EventKind(StrEnum):
    GIVEN = "given"
    WITHDRAWN = "withdrawn"
    REFUSED = "refused"
    EXPIRED = "expired"


class ConsentStatus(StrEnum):
    NEVER_GIVEN = "never_given"
    GIVEN = "given"
    WITHDRAWN = "withdrawn"
    REFUSED = "refused"
    EXPIRED = "expired"


class HasKind(Protocol):
    kind: str


def current_state(history: Sequence[HasKind]) -> ConsentStatus:
    if not history:
        return ConsentStatus.NEVER_GIVEN
    return ConsentStatus(history[-1].kind)


def next_state(current: ConsentStatus, event: EventKind) -> ConsentStatus:
    """A withdrawal needs a consent in force (Art. 7(3)); every other event may follow anything."""
    if event is EventKind.WITHDRAWN and current is not ConsentStatus.GIVEN:
        raise ConsentNotGiven("there is no consent in force to withdraw")
    return ConsentStatus(event.value)


MARKETING_USES = ("marketing", "personalize")


def is_marketing(data_use: str) -> bool:
    """How the register marks a purpose as marketing (its data use), as the purpose gate reads it."""
    return data_use.startswith(MARKETING_USES)


ENDED = frozenset({ConsentStatus.WITHDRAWN, ConsentStatus.REFUSED, ConsentStatus.EXPIRED})
SUBJECT_ACTOR = "subject"  # what a person's own action (`subject:<id>`) is recorded as once pseudonymised


def evidence_linked(status: ConsentStatus, kept_until: datetime, now: datetime) -> bool:
    """Art. 7(1), 5(2) and R-82: the proof of a consent stays linked to the person while the consent is
    in force, and after its end (withdrawn, refused, expired) until the period of the evidence ran out."""
    return status not in ENDED or now < kept_until
