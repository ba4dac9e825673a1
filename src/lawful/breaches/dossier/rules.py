"""What a notification to the APD must say (Art. 33(3)-(4), R-96): the items of its form, which of them
the law requires, and how a missing one is marked "to follow". Values in, values out."""

from collections.abc import Collection, Iterable, Mapping
from typing import Any

# Art. 33(3)(a)-(d): nature with categories and approximate numbers, contact point, likely consequences,
# measures. Where they cannot all be given at once, they follow in phases (Art. 33(4)): marked, never left out.
REQUIRED = (
    "nature",
    "categories",
    "approx_subjects",
    "approx_records",
    "contact",
    "consequences",
    "measures",
)
# the rest of the APD's form: marked "to follow" by themselves while unknown
OPTIONAL = ("timing", "communication", "cross_border", "systems")
ITEMS = REQUIRED + OPTIONAL
TO_FOLLOW: dict[str, Any] = {"to_follow": True}


def missing(value: Any) -> bool:
    """Nothing known: None, blank text, an empty list or mapping."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple, set, dict)):
        return not value
    return False


def marked(items: Mapping[str, Any]) -> dict[str, Any]:
    """Every item as known, or `{"to_follow": true}` where nothing is known yet (R-96)."""
    return {name: (dict(TO_FOLLOW) if missing(value) else value) for name, value in items.items()}


def problems(
    items: Mapping[str, Any], *, to_follow: Collection[str], late: bool, late_reason: str | None
) -> list[dict[str, str]]:
    """What stops a notification: a required item neither known nor declared to follow, a name that is no
    item of the form, and a late notification without the reason for the delay (Art. 33(1))."""
    found = [
        {"path": f"to_follow[{i}]", "message": f"not an item of the notification; one of {', '.join(ITEMS)}"}
        for i, name in enumerate(to_follow)
        if name not in ITEMS
    ]
    for name in REQUIRED:
        if missing(items.get(name)) and name not in to_follow:
            found.append(
                {"path": name, "message": "required by Art. 33(3): give it, or declare it to follow"}
            )
    if late and missing(late_reason):
        found.append(
            {
                "path": "late_reason",
                "message": "after 72 hours the notification gives the reason for the delay",
            }
        )
    return found


def declared(items: Mapping[str, Any], to_follow: Iterable[str]) -> dict[str, Any]:
    """Items declared to follow are marked so even where a part is known (the rest comes in a later phase)."""
    chosen = set(to_follow)
    return {name: (dict(TO_FOLLOW) if name in chosen else value) for name, value in items.items()}


def other_states(countries: Iterable[str], home: str, eea: Collection[str]) -> tuple[list[str], list[str]]:
    """Cross-border aspects: the other EEA states whose residents are affected (the lead authority's
    cooperation, Art. 56), and the countries outside the EEA (transfers)."""
    seen = sorted(set(countries) - {home})
    return [c for c in seen if c in eea], [c for c in seen if c not in eea]
