"""The code that proves control of the address on file (R-46): sent, replaced, and its keyed digest."""

import hashlib
import hmac
import secrets
import uuid
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import clock, i18n, keystore

from . import rules
from .models import Request, VerificationCode
from .telling import status_token, tell

CODE_LIFETIME = timedelta(minutes=30)
MAX_CODE_ATTEMPTS = 5


def send_code(db: Session, keys: keystore.Keys, request: Request, *, base_url: str) -> None:
    """R-46: control of the address on file; a new code replaces any earlier one."""
    for old in db.scalars(
        select(VerificationCode).where(
            VerificationCode.request_id == request.id, VerificationCode.used_at.is_(None)
        )
    ):
        old.used_at = clock.now()
    code = f"{secrets.randbelow(1_000_000):06d}"
    db.add(
        VerificationCode(
            request_id=request.id,
            digest=digest(keys, request.id, code),
            expires_at=clock.now() + CODE_LIFETIME,
        )
    )
    url = f"{base_url}/rights/{status_token(keys, request.id)}"
    text = i18n.t("mail.code.body", request.language, reference=request.reference, code=code, url=url)
    if target := request.details.get(rules.TRANSMIT_TO):  # the code confirms this destination too
        text += "\n" + i18n.t("mail.code.destination", request.language, destination=target)
    tell(db, keys, request, "code", text=text, by_mail=True)  # a code proves control of the email
    db.flush()


def digest(keys: keystore.Keys, request_id: uuid.UUID, code: str) -> str:
    return hmac.new(keys.lookup, f"{request_id}:{code}".encode(), hashlib.sha256).hexdigest()
