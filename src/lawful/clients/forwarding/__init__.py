"""Rights requests about client data, forwarded to the client controller and carried out on its
instruction (Art. 28(3)(e), R-102, T-29)."""

from . import rules
from .delivery import deliver_webhook, follow_ups, payload, pending_webhooks, post_to_client
from .errors import AlreadyInstructed, ForwardingNotFound
from .models import Forwarding
from .rules import Instruction, State
from .service import (
    Asked,
    carry_out_with,
    client_of,
    contact,
    forward,
    get,
    instruct,
    list_forwardings,
    send_to_client,
)

__all__ = [
    "AlreadyInstructed",
    "Asked",
    "Forwarding",
    "ForwardingNotFound",
    "Instruction",
    "State",
    "carry_out_with",
    "client_of",
    "contact",
    "deliver_webhook",
    "follow_ups",
    "forward",
    "get",
    "instruct",
    "list_forwardings",
    "payload",
    "pending_webhooks",
    "post_to_client",
    "rules",
    "send_to_client",
]
