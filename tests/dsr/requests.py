"""Rights requests in the service layer, as the tests make them: registered by staff, run as the worker does."""

import json
import uuid
from typing import Any

from sqlalchemy.orm import Session

from lawful import dsr, keystore
from lawful.actor import Actor
from tests.factories import answer_files, make_notice, make_register, run_steps
from tests.registers import people


def organisation(db: Session, **settings: Any) -> uuid.UUID:
    """The people register with `settings` under `organisation` (None leaves one out), its notice published."""
    document = people()
    document["organisation"].update({k: v for k, v in settings.items() if v is not None})
    org = make_register(db, document).organisation_id
    make_notice(db, org)
    return org


def run(db: Session, actor: Actor, keys: keystore.Keys, request: dsr.Request) -> None:
    run_steps(db, actor, keys, request, base_url="https://acme.example.test")


def answer(db: Session, keys: keystore.Keys, request: dsr.Request) -> dict[str, Any]:
    token = dsr.steps.download_token(keys, request.id)
    found: dict[str, Any] = json.loads(answer_files(db, keys, token)["answer.json"])
    return found


def verified(
    db: Session,
    actor: Actor,
    keys: keystore.Keys,
    org: uuid.UUID,
    kinds: list[str],
    email: str,
    **extra: Any,
) -> dsr.Request:
    """A request received by email and registered by staff, the person's identity already checked."""
    return dsr.open_request(
        db,
        actor,
        keys,
        organisation_id=org,
        kinds=kinds,
        email=email,
        channel="email",
        base_url="https://x.test",
        identity_verified=True,
        **extra,
    )
