"""Letters on paper, for a request received by post, phone or in person (R-43, R-49): in the person's
language, addressed to the postal address given, from the company named in the register. Each letter is
kept as a part of the request's answer (sealed under its key, expiring like the answer) for staff to print,
and recorded on the case with its channel (the request's outcome and the audit log)."""

import json
import re
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import audit, clock, crypto, i18n, keystore, processing, render
from lawful.actor import Actor

from ..errors import LetterNotFound
from ..models import Package, Request
from ..packages import package, package_key, printed

OFFLINE_CHANNELS = frozenset({"post", "phone", "in_person"})
PREFIX = "letter-"


@dataclass(frozen=True)
class Postal:
    """Who a letter goes to; personal data, sealed on the request like its email."""

    name: str
    address: str  # lines separated by newlines
    phone: str | None = None


def seal(keys: keystore.Keys, request_id: uuid.UUID, postal: Postal) -> bytes:
    body = json.dumps(asdict(postal), ensure_ascii=False).encode()
    return crypto.encrypt(keys.outbox, body, context=f"request-postal:{request_id}".encode())


def postal(keys: keystore.Keys, request: Request) -> Postal | None:
    if request.postal is None:
        return None
    body = crypto.decrypt(keys.outbox, request.postal, context=f"request-postal:{request.id}".encode())
    return Postal(**json.loads(body))


_BODY = re.compile(rb"<body[^>]*>(.*)</body>", re.S | re.I)


def _body(document: bytes) -> Markup:
    """The body of an answer lawful rendered itself (its values escaped then), to print inside the letter."""
    found = _BODY.search(document)
    return Markup((found[1] if found else document).decode())  # noqa: S704 (our own escaped rendering)


def by_letter(request: Request) -> bool:
    """R-49: a request without email is answered on paper, and so is one received on paper with an address
    (answered in the channel it came by); an email or web request is answered by email."""
    return request.contact is None or (request.postal is not None and request.channel in OFFLINE_CHANNELS)


def send(
    db: Session,
    actor: Actor,
    keys: keystore.Keys,
    request: Request,
    kind: str,
    *,
    subject: str,
    paragraphs: list[str],
    enclosures: Sequence[bytes] = (),
) -> str:
    """Write one letter, keep it for printing and record it on the case; returns its name. Enclosures are
    readable answers (HTML) printed after the letter, each from a new page: a person who wrote by post
    gets the answer itself, not a link."""
    to = postal(keys, request)
    channel = "post" if to is not None and to.address.strip() else request.channel
    organisation = processing.current_register(db, organisation_id=request.organisation_id)[1].organisation
    office = organisation.correspondence_address or organisation.registered_office
    sent = list(request.outcome.get("letters", []))
    name = f"{PREFIX}{len(sent) + 1:02d}-{kind[:14]}.html"
    html = render.render(
        "dsr/letters/letter.html",
        lang=request.language,
        company=organisation.legal_name,
        company_number=organisation.company_number,
        office=office,
        to=to,
        dated=i18n.long_date(clock.today(), request.language),
        reference=request.reference,
        subject=subject,
        paragraphs=paragraphs,
        enclosures=[_body(enclosure) for enclosure in enclosures],
    )
    package(db, keys, request, name, html.encode())
    event = {"letter": name, "kind": kind, "channel": channel, "at": clock.now().isoformat()}
    request.outcome = {**request.outcome, "letters": [*sent, event]}
    audit.record(
        db,
        actor,
        "dsr.letter_sent",
        entity=request,
        organisation_id=request.organisation_id,
        data={"letter": name, "kind": kind, "channel": channel},
    )
    return name


def stored(db: Session, keys: keystore.Keys, request: Request) -> dict[str, bytes]:
    """Every letter of the request still kept (HTML), by name."""
    rows = db.scalars(
        select(Package).where(Package.request_id == request.id, Package.kind.startswith(PREFIX))
    ).all()
    key = package_key(db, keys, request.id)
    return {
        row.kind: crypto.decrypt(key, row.sealed, context=f"{row.id}".encode())
        for row in rows
        if row.sealed is not None and row.expires_at > clock.now()
    }


def html(db: Session, keys: keystore.Keys, request: Request, name: str | None = None) -> tuple[str, bytes]:
    """One letter as the HTML it is printed from (the latest when no name is given); LetterNotFound when
    none is kept."""
    found = stored(db, keys, request)
    wanted = name or (max(found) if found else None)
    if wanted is None or wanted not in found:
        raise LetterNotFound("no such letter is kept for this request")
    return wanted, found[wanted]


def pdf(db: Session, keys: keystore.Keys, request: Request, name: str | None = None) -> tuple[str, bytes]:
    """One letter as a PDF to print (the latest when no name is given)."""
    wanted, body = html(db, keys, request, name)
    return wanted.removesuffix(".html") + ".pdf", printed(body)
