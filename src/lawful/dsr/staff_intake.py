"""Requests that staff register (API, CLI, console): the same person asking a right they already asked for
in an open request joins that request as a receipt, as on the public form (R-43, R-45). Staff registered it,
so there is no code to send and nothing to hide from them: the receipt is confirmed at once and the answer
names the request it joined."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from lawful import audit, clock, keystore
from lawful.actor import Actor

from . import receipts, service
from .letters.post import Postal
from .models import Receipt, Request


@dataclass(frozen=True)
class Registered:
    request: Request
    joined: Receipt | None  # set when the request was already open: this receipt joined it


def register(
    db: Session,
    actor: Actor,
    keys: keystore.Keys,
    *,
    organisation_id: uuid.UUID,
    kinds: list[str],
    email: str | None,
    language: str,
    channel: str,
    base_url: str,
    received_at: datetime | None = None,
    details: dict[str, object] | None = None,
    identity_verified: bool = False,
    postal: Postal | None = None,
) -> Registered:
    open_one = (
        receipts.open_for(db, keys, organisation_id=organisation_id, email=email, kinds=kinds)
        if email is not None and email.strip() and not details
        else None
    )  # a request with details (values to correct, a destination) is its own case
    if open_one is None:
        request = service.open_request(
            db,
            actor,
            keys,
            organisation_id=organisation_id,
            kinds=kinds,
            email=email,
            language=language,
            channel=channel,
            base_url=base_url,
            received_at=received_at,
            details=details,
            identity_verified=identity_verified,
            postal=postal,
        )
        return Registered(request, None)
    now = clock.now()
    receipt = Receipt(
        id=uuid.uuid4(),
        request_id=open_one.id,
        reference=receipts.new_reference(),
        kinds=sorted(set(kinds)),
        channel=channel,
        language=language,
        received_at=received_at or now,
        attempts=0,
        confirmed_at=now,
    )
    db.add(receipt)
    audit.record(
        db,
        actor,
        "dsr.duplicate_joined",
        entity=open_one,
        organisation_id=open_one.organisation_id,
        data={"receipt": receipt.reference, "kinds": receipt.kinds, "channel": channel, "by": "staff"},
    )
    return Registered(open_one, receipt)
