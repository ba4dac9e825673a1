"""When a signal lawful already sees is a suspected breach (R-93): pure rules over counts.

Each rule returns a Finding (what to open the case with) or None. The thresholds are deliberately
coarse: a detector opens a case for the privacy officer to assess, it does not decide that personal
data were breached; a false alarm is closed as "unlikely" with its reasons (Art. 33(5))."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from statistics import median
from typing import Any

from ..rules import Nature

EXPORT_MIN_PEOPLE = 100  # below this an export is never "bulk", however small the usual ones are
EXPORT_FACTOR = 10  # "far above the usual size": ten times the median of the organisation's exports
EXPORT_HISTORY_MIN = 3  # fewer earlier exports than this: no usual size to compare with
EXPORT_UNPRECEDENTED = 1000  # without a usual size, an export of this many people is still flagged
EXPORT_HISTORY = timedelta(days=90)
LOGIN_WINDOW = timedelta(hours=1)
LOGIN_BASELINE = timedelta(days=7)
LOGIN_SPIKE_MIN = 20  # failed logins in the window, at least
LOGIN_SPIKE_FACTOR = 5  # and this many times the usual hourly rate


@dataclass(frozen=True)
class Finding:
    detector: str
    signal_key: str  # one case per signal, however often the detector runs
    title: str
    nature: list[Nature]
    counts: dict[str, Any] = field(default_factory=dict)


def bulk_export(
    *, kind: str, export_id: str, people: int, history: Sequence[int], purpose: str | None = None
) -> Finding | None:
    """An export far above the organisation's usual size (Art. 32(1)(b), 33(1)): possible exfiltration."""
    if people < EXPORT_MIN_PEOPLE:
        return None
    usual = median(history) if len(history) >= EXPORT_HISTORY_MIN else None
    if usual is None and people < EXPORT_UNPRECEDENTED:
        return None
    if usual is not None and people < EXPORT_FACTOR * max(usual, 1):
        return None
    return Finding(
        detector="bulk_export",
        signal_key=f"bulk_export:{kind}:{export_id}",
        title=f"Bulk export of {people} people, far above the usual size",
        nature=[Nature.CONFIDENTIALITY],
        counts={"kind": kind, "export_id": export_id, "people": people, "usual": usual, "purpose": purpose},
    )


def login_spike(*, failures: int, baseline_failures: int, day: date) -> Finding | None:
    """Failed logins in the last hour far above the usual hourly rate: credential stuffing or guessing."""
    hours = LOGIN_BASELINE / timedelta(hours=1)
    usual = baseline_failures / hours
    if failures < LOGIN_SPIKE_MIN or failures < LOGIN_SPIKE_FACTOR * usual:
        return None
    return Finding(
        detector="login_spike",
        signal_key=f"login_spike:{day.isoformat()}",
        title=f"{failures} failed console logins in an hour",
        nature=[Nature.CONFIDENTIALITY],
        counts={"failures": failures, "usual_per_hour": round(usual, 2), "window_minutes": 60},
    )


def audit_chain(*, checked: int, broken_seq: int | None, reason: str | None) -> Finding | None:
    """An audit log that no longer verifies: its entries were altered, removed or reordered (integrity)."""
    if broken_seq is None:
        return None
    return Finding(
        detector="audit_chain",
        signal_key=f"audit_chain:{broken_seq}",
        title=f"The audit log no longer verifies at entry {broken_seq}",
        nature=[Nature.INTEGRITY],
        counts={"checked": checked, "broken_seq": broken_seq, "reason": reason},
    )


def key_store(*, people: int, missing: int, unreadable: int, unreachable: bool, day: date) -> Finding | None:
    """People whose data key is missing or cannot be unwrapped, or a key store that cannot be reached:
    their data can no longer be read (availability), or the store was tampered with (integrity)."""
    if not (unreachable or missing or unreadable):
        return None
    what = "cannot be reached" if unreachable else f"lacks {missing} and cannot unwrap {unreadable} data keys"
    return Finding(
        detector="key_store",
        signal_key=f"key_store:{day.isoformat()}",
        title=f"The key store {what}",
        nature=[Nature.AVAILABILITY, Nature.INTEGRITY],
        counts={"people": people, "missing": missing, "unreadable": unreadable, "unreachable": unreachable},
    )
