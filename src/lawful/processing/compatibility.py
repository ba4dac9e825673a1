"""Art. 6(4): a new purpose that would use data already held for other purposes needs a recorded
compatibility assessment, unless it rests on the person's consent or on a legal obligation (R-11).

Pure: the register being applied against the one in force (as documents already parsed)."""

from collections.abc import Iterator

from .document import Activity, ActivityRole, Basis, CompatibilityOutcome, Register
from .rules import Problem, bases

# Art. 6(4) asks for the test only where the new processing rests on neither consent nor law.
EXEMPT = frozenset({Basis.CONSENT, Basis.LEGAL_OBLIGATION})


def held_categories(register: Register) -> dict[str, set[str]]:
    """Each data category held, with the controller activities it was collected for."""
    held: dict[str, set[str]] = {}
    for activity in register.activities:
        if activity.role is ActivityRole.CONTROLLER:
            for category in activity.data_categories:
                held.setdefault(category, set()).add(activity.key)
    return held


def reused(activity: Activity, held: dict[str, set[str]]) -> dict[str, set[str]]:
    """The categories of `activity` already held, with the purposes they were collected for."""
    return {c: held[c] for c in activity.data_categories if c in held}


def needs_assessment(activity: Activity) -> bool:
    found = set(bases(activity).values())
    return activity.role is ActivityRole.CONTROLLER and bool(found) and not found <= EXEMPT


def problems(register: Register, previous: Register | None) -> list[Problem]:
    """Every new purpose on data already held without a (positive) assessment, by its path."""
    if previous is None:
        return []
    return list(_problems(register, previous))


def _problems(register: Register, previous: Register) -> Iterator[Problem]:
    before = {a.key for a in previous.activities}
    held = held_categories(previous)
    for activity in register.activities:
        if activity.key in before or not needs_assessment(activity):
            continue
        found = reused(activity, held)
        if not found:
            continue
        path = f"activities[{activity.key}].compatibility"
        purposes = sorted({p for keys in found.values() for p in keys})
        assessment = activity.compatibility
        if assessment is None:
            yield Problem(
                path,
                "compatibility_assessment_missing",
                f"the new purpose {activity.key!r} uses data already held ({', '.join(sorted(found))}) "
                f"collected for {', '.join(purposes)}: record the Art. 6(4) compatibility assessment "
                "(link, context, nature, consequences, safeguards) or ask for consent",
            )
            continue
        unknown = sorted(set(assessment.original_purposes) - before)
        if unknown:
            yield Problem(
                f"{path}.original_purposes",
                "compatibility_unknown_purpose",
                f"not a purpose of the register in force: {', '.join(unknown)}",
            )
        if assessment.outcome is CompatibilityOutcome.INCOMPATIBLE:
            yield Problem(
                f"{path}.outcome",
                "purpose_incompatible",
                f"{activity.key!r} is not compatible with {', '.join(purposes)}: it needs the people's "
                "consent or a legal basis of its own, not the data already held",
            )


def notice_required(register: Register, key: str) -> bool:
    """Whether the purpose `key` waits for a privacy notice naming it before any use (Art. 13(3), 14(4))."""
    activity = next((a for a in register.activities if a.key == key), None)
    return bool(activity and activity.compatibility and activity.compatibility.notice_required)
