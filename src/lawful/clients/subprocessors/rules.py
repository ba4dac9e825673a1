"""When a client's data may flow to a sub-processor told to it (Art. 28(2), R-104): pure rules."""

from datetime import datetime, timedelta

DEFAULT_OBJECTION_DAYS = 30  # R-104's default; a DPA may set its own (`objection_days`)

PENDING, APPROVED, OBJECTED = "pending", "approved", "objected"
AWAITING_APPROVAL = "sub_processor_awaiting_approval"
IN_WINDOW = "sub_processor_objection_window"
OBJECTION = "sub_processor_objected"
SPECIFIC = "specific"


def window_end(recorded_at: datetime, days: int) -> datetime:
    """The objection window closes `days` full days after the client was told: blocked on day `days - 1`,
    open on day `days`."""
    return recorded_at + timedelta(days=days)


def blocked_by(status: str, authorisation: str, window_ends_at: datetime, now: datetime) -> str | None:
    """Why no data of the client may flow to the sub-processor now (None: they may).

    Art. 28(2): under a specific authorisation only the client's approval opens the flow; under a general
    one, the window passing without objection does too. An objection keeps it closed for good."""
    if status == OBJECTED:
        return OBJECTION
    if status == APPROVED:
        return None
    if authorisation == SPECIFIC:
        return AWAITING_APPROVAL
    if now < window_ends_at:
        return IN_WINDOW
    return None
