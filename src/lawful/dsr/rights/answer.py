"""The last steps of a request: recipients hear of the changes (Art. 19), then the person gets the answer."""

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import clock, i18n, keystore, subjects
from lawful.actor import Actor

from .. import notices, recipients, writes
from ..letters import post
from ..models import Request, Step
from ..packages import PACKAGE_LIFETIME, download_token, opened, package_parts
from ..service import NOTIFY_RECIPIENTS, contact, tell
from . import letter
from .access import current_register


def notify_recipients(
    db: Session, actor: Actor, keys: keystore.Keys, request: Request, base_url: str
) -> dict[str, Any]:
    """Art. 19, T-41: every recipient that received the data hears of a rectification, erasure, restriction, objection."""
    register = current_register(db, request)
    done = {s.kind: s.result for s in _steps(db, request)}
    erasure = done.get("erasure", {})
    held = set(erasure.get("erased", [])) | {k["activity"] for k in erasure.get("kept", [])}
    gone = bool(erasure.get("key_destroyed"))  # the person was deleted with their key
    if (
        request.subject_id is not None
        and not gone
        and db.get(subjects.Subject, request.subject_id) is not None
    ):
        held |= {c.activity for c in subjects.history(db, subject_id=request.subject_id)}
    kinds = [k for k in request.kinds if k in NOTIFY_RECIPIENTS]
    corrected = request.details.get("values") if "rectification" in kinds else None
    messages = recipients.payloads(
        register,
        reference=request.reference,
        events=kinds,
        activities=recipients.scope(register, kinds=kinds, details=request.details, held=held),
        email=contact(keys, request),
        values={str(k): str(v) for k, v in dict(corrected or {}).items()},
    )
    outcomes = notices.send(db, actor, keys, request, register, messages, step="notify_recipients")
    return {"recipients": outcomes}


def answer(db: Session, actor: Actor, keys: keystore.Keys, request: Request, base_url: str) -> dict[str, Any]:
    """The reply in the person's language, with an expiring link to the answer (R-49)."""
    results = {s.kind: s.result for s in _steps(db, request)}
    certificate = {
        "reference": request.reference,
        "kinds": request.kinds,
        "results": letter.public(results),  # the person's copy: lawful's own counters stay in the steps
        "answered_at": clock.now().isoformat(),
    }
    parts = {"answer.json": json.dumps(certificate, ensure_ascii=False, default=str).encode()}
    if "erasure" in request.kinds:  # what was erased, what is kept and why, who was told
        parts[letter.LETTER] = letter.letter(current_register(db, request), request, results)
    package_parts(db, keys, request, parts)
    lang = request.language
    if post.by_letter(request):  # answered in the channel it came by, the answer enclosed
        enclosed = [parts.get(name) or opened(db, keys, request.id, name) for name in READABLE]
        post.send(
            db,
            actor,
            keys,
            request,
            "answer",
            subject=i18n.t("mail.answer.subject", lang, reference=request.reference),
            paragraphs=i18n.t("letter.answer.body", lang, reference=request.reference).split("\n"),
            enclosures=[html for html in enclosed if html],
        )
    else:
        expires = clock.today() + PACKAGE_LIFETIME
        url = f"{base_url}/rights/{download_token(keys, request.id)}/answer?lang={request.language}"
        tell(db, keys, request, "answer", url=url, date=i18n.long_date(expires, lang))
    notices.answered(db, actor, request)  # completed now, or once every recipient is told (Art. 19)
    return {"answered": True}


READABLE = ("access.html", "rectification.html", letter.LETTER)  # the answers a person reads


def _steps(db: Session, request: Request) -> list[Step]:
    """Every step of the request, as the running step found them (or read now)."""
    known = writes.known_steps(db, request.id)
    if known is not None:
        return known
    return list(db.scalars(select(Step).where(Step.request_id == request.id)))
