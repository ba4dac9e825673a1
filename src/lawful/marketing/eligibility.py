"""Whether a queued marketing message may still go when its turn comes (R-36, T-14). Pure.

The purpose gate has answered for the person now (consent in force, no objection, no restriction,
retention not over, not on the exclusion list for this purpose); the message's own address is checked
against the exclusion list too, since it was written when the campaign was queued.
"""

from collections.abc import Sequence

ALL_MARKETING = "marketing"
ADDRESS_SUPPRESSED = "suppressed"
UNKNOWN_SUBJECT = "unknown_subject"
UNKNOWN_PURPOSE = "unknown_purpose"


def covers(scope: str, purpose: str) -> bool:
    """An exclusion entry's scope covers every marketing purpose, or the one it names."""
    return scope in (ALL_MARKETING, purpose)


def reason_at_send(*, allowed: bool, reasons: Sequence[str], address_suppressed: bool) -> str | None:
    """None when the message may go; otherwise the one reason it is dropped for (the gate's first)."""
    if not allowed:
        return reasons[0] if reasons else UNKNOWN_SUBJECT
    if address_suppressed:
        return ADDRESS_SUPPRESSED
    return None
