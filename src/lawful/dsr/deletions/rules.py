"""Which data go after a withdrawal, an upheld objection (Art. 17(1)(b)-(c), R-62) or the discovery of a
child (R-110), which stay, and why.

Pure: the register's activities, the person's facts and the time come in as values.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from lawful.processing import add_period

CONSENT, LEGITIMATE_INTERESTS, LEGAL_OBLIGATION = "consent", "legitimate_interests", "legal_obligation"
# a retention rule counted from the withdrawal or the objection keeps the data for its period
RETAINING_TRIGGERS = frozenset({"consent_withdrawal", "objection"})


class Trigger(StrEnum):
    CONSENT_WITHDRAWN = "consent_withdrawn"  # Art. 17(1)(b)
    OBJECTION_UPHELD = "objection_upheld"  # Art. 17(1)(c), first case (Art. 21(1))
    MARKETING_OBJECTION = "marketing_objection"  # Art. 17(1)(c), second case (Art. 21(2))
    CHILD_DISCOVERED = "child_discovered"  # Art. 8, 17(1)(f), R-110: the trigger id is the person's


class Why(StrEnum):
    DELETED = "deleted"
    LEGAL_CLAIMS = "restricted_for_legal_claims"  # Art. 18(1)(c): kept for the person's own claims
    LEGAL_HOLD = "legal_hold"  # Art. 17(3)(e), R-79
    RETENTION = "retention"  # the activity's own retention rule still runs (Art. 17(3)(b))
    OTHER_BASIS = "other_basis"  # another activity still has a basis for it (Art. 17(1)(b) "no other")


@dataclass(frozen=True)
class Activity:
    """An activity of the register, as this rule needs it."""

    key: str
    bases: Mapping[str, str]
    data_categories: frozenset[str]
    marketing: bool = False
    retention_trigger: str | None = None
    retention_period: str | None = None


@dataclass(frozen=True)
class Person:
    """What the rule needs to know of one person."""

    categories: tuple[str, ...]
    consents: Mapping[str, str]  # purpose → current state
    objections: tuple[tuple[str, str | None, str | None], ...] = ()  # (kind, activity, outcome)
    holds: frozenset[str] = frozenset()  # activities under an active legal hold
    legal_claims: bool = False  # restricted under Art. 18(1)(c)
    collected_for: frozenset[str] = frozenset()  # activities the person's data were collected for
    child: bool = False  # flagged as a child
    child_consents: frozenset[str] = frozenset()  # purposes consented to as a child

    def unbalanced(self, activity: str) -> bool:
        """R-110, R-111, Art. 17(1)(f): a child's data, or data consented to as a child, are erased without
        weighing other interests: only a legal obligation or a legal claim keeps them (Art. 17(3)(b), (e))."""
        return self.child or activity in self.child_consents


@dataclass(frozen=True)
class Item:
    id: object
    category: str
    activity: str


@dataclass(frozen=True)
class Verdict:
    item: Item
    why: Why
    until: datetime | None = None  # RETENTION: when the period ends
    by: str | None = None  # OTHER_BASIS: "activity (basis)"; LEGAL_HOLD: the activity held

    @property
    def deleted(self) -> bool:
        return self.why is Why.DELETED


def basis_for(activity: Activity, person: Person) -> str | None:
    """The basis for this person: a non-consent basis when one of their categories has it (as the gate)."""
    found = [activity.bases[c] for c in person.categories if c in activity.bases]
    others = [b for b in found if b != CONSENT]
    return next(iter(others or found), None)


def ended(
    trigger: Trigger, activity: str | None, activities: Sequence[Activity], person: Person
) -> frozenset[str]:
    """The activities that lost their basis for this person through the trigger."""
    if trigger is Trigger.CHILD_DISCOVERED:  # all of it, but what a legal obligation requires
        return frozenset(a.key for a in activities if basis_for(a, person) != LEGAL_OBLIGATION)
    if trigger is Trigger.MARKETING_OBJECTION:  # absolute, whatever the basis (Art. 21(3))
        return frozenset(a.key for a in activities if a.marketing)
    if trigger is Trigger.OBJECTION_UPHELD:
        return frozenset(
            a.key
            for a in activities
            if activity in (None, a.key) and basis_for(a, person) == LEGITIMATE_INTERESTS
        )
    found = next((a for a in activities if a.key == activity), None)
    if found is None or person.consents.get(found.key) != "withdrawn":
        return frozenset()  # given again since, or not an activity of the register any more
    return frozenset({found.key}) if basis_for(found, person) == CONSENT else frozenset()


def still_based(activity: Activity, person: Person) -> str | None:
    """The basis the activity still has for this person, or None (Art. 6(1), 7(3), 21)."""
    basis = basis_for(activity, person)
    marketing_objection = any(kind == "direct_marketing" for kind, _, _ in person.objections)
    if basis is None or (activity.marketing and marketing_objection):
        return None
    if basis == CONSENT:
        return basis if person.consents.get(activity.key) == "given" else None
    if activity.key not in person.collected_for:
        return None  # the basis exists in the register, but nothing of this person is processed under it
    upheld = any(
        kind == "legitimate_interest" and target in (None, activity.key) and outcome == "upheld"
        for kind, target, outcome in person.objections
    )
    return None if basis == LEGITIMATE_INTERESTS and upheld else basis


def _keeps(activity: Activity, person: Person, strict: bool) -> bool:
    """Does another activity keep a copy? For a child's data only a legal obligation does (R-110, R-111)."""
    basis = still_based(activity, person)
    return basis == LEGAL_OBLIGATION if strict else basis is not None


def retained_until(activity: Activity, triggered_at: datetime) -> datetime | None:
    if activity.retention_trigger not in RETAINING_TRIGGERS or not activity.retention_period:
        return None
    return add_period(triggered_at, activity.retention_period)


def sort(
    items: Iterable[Item],
    activities: Sequence[Activity],
    person: Person,
    *,
    gone: frozenset[str],
    triggered_at: datetime,
    now: datetime,
) -> list[Verdict]:
    """Each item collected for an activity that lost its basis: deleted, or kept with the reason."""
    by_key = {a.key: a for a in activities}
    others = sorted((a for a in activities if a.key not in gone), key=lambda a: a.key)
    items = list(items)
    own = {(i.activity, i.category) for i in items}  # a child's copy stays only if it is the obligation's
    verdicts = []
    for item in items:
        if item.activity not in gone:
            continue
        strict = person.unbalanced(item.activity)
        until = None if strict else retained_until(by_key[item.activity], triggered_at)
        other = next(
            (
                a
                for a in others
                if item.category in a.data_categories
                and _keeps(a, person, strict)
                and not (strict and (a.key, item.category) in own)
            ),
            None,
        )
        if person.legal_claims:
            verdicts.append(Verdict(item, Why.LEGAL_CLAIMS))
        elif item.activity in person.holds:
            verdicts.append(Verdict(item, Why.LEGAL_HOLD, by=item.activity))
        elif until is not None and now < until:
            verdicts.append(Verdict(item, Why.RETENTION, until=until))
        elif other is not None:
            verdicts.append(Verdict(item, Why.OTHER_BASIS, by=f"{other.key} ({still_based(other, person)})"))
        else:
            verdicts.append(Verdict(item, Why.DELETED))
    return verdicts


def why_not_whole(
    verdicts: Sequence[Verdict], *, items: int, person: Person, open_requests: int
) -> str | None:
    """None when nothing at all is left of the person, so the whole record and its key may go (Art. 17(1)).

    Erasing the person destroys their key and every identity; it is done only when no other activity
    keeps anything of them, nothing is held or consented, and no other request of theirs is still open.
    """
    if any(not v.deleted for v in verdicts):
        return "data_kept"
    if items > len(verdicts):
        return "other_activities"
    if not person.child and any(state == "given" for state in person.consents.values()):
        return "consent_in_force"  # a child's consent is no ground to keep them (Art. 8)
    if person.holds or person.legal_claims:
        return "legal_hold"
    if open_requests:
        return "open_request"
    return None
