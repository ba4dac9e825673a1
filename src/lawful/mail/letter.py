"""What makes every message a letter from the company: who sends it, in which language, and the common
footer that names the company and links its privacy notice (R-08, Art. 12-13 GDPR).

The kernel cannot read the register, so the processing domain registers how an organisation's letterhead
is found (`letterheads_from`); `queue` looks it up in the caller's transaction and seals it with the
message, so a letter names the company as it was when the letter was written."""

import functools
import re
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from html import escape
from typing import Any, Protocol

from sqlalchemy.orm import Session

from lawful import i18n, render


@dataclass(frozen=True)
class Kind:
    """One kind of mail lawful sends; `automatic` mail carries Auto-Submitted: auto-generated (RFC 3834)."""

    # "subject" (the person the data are about), "third_party" (a referred friend), "staff", "controller"
    # (a client controller the company processes data for, written to in the company's language)
    reader: str
    automatic: bool = True


# Every kind of mail, by the part of its outbox kind before any ":" (campaign:<name>, referral:<form>).
# `queue` refuses a kind not listed here, and tests/test_mail_headers.py sends every one of them.
KINDS: dict[str, Kind] = {
    "dsr_code": Kind("subject"),
    "dsr_acknowledgement": Kind("subject"),
    "dsr_answer": Kind("subject"),
    "dsr_extension": Kind("subject"),
    "dsr_refusal": Kind("subject"),
    "dsr_unidentified": Kind("subject"),
    "dsr_fee": Kind("subject"),
    "dsr_fee_declined": Kind("subject"),
    "dsr_objection_upheld": Kind("subject"),
    "dsr_objection_rejected": Kind("subject"),
    "dsr_disclosure": Kind("subject"),  # data disclosed to an authority
    "dsr_reminder": Kind("staff"),
    "dsr_forwarded": Kind("subject"),  # the person is told which controller handles the request
    "client_forwarded": Kind("controller"),  # a rights request sent to the client controller
    "client_reminder": Kind("controller"),
    "client_answer_access": Kind("controller"),
    "client_answer_erasure": Kind("controller"),
    "client_escalation": Kind("staff"),
    "breach_alert": Kind("staff"),
    "opt_in": Kind("subject"),
    "campaign": Kind("subject", automatic=False),  # written by the company's marketers
    "referral": Kind("third_party"),
    "breach_letter": Kind("subject"),  # Art. 34: service mail, never held back by a marketing opt-out
    "retention_warning": Kind("subject"),  # account data about to be deleted (service mail)
    "client_notice": Kind("controller"),  # a new sub-processor told to the client controller
    "client_instruction_flag": Kind("controller"),  # an instruction that appears to infringe the law
    "notice_change": Kind("subject"),  # a material notice change, service mail before it takes effect
    "art14_notice": Kind("subject"),  # data obtained elsewhere; service mail
    "breach_client_notice": Kind("controller"),  # to a client controller, in the company's language
}


class UnknownKind(ValueError):
    """A mail kind nobody declared in KINDS: it would go out untested."""


def kind_of(kind: str) -> Kind:
    found = KINDS.get(kind.partition(":")[0])
    if found is None:
        raise UnknownKind(f"mail kind {kind!r} is not declared in lawful.mail.KINDS")
    return found


def automatic(kind: str) -> bool:
    """Whether a queued row's kind is automatic mail; a row from an older version counts as automatic."""
    return KINDS.get(kind.partition(":")[0], Kind("subject")).automatic


@dataclass(frozen=True)
class Letterhead:
    """The controller as its letters name it: the register's legal name, address and privacy contact."""

    name: str
    address: str | None
    reply_to: str | None
    language: str  # the organisation's authoritative language: mail to staff, and a fallback


Finder = Callable[[Session, uuid.UUID], Letterhead]
_finders: list[Finder] = []


def letterheads_from(finder: Finder) -> None:
    """The processing domain plugs in how an organisation's letterhead is read from its register."""
    _finders[:] = [finder]


def letterhead(db: Session, organisation_id: uuid.UUID) -> Letterhead:
    """Read once per unit of work and organisation: a campaign to thousands reads the register once."""
    if not _finders:
        raise LookupError("no letterhead finder: import lawful.processing before queueing mail")
    cache: dict[uuid.UUID, Letterhead] = db.info.setdefault("mail.letterheads", {})
    if organisation_id not in cache:
        cache[organisation_id] = _finders[0](db, organisation_id)
    return cache[organisation_id]


def sealed(head: Letterhead, lang: str | None) -> dict[str, Any]:
    """What the outbox row keeps of the letterhead, with the reader's language."""
    return {**asdict(head), "lang": lang if lang in i18n.LANGUAGES else head.language}


def footer(letter: dict[str, Any], base_url: str) -> str:
    """The common footer, in the reader's language: the company, its privacy notice, its privacy contact."""
    return _footer(letter["lang"], letter["name"], letter.get("address"), letter.get("reply_to"), base_url)


@functools.lru_cache(maxsize=256)  # the same few footers for every letter of a run: rendered once each
def _footer(lang: str, name: str, address: str | None, contact: str | None, base_url: str) -> str:
    return render.render(
        "mail/footer.txt",
        lang=lang,
        organisation=", ".join(p for p in (name, address) if p),
        notice_url=notice_url(base_url, lang),
        contact=contact,
    )


def body(text: str, html: str | None, letter: dict[str, Any] | None, base_url: str) -> tuple[str, str | None]:
    """The text and HTML the reader gets: the message, then the letter's footer (none on rows queued
    before letters had one). Delivery builds every message with it, and publication checks preview it."""
    if not letter:
        return text, html
    end = footer(letter, base_url)
    return text + end, html and f"{html}<hr><p>{escape(end.strip()).replace(chr(10), '<br>')}</p>"


def notice_url(base_url: str, lang: str) -> str:
    return f"{base_url.rstrip('/')}/privacy?lang={lang}"


class Labelled(Protocol):
    def get(self, lang: str) -> str | None: ...


# How registers tell apart two activities that differ only by their legal basis ("Newsletter (consent)");
# a distinction for the record of processing, not wording for the person.
_BASIS_WORDS = (
    "consent|consentement|toestemming|contract|contrat|overeenkomst|legal obligation|obligation légale"
    "|wettelijke verplichting|legitimate interests?|intérêts? légitimes?|gerechtvaardigde? belang(?:en)?"
)
_BASIS_QUALIFIER = re.compile(rf"\s*\((?:{_BASIS_WORDS})\)\s*$", re.IGNORECASE)


def public_name(label: Labelled, lang: str) -> str:
    """An activity's name as a letter says it: in the reader's language, without the basis qualifier."""
    name = next((n for n in (label.get(x) for x in (lang, *i18n.LANGUAGES)) if n), "")
    return _BASIS_QUALIFIER.sub("", name) or name
