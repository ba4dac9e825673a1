"""Disclosures to authorities and legal recipients (R-89; Art. 5(1)(c), 6(1)(c), 15(1)(c)): what a request
must say, who may be asked, which data may go, and when the person is told. Pure: values in, values out."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from lawful.errors import Conflict, RuleViolation

APPROVE = "disclosures:approve"  # staff.rules.DISCLOSURES_APPROVE: privacy officer and legal
MIN_LEGAL_BASIS = 5  # the law or order relied on is written down, not a word ("law")
MAX_SUBJECTS = 1000


class RequesterKind(StrEnum):
    """Who may ask: authorities and the legal recipients R-89 names."""

    POLICE = "police"
    COURT = "court"
    TAX = "tax"
    PUBLIC_AUTHORITY = "public_authority"
    DISPUTE_RESOLUTION = "dispute_resolution"
    BAILIFF = "bailiff"
    DEBT_COLLECTOR = "debt_collector"


class Status(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    DISCLOSED = "disclosed"


# A processor acts on the company's behalf (Art. 28): handing it data is no disclosure to an authority.
NOT_A_LEGAL_RECIPIENT = frozenset({"processor", "sub_processor"})
OUTSIDE_WHITELIST = "outside_whitelist"


class DisclosureRefused(RuleViolation):
    code = "disclosure_refused"


class DisclosureNotApproved(Conflict):
    code = "disclosure_not_approved"


class DisclosureClosed(Conflict):
    code = "disclosure_closed"


class NoProhibition(Conflict):
    code = "no_prohibition_in_force"


@dataclass(frozen=True)
class Asked:
    """A disclosure request as staff recorded it, before anything is stored."""

    requester_kind: str
    requester: str | None
    recipient: str | None
    legal_basis: str
    subject_ids: Sequence[object]
    categories: Sequence[str]
    received_on: date
    prohibited: bool
    prohibition_ref: str | None


@dataclass(frozen=True)
class Known:
    """What the register and the database know: every category, each recipient's type, the people found."""

    categories: frozenset[str]
    recipient_types: dict[str, str]
    subjects_found: frozenset[object]


def problems(asked: Asked, known: Known, today: date) -> list[dict[str, Any]]:
    """Every reason the request cannot be recorded, each naming its field (R-89: requester, legal basis,
    scope, date; a prohibition to inform the person only with its reference)."""
    found: list[dict[str, Any]] = []

    def bad(path: str, message: str) -> None:
        found.append({"path": path, "message": message})

    if asked.requester_kind not in tuple(RequesterKind):
        bad("requester_kind", f"use {', '.join(RequesterKind)}")
    if asked.recipient is not None:
        kind = known.recipient_types.get(asked.recipient)
        if kind is None:
            bad("recipient", "not a recipient of the register")
        elif kind in NOT_A_LEGAL_RECIPIENT:
            bad("recipient", f"a {kind} acts for us: giving it data is not a disclosure to an authority")
    elif not (asked.requester or "").strip():
        bad("requester", "name the requester, or give the register's recipient key")
    if len(asked.legal_basis.strip()) < MIN_LEGAL_BASIS:
        bad(
            "legal_basis", "write the law or the order the request relies on (e.g. the judicial order number)"
        )
    if not asked.subject_ids:
        bad("subject_ids", "name at least one person")
    elif len(asked.subject_ids) > MAX_SUBJECTS:
        bad("subject_ids", f"at most {MAX_SUBJECTS} people per request")
    for index, subject_id in enumerate(asked.subject_ids):
        if subject_id not in known.subjects_found:
            bad(f"subject_ids.{index}", "no such person in this organisation")
    if not asked.categories:
        bad("categories", "name at least one data category")
    for index, category in enumerate(asked.categories):
        if category not in known.categories:
            bad(f"categories.{index}", "not a data category of the register")
    if asked.received_on > today:
        bad("received_on", "a request cannot be received in the future")
    if asked.prohibited and not (asked.prohibition_ref or "").strip():
        bad("prohibition_ref", "a prohibition to inform the person is recorded with its legal reference")
    if not asked.prohibited and (asked.prohibition_ref or "").strip():
        bad("prohibited", "a prohibition reference was given: say that informing the person is prohibited")
    return found


def check(asked: Asked, known: Known, today: date) -> None:
    """Refuse, naming every field at fault, a request that cannot be recorded."""
    found = problems(asked, known, today)
    if found:
        raise DisclosureRefused(
            "the disclosure request cannot be recorded: " + ", ".join(p["path"] for p in found),
            problems=found,
        )


def whitelist(fields: Iterable[str], activity_categories: Iterable[Iterable[str]]) -> frozenset[str]:
    """What a recipient of the register may receive (Art. 5(1)(c)): its declared fields; when it declares
    none, the categories of the activities that name it as their recipient (Art. 30(1)(d)); else nothing."""
    declared = frozenset(fields)
    if declared:
        return declared
    return frozenset(c for categories in activity_categories for c in categories)


def minimum(scope: Sequence[str], allowed: frozenset[str] | None) -> tuple[list[str], list[dict[str, str]]]:
    """The data that go: the categories the request names, within what the recipient may receive
    (None: a requester the register does not name, limited by its request alone). The rest is refused,
    each with its reason."""
    disclosed, refused, seen = [], [], set()
    for category in scope:
        if category in seen:
            continue
        seen.add(category)
        if allowed is None or category in allowed:
            disclosed.append(category)
        else:
            refused.append({"category": category, "reason": OUTSIDE_WHITELIST})
    return disclosed, refused


def ensure_approvable(status: str) -> None:
    if status != Status.REQUESTED:
        raise DisclosureClosed(f"this disclosure request is already {status}")


def ensure_disclosable(status: str) -> None:
    """Only an approved request is carried out, and only once (R-89)."""
    if status == Status.REQUESTED:
        raise DisclosureNotApproved("a legal or privacy role must approve the request before any disclosure")
    if status != Status.APPROVED:
        raise DisclosureClosed(f"this disclosure request is already {status}")


def ensure_disclosed(status: str) -> None:
    if status != Status.DISCLOSED:
        raise DisclosureNotApproved("nothing was disclosed yet: approve, then disclose")


def prohibition_in_force(prohibition_ref: str | None, lifted_at: datetime | None) -> bool:
    return prohibition_ref is not None and lifted_at is None


def ensure_liftable(prohibition_ref: str | None, lifted_at: datetime | None) -> None:
    if not prohibition_in_force(prohibition_ref, lifted_at):
        raise NoProhibition("no prohibition to inform the person is in force for this disclosure")


def tells_the_person(status: str, prohibition_ref: str | None, lifted_at: datetime | None) -> bool:
    """The person hears of a disclosure made, and their access report lists it, unless a recorded legal
    prohibition still forbids it (R-89, Art. 15(1)(c), Art. 23 restrictions)."""
    return status == Status.DISCLOSED and not prohibition_in_force(prohibition_ref, lifted_at)
