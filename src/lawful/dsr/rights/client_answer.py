"""The answer to a request carried out on a client controller's instruction goes to that client, never to
the person (Art. 28(3)(e), T-29): the access package or the erasure certificate, by mail and webhook."""

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import audit, clock, i18n, keystore, mail
from lawful.actor import Actor
from lawful.clients import forwarding

from .. import notices
from ..models import Request, Step
from ..packages import PACKAGE_LIFETIME, download_token, package_parts
from . import letter
from .access import current_register


def client_answer(
    db: Session, actor: Actor, keys: keystore.Keys, request: Request, base_url: str
) -> dict[str, Any]:
    row = db.scalars(
        select(forwarding.Forwarding).where(
            forwarding.Forwarding.request_id == request.id,
            forwarding.Forwarding.client == request.outcome.get("client"),
        )
    ).one()
    results = {
        s.kind: s.result
        for s in db.scalars(select(Step).where(Step.request_id == request.id))
        if s.kind != "client_answer"
    }
    certificate = {
        "reference": request.reference,
        "controller": row.client,
        "kinds": request.kinds,
        "found": request.subject_id is not None,
        "results": letter.public(results),
        "carried_out_at": clock.now().isoformat(),
    }
    parts = {"answer.json": json.dumps(certificate, ensure_ascii=False, default=str).encode()}
    if "erasure" in request.kinds:
        parts[letter.LETTER] = letter.letter(current_register(db, request), request, results)
    package_parts(db, keys, request, parts)
    url = f"{base_url}/rights/{download_token(keys, request.id)}/answer?lang={mail.letterhead(db, request.organisation_id).language}"
    lang = mail.letterhead(db, request.organisation_id).language
    what = "erasure" if "erasure" in request.kinds else "access"
    forwarding.send_to_client(
        db,
        keys,
        row,
        message=f"answer_{what}",
        base_url=base_url,
        link=url,
        expires=i18n.long_date(clock.today() + PACKAGE_LIFETIME, lang),
    )
    posted = forwarding.post_to_client(
        db,
        row,
        {
            "event": "rights_request.carried_out",
            "request_id": str(row.request_id),
            "reference": request.reference,
            "certificate": certificate,
            "download_url": url,
        },
    )
    if "erasure" in request.kinds:
        row.contact = None  # the requester's address goes with the person (T-05)
    audit.record(
        db,
        actor,
        "clients.request_answered",
        entity=row,
        organisation_id=request.organisation_id,
        data={"client": row.client, "reference": request.reference, "webhook": posted},
    )
    notices.answered(db, actor, request)
    return {"answered_to": row.client, "webhook": posted}
