"""The end of a client's DPA in order: return, then erase, then certify after the grace period (Art. 28(3)(g))."""

from datetime import date

ENDED, RETURNED, ERASED, CERTIFIED = "ended", "returned", "erased", "certified"
NEXT = {ENDED: RETURNED, RETURNED: ERASED, ERASED: CERTIFIED}


def step_refused(status: str, wanted: str) -> str | None:
    """Why `wanted` cannot be done now (None: it can). The data are returned before they are deleted, and
    the certificate comes only after the deletion."""
    if NEXT.get(status) == wanted:
        return None
    if status == CERTIFIED:
        return "this contract's end is certified already"
    return f"this contract's end is {status}: {NEXT[status]} comes first"


def certificate_refused(today: date, certify_on: date) -> str | None:
    """The certificate comes once the grace period in the DPA has run (every copy, backups included, gone)."""
    if today < certify_on:
        return f"certify_on: the grace period runs until {certify_on.isoformat()}"
    return None
