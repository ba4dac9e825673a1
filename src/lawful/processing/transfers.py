"""Whether personal data may flow to a recipient today as far as its transfer mechanism goes (Art. 44-46,
R-114, T-40): a recipient outside the EEA without a mechanism, or whose mechanism is past its `valid_until`,
is suspended until the register records a renewal. Pure: the recipient and the day in, a reason or None."""

from datetime import date

from .document.recipients import OnLapse, Recipient
from .rules import EEA


def outside_eea(recipient: Recipient) -> bool:
    return any(str(country) not in EEA for country in recipient.countries)


def transfer_suspension(recipient: Recipient, today: date) -> str | None:
    """Why nothing may flow to `recipient` on `today`, or None: its lapse, unless the register says to alert
    rather than suspend (`on_lapse: alert`). Without any mechanism, nothing flows whatever it says."""
    reason = transfer_lapse(recipient, today)
    if reason is None or (recipient.transfer is not None and recipient.transfer.on_lapse == OnLapse.ALERT):
        return None
    return reason


def transfer_lapse(recipient: Recipient, today: date) -> str | None:
    """Why the transfer to `recipient` lacks a valid mechanism on `today`, or None. A mechanism is valid on
    its `valid_until` day itself and lapses the day after (the day before and the day of: flows go on)."""
    if not outside_eea(recipient):
        return None
    transfer = recipient.transfer
    if transfer is None:
        return f"{recipient.key!r} is outside the EEA without a transfer mechanism (Art. 44)"
    if transfer.valid_until is not None and today > transfer.valid_until:
        return (
            f"the transfer mechanism of {recipient.key!r} ({transfer.mechanism}) expired on "
            f"{transfer.valid_until.isoformat()}: "
            + (
                "flows to it go on as the register says (on_lapse: alert) until it records a renewal"
                if transfer.on_lapse == OnLapse.ALERT
                else "flows to it are suspended until the register records a renewal"
            )
            + " (Art. 46, R-114)"
        )
    return None
