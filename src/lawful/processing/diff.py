"""Structural difference between two register documents, with list items matched by their `key`.

Matching by key means that reordering activities is no change, and a renamed label shows as a
change of that one label rather than of a whole list position.
"""

from typing import Any, TypedDict


class Change(TypedDict):
    op: str  # added | removed | changed
    path: str
    before: Any
    after: Any


def diff(before: Any, after: Any, path: str = "") -> list[Change]:
    if isinstance(before, dict) and isinstance(after, dict):
        changes: list[Change] = []
        for name in sorted(before.keys() | after.keys()):
            child = f"{path}.{name}" if path else name
            if name not in after:
                changes.append(Change(op="removed", path=child, before=before[name], after=None))
            elif name not in before:
                changes.append(Change(op="added", path=child, before=None, after=after[name]))
            else:
                changes.extend(diff(before[name], after[name], child))
        return changes
    if _keyed(before) and _keyed(after):
        old, new = {item["key"]: item for item in before}, {item["key"]: item for item in after}
        changes = []
        for key in sorted(old.keys() | new.keys()):
            child = f"{path}[{key}]"
            if key not in new:
                changes.append(Change(op="removed", path=child, before=old[key], after=None))
            elif key not in old:
                changes.append(Change(op="added", path=child, before=None, after=new[key]))
            else:
                changes.extend(diff(old[key], new[key], child))
        return changes
    if before != after:
        return [Change(op="changed", path=path, before=before, after=after)]
    return []


def _keyed(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, dict) and "key" in item for item in value)
