"""Who a material notice change concerns, and when they must hear of it (R-116, R-117, T-38).

Pure functions over the register diff and the two register documents. A change to an activity, or to a
recipient, retention rule, data or subject category an activity uses, concerns the people whose data fall
under those activities; a change to the controller itself (identity, contact, portability scope) concerns
everyone."""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from lawful.processing import Change

# list fields of an activity that point at other register entries, by the list the entries live in
_USES = {
    "recipients": "recipients",
    "retention_rules": "retention",
    "data_categories": "data_categories",
    "subject_categories": "subjects",
}
_ENTRY = re.compile(r"^(\w+)\[([^\]]+)\]")
# a change mail goes out at the latest this many days before the change takes effect
MAIL_AT_LEAST_DAYS_AHEAD = 1


@dataclass(frozen=True)
class Concerned:
    """Everyone, or the people whose data fall under these activities."""

    everyone: bool
    activities: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"everyone": self.everyone, "activities": list(self.activities)}


def concerned(reasons: Sequence[str], before: Mapping[str, Any], after: Mapping[str, Any]) -> Concerned:
    """The activities a material change touches (R-117: "affected subjects"), from its material paths."""
    found: set[str] = set()
    for path in reasons:
        match = _ENTRY.match(path)
        if match is None:
            return Concerned(everyone=True, activities=())
        listing, key = match.groups()
        if listing == "activities":
            found.add(key)
        elif listing in _USES:
            found |= _using(listing, key, before) | _using(listing, key, after)
        else:
            return Concerned(everyone=True, activities=())
    return Concerned(everyone=False, activities=tuple(sorted(found)))


def _using(listing: str, key: str, document: Mapping[str, Any]) -> set[str]:
    field = _USES[listing]
    found = set()
    for activity in document.get("activities") or []:
        used = activity.get(field)
        if used == key or (isinstance(used, list) and key in used):
            found.add(str(activity["key"]))
    return found


def material_reasons(changes: Sequence[Change], reasons: Sequence[str]) -> list[str]:
    """The paths of the diff that made the change material (overrides and notes left out)."""
    paths = {c["path"] for c in changes}
    return [r for r in reasons if r in paths]


def mail_by(effective: date) -> date:
    """The last day the change mail can leave so that people hear of it before it takes effect (R-117)."""
    return effective - timedelta(days=MAIL_AT_LEAST_DAYS_AHEAD)


def language(spoken: str | None, offered: Sequence[str], default: str) -> str:
    """The person's language when the notice exists in it, otherwise the authoritative one (R-121)."""
    return spoken if spoken is not None and spoken in offered else default
