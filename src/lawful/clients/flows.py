"""Whether personal data may flow to a recipient now: one rule for every lane that sends data out of lawful
(audience exports, matched-audience uploads, the notices to recipients of Art. 19), so that no lane checks
less than another.

Two things hold a flow back: the recipient's transfer mechanism has lapsed and the register says to suspend
(Art. 44-46, R-114); or the data are a client controller's and the recipient is a sub-processor the client
was told of and may still object to, or objected to (Art. 28(2), R-104)."""

import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session

from lawful import clock, processing

from . import subprocessors


@dataclass(frozen=True)
class Held:
    outcome: str  # "transfer_suspended" or "sub_processor_pending"
    reason: str  # names the recipient and the client, never a person


def held(
    db: Session, *, organisation_id: uuid.UUID, recipient: processing.Recipient, client: str | None
) -> Held | None:
    """Why the data (of `client`, None for the company's own) may not flow to `recipient` now, or None."""
    if (lapsed := processing.transfer_suspension(recipient, clock.today())) is not None:
        return Held("transfer_suspended", lapsed)
    if client is not None:
        why = subprocessors.blocked(
            db, organisation_id=organisation_id, client=client, recipient=recipient.key
        )
        if why is not None:
            reason = f"{recipient.key!r} may not receive {client!r}'s data yet ({why}, Art. 28(2))"
            return Held("sub_processor_pending", reason)
    return None
