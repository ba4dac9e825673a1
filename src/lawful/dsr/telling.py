"""Telling the person about their request: the address they gave, their status link, and service messages
in their language (by mail, or as a letter to print when the request came by post)."""

import uuid

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import Session

from lawful import crypto, i18n, keystore, mail
from lawful.actor import SYSTEM

from . import writes
from .errors import RequestNotFound
from .letters import post
from .models import Request


def contact(keys: keystore.Keys, request: Request) -> str:
    assert request.contact is not None
    return crypto.decrypt(keys.outbox, request.contact, context=f"request:{request.id}".encode()).decode()


def status_token(keys: keystore.Keys, request_id: uuid.UUID) -> str:
    return str(URLSafeSerializer(keys.session, salt="request").dumps(request_id.hex))


def request_from_token(keys: keystore.Keys, token: str) -> uuid.UUID:
    try:
        return uuid.UUID(hex=str(URLSafeSerializer(keys.session, salt="request").loads(token)))
    except (BadSignature, ValueError) as exc:
        raise RequestNotFound("no such request") from exc


def tell(
    db: Session,
    keys: keystore.Keys,
    request: Request,
    message: str,
    text: str | None = None,
    by_mail: bool = False,
    **values: object,
) -> None:
    """A service message about the request to the person, in their language (R-49); kept only while queued.
    A request answered on paper gets it as a letter to print instead (letters/post.py)."""
    lang = request.language
    body = text or i18n.t(f"mail.{message}.body", lang, reference=request.reference, **values)
    if not by_mail and post.by_letter(request):
        subject = i18n.t(f"mail.{message}.subject", lang, reference=request.reference)
        post.send(db, SYSTEM, keys, request, message, subject=subject, paragraphs=body.split("\n"))
        return
    row = mail.outbox_row(
        db,
        keys,
        mail.Mail(
            to=contact(keys, request),
            subject=i18n.t(f"mail.{message}.subject", lang, reference=request.reference),
            text=body,
            lang=lang,
        ),
        kind=f"dsr_{message}",
        category="service",
        organisation_id=request.organisation_id,
        about=request.reference,
    )
    writes.add(db, mail.TABLE, [row])  # with the step's other rows when a step is running
    mail.mark_queued(db)
