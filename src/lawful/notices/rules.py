"""What a notice must contain (Art. 13, R-07), whether a change is material (R-116) and when it may
take effect (R-117). Pure functions over the register and its diff."""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from pydantic import BaseModel

from lawful.processing import Change, Label, Register

from .errors import LeadTimeTooShort, OverrideReasonMissing


class NoticeKind(StrEnum):
    PRIVACY = "privacy"
    COOKIES = "cookies"


# Every Art. 13(1)-(2) element, in the order the privacy notice shows them (section ids).
PRIVACY_ELEMENTS = (
    "controller_identity",
    "controller_contact",
    "dpo",
    "purposes",
    "legitimate_interests",
    "recipients",
    "transfers",
    "retention",
    "rights",
    "consent_withdrawal",
    "complaint",
    "requirement",
    "automated_decisions",
    "sources",
    "changes",
)
COOKIE_ELEMENTS = ("controller_identity", "trackers", "consent_choice", "changes")

CONTACT_CHANNELS = frozenset({"privacy_email", "email", "phone", "post"})

# Register paths whose change alters what people were told in substance.
MATERIAL_PATHS = {
    NoticeKind.PRIVACY: (
        "organisation.legal_name",
        "organisation.legal_form",
        "organisation.registered_office",
        "organisation.company_number",
        "organisation.contact",
        "organisation.dpo",
        "organisation.joint_controllers",
        "organisation.automated_decisions",
        "organisation.portability",
        "subject_categories",
        "data_categories",
        "recipients",
        "retention_rules",
        "activities",
    ),
    NoticeKind.COOKIES: ("organisation.legal_name", "trackers", "recipients"),
}
# Within those, rewording one language's label, or internal bookkeeping (reviewers, test dates), is editorial;
# but what a purpose (or a legitimate interest) says is what people agreed to or expect, in every language (T-38).
EDITORIAL_LEAVES = frozenset({"en", "fr", "nl"})
MATERIAL_WORDING = (".purpose", ".legitimate_interest.interest")
EDITORIAL_FIELDS = frozenset(
    {
        "reviewer",
        "reviewed_on",
        "necessity",
        "impact",
        "safeguards",
        "outcome",
        "owner",
        "last_tested",
        "test_every",
    }
)


@dataclass(frozen=True)
class Missing:
    element: str
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.element}: {self.message} ({self.path})"


def missing_elements(register: Register, kind: NoticeKind) -> list[Missing]:
    """What stops a notice from being published: absent Art. 13 elements and untranslated labels."""
    found = list(_identity(register))
    if kind is NoticeKind.COOKIES and not register.trackers:
        found.append(Missing("trackers", "trackers", "no tracker is registered, not even the consent cookie"))
    found.extend(missing_labels(register))
    return found


def _identity(register: Register) -> Iterator[Missing]:
    org = register.organisation
    if org.registered_office is None:
        yield Missing(
            "controller_identity",
            "organisation.registered_office",
            "the controller's registered office (postal address) is not given",
        )
    if not any(point.kind in CONTACT_CHANNELS for point in org.contact):
        yield Missing(
            "controller_contact",
            "organisation.contact",
            "no contact channel is given: add at least an email address, a postal address or a phone number",
        )


def missing_labels(register: Register) -> list[Missing]:
    """`missing_language:xx` for every keyed text lacking one of the organisation's languages (R-120, R-121)."""
    wanted = register.organisation.languages
    return [
        Missing(f"missing_language:{lang}", path, f"no {lang} text")
        for path, label in _labels(register)
        for lang in wanted
        if not label.get(lang)
    ]


def _labels(value: Any, path: str = "") -> Iterator[tuple[str, Label]]:
    if isinstance(value, Label):
        yield path, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _labels(getattr(value, name), f"{path}.{name}" if path else name)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            key = getattr(item, "key", index)
            yield from _labels(item, f"{path}[{key}]")


@dataclass(frozen=True)
class Classification:
    material: bool
    reasons: tuple[str, ...]
    overridden: bool = False


def classify(changes: Sequence[Change], kind: NoticeKind) -> Classification:
    """Material when the diff touches identity, purposes, bases, data, recipients, transfers, retention (R-116)."""
    reasons = tuple(c["path"] for c in changes if _is_material(c["path"], kind))
    return Classification(material=bool(reasons), reasons=reasons)


def _is_material(path: str, kind: NoticeKind) -> bool:
    if not path.startswith(MATERIAL_PATHS[kind]):
        return False
    head, _, leaf = path.rpartition(".")
    if leaf in EDITORIAL_LEAVES:
        return (
            kind is NoticeKind.PRIVACY and head.startswith("activities[") and head.endswith(MATERIAL_WORDING)
        )
    return leaf not in EDITORIAL_FIELDS


def override(found: Classification, *, material: bool, reason: str | None) -> Classification:
    """A manual classification needs a written reason (R-116)."""
    if material == found.material:
        return found
    if not reason or not reason.strip():
        raise OverrideReasonMissing("overriding the material/editorial classification needs a reason")
    return Classification(
        material=material, reasons=(*found.reasons, f"override: {reason.strip()}"), overridden=True
    )


def earliest_effective(today: date, *, material: bool, lead_days: int, urgent_reason: str | None) -> date:
    """Material changes are announced `lead_days` ahead unless a legal reason is recorded (R-117)."""
    return today + timedelta(days=lead_days) if material and not urgent_reason else today


def ensure_effective_date(
    effective: date, today: date, *, material: bool, lead_days: int, urgent_reason: str | None
) -> None:
    if effective < today:
        raise LeadTimeTooShort(
            f"effective_from {effective} is in the past; a notice cannot take effect retroactively"
        )
    earliest = earliest_effective(today, material=material, lead_days=lead_days, urgent_reason=urgent_reason)
    if effective < earliest:
        raise LeadTimeTooShort(
            f"a material change takes effect at the earliest on {earliest} ({lead_days} days' notice); "
            "give urgent_reason to shorten it"
        )


def current(versions: Sequence[Any], today: date) -> Any | None:
    """The version in force today: the newest whose effective date has come."""
    in_force = [v for v in versions if v.effective_from <= today]
    return max(in_force, key=lambda v: v.number) if in_force else None


def stale_translations(changes: Sequence[Change], authoritative: str, languages: Sequence[str]) -> list[str]:
    """Labels whose authoritative text changed while a translation stayed as it was (R-120)."""
    changed = {c["path"] for c in changes}
    stale: list[str] = []
    for path in sorted(changed):
        head, _, lang = path.rpartition(".")
        if lang != authoritative:
            continue
        stale.extend(
            f"{head}.{other}" for other in languages if other != lang and f"{head}.{other}" not in changed
        )
    return stale
