"""The law of a processor's breach notice to its clients (R-103, Art. 28(3)(f), 33(2)): which clients a
case concerns, when each is due (the DPA's deadline, in real hours from awareness like the 72-hour clock),
and what each is told: its own people's numbers and categories only. Values in, values out."""

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any


class NoticeStatus(StrEnum):
    DUE = "due"  # not sent, the deadline not passed
    OVERDUE = "overdue"  # not sent, the deadline passed
    SENT = "sent"  # sent in time
    SENT_LATE = "sent_late"  # sent after the deadline


@dataclass
class Share:
    """What a case reached of one client's data: through its activities, and its people (counted)."""

    client: str
    activities: set[str] = field(default_factory=set)
    people: int = 0
    records: int = 0
    data_categories: Counter[str] = field(default_factory=Counter)
    subject_categories: Counter[str] = field(default_factory=Counter)


def due_at(aware_at: datetime, hours: float) -> datetime:
    """Awareness plus the DPA's hours, real hours in UTC (a DST change does not move it, T-25)."""
    aware = aware_at if aware_at.tzinfo else aware_at.replace(tzinfo=UTC)
    return aware.astimezone(UTC) + timedelta(hours=hours)


def status(due: datetime, sent_at: datetime | None, now: datetime) -> NoticeStatus:
    """The deadline's own minute is still in time."""
    if sent_at is not None:
        return NoticeStatus.SENT if _utc(sent_at) <= _utc(due) else NoticeStatus.SENT_LATE
    return NoticeStatus.OVERDUE if _utc(now) > _utc(due) else NoticeStatus.DUE


def shares(
    *,
    clients: Iterable[str],
    activity_clients: Mapping[str, str],
    scoped_activities: Iterable[str],
    people: Sequence[tuple[str, Mapping[str, Any]]],
    named: Iterable[str] = (),
) -> dict[str, Share]:
    """Each client concerned: named on the case (`client_controller`), a processor activity run for it
    named in a scope (`activity_clients`: activity → client), or people of its segregated space among the
    affected (`people`: (client, entry))."""
    known = set(clients)
    found: dict[str, Share] = {key: Share(key) for key in named if key in known}
    for activity in scoped_activities:
        client = activity_clients.get(activity)
        if client in known:
            found.setdefault(client, Share(client)).activities.add(activity)
    for client, entry in people:
        if client not in known:
            continue
        share = found.setdefault(client, Share(client))
        share.people += 1
        share.records += int(entry.get("records") or 0)
        share.data_categories.update(entry.get("categories") or [])
        share.subject_categories.update(entry.get("subject_categories") or [])
    return found


def facts(
    share: Share,
    *,
    reference: str,
    client_name: str,
    dpa_reference: str,
    aware_at: datetime,
    occurred_at: datetime | None,
    detected_at: datetime | None,
    due: datetime,
    nature: Sequence[str],
    consequences: str | None,
    measures_taken: str | None,
    measures_proposed: str | None,
    contact: str,
) -> dict[str, Any]:
    """Art. 33(3)(a)-(d) as the client needs it for its own notification: its people only; what is not
    known yet is marked `to_follow` (Art. 33(4))."""
    return {
        "reference": reference,
        "client": share.client,
        "client_name": client_name,
        "dpa_reference": dpa_reference,
        "aware_at": _utc(aware_at).isoformat(),
        "occurred_at": _utc(occurred_at).isoformat() if occurred_at else None,
        "detected_at": _utc(detected_at).isoformat() if detected_at else None,
        "due_at": _utc(due).isoformat(),
        "nature": list(nature) or TO_FOLLOW,
        "activities": sorted(share.activities),
        "approx_subjects": share.people,
        "approx_records": share.records,
        "data_categories": _counts(share.data_categories),
        "subject_categories": _counts(share.subject_categories),
        "consequences": consequences or TO_FOLLOW,
        "measures_taken": measures_taken or TO_FOLLOW,
        "measures_proposed": measures_proposed or TO_FOLLOW,
        "contact": contact,
    }


TO_FOLLOW = "to_follow"


def _counts(counter: Counter[str]) -> list[dict[str, Any]]:
    return [{"key": key, "approx": n} for key, n in sorted(counter.items())]


def _utc(moment: datetime) -> datetime:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


_DEADLINE = re.compile(r"^P(?!$)(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?)?$")


def hours(deadline: str) -> float:
    """A DPA's `breach_notice` (PT24H, P1D, PT36H30M) in hours; the register checked its form."""
    found = _DEADLINE.match(deadline)
    if found is None:
        raise ValueError(f"{deadline!r} is not a deadline in days or hours")
    days, whole, minutes = (int(part or 0) for part in found.groups())
    return days * 24 + whole + minutes / 60
