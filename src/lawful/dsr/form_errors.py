"""The privacy center's second step, sent back with what was wrong beside each field (issue 21, R-119).

A refused POST /rights (a field pydantic refuses, or a refusal of the checks against the register) is not
a separate error page: the same step again, with what the person typed kept, each error next to the field
that caused it and a summary at the top linking to the fields. Pure: it reads the form sent and the
refusal, and returns what the template needs; nothing here touches the database.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lawful import i18n, refusals
from lawful.errors import LawfulError

TEXTS = (
    "email",
    "lang",
    "message",
    "field",
    "value",
    "statement",
    "ground",
    "scope",
    "activity",
    "transmit_to",
)
LABELS = {  # each field's label, for the summary's line
    "email": "rights.email",
    "message": "rights.message",
    "field": "rights.field",
    "value": "rights.value",
    "statement": "rights.statement",
    "ground": "rights.for.restriction",
    "scope": "rights.for.objection",
    "activity": "rights.activity",
    "transmit_to": "rights.transmit_to",
    "kinds": "center.chosen",
}
ANCHORS = {"ground": "ground-accuracy_contested", "scope": "scope-direct_marketing", "kinds": "chosen-title"}
REFUSED_PATHS = {"details.activity": "activity", "details.transmit_to": "transmit_to", "received_at": "kinds"}
SHOWN_WITH = {  # the fields the second step shows only for a right, by the right
    "field": "rectification",
    "value": "rectification",
    "statement": "rectification",
    "ground": "restriction",
    "scope": "objection",
    "activity": "objection",
    "transmit_to": "portability",
}


@dataclass
class Refused:
    """What the step shows again: by field, its error; the summary's lines (anchor or None, text)."""

    errors: dict[str, str] = field(default_factory=dict)
    summary: list[tuple[str | None, str]] = field(default_factory=list)


def sent(posted: Mapping[str, Any] | None, kinds: Iterable[Any]) -> dict[str, Any]:
    """The form as typed, text fields only (a file sent in their place is not kept)."""
    found: dict[str, Any] = {
        name: value for name in TEXTS if isinstance(value := (posted or {}).get(name), str)
    }
    found["kinds"] = [kind for kind in kinds if isinstance(kind, str)]
    return found


def from_validation(errors: Iterable[Mapping[str, Any]]) -> list[tuple[str, str]]:
    """pydantic's errors as (field, rule)."""
    return [(str(error["loc"][0]) if error["loc"] else "kinds", str(error["type"])) for error in errors]


def from_refusal(error: LawfulError) -> list[tuple[str, str]] | None:
    """A refusal of what was asked as (field, code); None when it is not about the form (left to raise)."""
    if error.status not in (409, 422):
        return None
    fields = [_field(str(p.get("path", ""))) for p in error.problems] or ["kinds"]
    return [(name, f"code.{error.code}") for name in dict.fromkeys(fields)]


def _field(path: str) -> str:
    if path.startswith("details.values."):
        return "field"  # the datum to correct, whatever its key
    return REFUSED_PATHS.get(path, path if path in LABELS else "kinds")


def refused(problems: list[tuple[str, str]], asking: list[str], lang: str) -> Refused:
    """Each field's sentence in the person's language; the summary links to the fields on the page."""
    found = Refused()
    for name, rule in problems:
        if name in found.errors:
            continue
        text = message(name, rule, lang)
        shown = name in LABELS and (name not in SHOWN_WITH or SHOWN_WITH[name] in asking)
        if shown:
            found.errors[name] = text
        label = i18n.t(LABELS[name], lang) if name in LABELS else ""
        found.summary.append(
            (
                ANCHORS.get(name, name) if shown else None,
                i18n.t("center.error.line", lang, label=label, text=text) if label else text,
            )
        )
    return found


def message(name: str, rule: str, lang: str) -> str:
    texts = i18n.catalogue()
    own = f"center.error.{name}.{rule.removeprefix('code.')}"
    if own in texts:
        return i18n.t(own, lang)
    if rule.startswith("code."):
        code = rule.removeprefix("code.")
        key = f"center.error.{code}"
        return i18n.t(key, lang) if key in texts else refusals.message(code, 422, lang)
    return refusals.rule_message(rule, lang)
