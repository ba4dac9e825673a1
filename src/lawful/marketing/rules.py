"""Electronic marketing (R-34; CEL Art. XII.13, Royal Decree of 4 April 2003): the ePrivacy condition.

The GDPR basis is the purpose gate's business; this adds the rule for emails: consent, or the Belgian
soft opt-in for existing customers, or an impersonal address of a legal person.
"""

import csv
import hashlib
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from .errors import AudienceUploadDisabled, ConsentRequired, DncmFileInvalid, HeaderRefused, RecipientRefused

IMPERSONAL_LOCAL_PARTS = frozenset(
    {
        "info",
        "contact",
        "sales",
        "office",
        "admin",
        "hello",
        "secretariat",
        "secretariaat",
        "accueil",
        "administration",
        "boekhouding",
        "comptabilite",
    }
)
CUSTOMER_CATEGORIES = frozenset({"customer"})
SALE_BASIS = "contract"  # the address was given to buy, or to prepare a purchase: Art. 6(1)(b)


@dataclass(frozen=True)
class Obtained:
    """One way an address reached the organisation, as the soft opt-in weighs it."""

    source: str  # who gave it (subjects.Source): only "subject" is the customer's own hand
    channel: str  # how (subjects.Channel): an "import" is a list, never a sale
    basis: str | None  # the collecting activity's legal basis for customers ("contract": a sale)
    optout_offered: bool  # the refusal was offered when the address was given


def soft_opt_in(categories: Collection[str], obtained: Collection[Obtained], *, own_offer: bool) -> bool:
    """The Belgian soft opt-in (CEL Art. XII.13 §2; Royal Decree of 4 April 2003, Art. 1).

    Only an existing customer, whose address the organisation obtained from the customer in the context of
    a sale, with a free and easy refusal offered at that moment, for the organisation's own similar products.
    A demo request, a contact-form lead, an imported, partner or bought list never qualify (T-16).
    """
    if not own_offer or not CUSTOMER_CATEGORIES.intersection(categories):
        return False
    return any(
        way.source == "subject" and way.channel != "import" and way.basis == SALE_BASIS and way.optout_offered
        for way in obtained
    )


def eprivacy_basis(
    *,
    consented: bool,
    categories: Collection[str],
    obtained: Collection[Obtained],
    email: str | None,
    own_offer: bool = True,
    objected: bool = False,
    suppressed: bool = False,
) -> str | None:
    """The condition that allows a marketing email (R-34), or None.

    An objection to direct marketing (Art. 21(3)) and an exclusion-list entry outrank every condition,
    consent included: the consent a person gave before objecting is withdrawn by the objection.
    """
    if objected or suppressed:
        return None
    if consented:
        return "consent"
    if soft_opt_in(categories, obtained, own_offer=own_offer):
        return "soft_opt_in"
    if email and email.partition("@")[0].lower() in IMPERSONAL_LOCAL_PARTS:
        return "legal_person_address"
    return None


UNSUBSCRIBE_PLACEHOLDER = re.compile(r"\{\{\s*unsubscribe_url\s*\}\}|\{unsubscribe_url\}")


def has_unsubscribe(text: str, html: str | None) -> bool:
    """R-35: a marketing message carries its opt-out; templates without the placeholder cannot be sent."""
    return all(UNSUBSCRIBE_PLACEHOLDER.search(part) for part in (text, html) if part is not None)


# What a correctly rendered message never shows: a placeholder left unfilled ({name}, {{ name }}, {% … %},
# %(name)s, ${name}) or the repr of a program value that reached the text instead of words.
UNFILLED = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{[A-Za-z_][A-Za-z0-9_.]*\}|%\([A-Za-z_]+\)s|\$\{[^}]*\}")
PROGRAM_VALUES = {
    "<built-in": re.compile(r"<built-in"),
    " at 0x": re.compile(r" at 0x[0-9a-fA-F]+"),
    "None": re.compile(r"\bNone\b"),
    "{'": re.compile(r"\{'"),
}


def rendering_problems(source: str, rendered: str) -> list[str]:
    """What is wrong with one rendered version: each placeholder left in it, and each program value the
    rendering added (the author's own words may say "None"; a value rendered as None is a bug)."""
    found = [f"the placeholder {p} is not filled" for p in dict.fromkeys(UNFILLED.findall(rendered))]
    for shown, pattern in PROGRAM_VALUES.items():
        if len(pattern.findall(rendered)) > len(pattern.findall(source)):
            found.append(f"shows a program value ({shown!r}) instead of words")
    return found


def missing_parts(rendered: str, *, unsubscribe_url: str, sender: str, notice_url: str) -> list[str]:
    """R-35, R-08: a marketing message carries its one-click unsubscribe link, names its sender and links
    the privacy notice."""
    wanted = {
        "the one-click unsubscribe link (R-35)": unsubscribe_url,
        "the sender's identity (R-35)": sender,
        "the link to the privacy notice (R-08)": notice_url,
    }
    return [f"lacks {what}" for what, part in wanted.items() if not part or part not in rendered]


# A line break in a header value ends the header (RFC 5322 §2.2): the rest would be read as headers of
# its own (an added Bcc) or, since the outbox refuses to build such a message, the mail would never go.
LINE_BREAKS = frozenset("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


def ensure_header_value(field: str, value: str) -> None:
    """A value bound for a mail header (subject, sender name) stays on one line."""
    if LINE_BREAKS.intersection(value):
        raise HeaderRefused(
            f"{field}: a mail header cannot hold a line break",
            problems=[{"path": field, "message": "contains a line break"}],
        )


UPLOAD_BASIS = "consent"  # A-09, EDPB Guidelines 8/2020: never legitimate interest or soft opt-in
PHONE = "user.contact.phone_number"


def ensure_audience_upload(
    *,
    recipient: str,
    declared: bool,
    enabled: bool,
    recipient_type: str,
    dpa_ref: str | None,
    joint_arrangement: bool,
    listed: bool,
    bases: Collection[str],
) -> None:
    """R-40, Art. 26 and 28: an upload needs the switch on, an arrangement with the platform, and consent."""
    if not declared or not enabled:
        raise AudienceUploadDisabled(
            f"recipient: audience uploads to {recipient!r} are disabled (audience_upload.enabled in the register)"
        )
    if recipient_type in ("processor", "sub_processor") and not dpa_ref:
        raise RecipientRefused(f"recipient: {recipient!r} has no DPA on record (Art. 28)")
    if recipient_type == "joint_controller" and not joint_arrangement:
        raise RecipientRefused(
            f"recipient: {recipient!r} is a joint controller without an arrangement in "
            "organisation.joint_controllers (Art. 26)"
        )
    if recipient_type not in ("processor", "sub_processor", "joint_controller"):
        raise RecipientRefused(f"recipient: {recipient!r} is neither a processor nor a joint controller")
    if not listed:
        raise RecipientRefused(f"recipient: {recipient!r} is not a recipient of this purpose in the register")
    if not bases or set(bases) != {UPLOAD_BASIS}:
        raise ConsentRequired("purpose: a matched audience rests on consent only (R-40, A-09)")


def match_value(category: str, value: str, *, hashed: bool) -> str:
    """What a platform matches on: trimmed lower case (digits and + for a phone), SHA-256 when it says so.

    An unsalted hash is still personal data (T-02): the upload is a disclosure all the same."""
    normal = re.sub(r"[^0-9+]", "", value) if category == PHONE else " ".join(value.split()).lower()
    return hashlib.sha256(normal.encode()).hexdigest() if hashed else normal


DNCM_HEADERS = frozenset({"number", "phone", "telephone", "téléphone", "numero", "numéro", "nummer", "e164"})


def dncm_rows(text: str) -> Iterator[tuple[int, str]]:
    """(row, number as written) from a plain list or a CSV of the register; a header row is skipped."""
    column: int | None = None
    for row, cells in enumerate(csv.reader(text.splitlines(), delimiter=_delimiter(text)), start=1):
        if not cells or not "".join(cells).strip() or cells[0].lstrip().startswith("#"):
            continue
        if column is None:
            names = [cell.strip().lower() for cell in cells]
            found = next((i for i, name in enumerate(names) if name in DNCM_HEADERS), None)
            column = 0 if found is None else found
            if found is not None:
                continue
        if column >= len(cells):
            raise DncmFileInvalid(f"row {row}: no number in column {column + 1}")
        yield row, cells[column].strip()


def _delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    return ";" if ";" in first else ","


def dialable(raw: str) -> str:
    """Belgian exports may write +32 without the plus (32470…): no national number starts with 32."""
    digits = re.sub(r"[\s./()-]", "", raw)
    if digits.isdigit() and digits.startswith("32") and len(digits) in (10, 11):
        return f"+{digits}"
    return raw


def screen(lookup: str, *, dncm: Collection[str], suppressed: Collection[str]) -> str | None:
    """Why a number may not be called (R-41): the exclusion list first (the person told us), then the register.

    Every subject is a natural person (Art. 4(1)), so each of their numbers is screened against the
    register; a company's switchboard is not a subject's number and never reaches a call list."""
    if lookup in suppressed:
        return "suppressed"
    if lookup in dncm:
        return "do_not_call_me"
    return None


def dncm_stale(imported_at: datetime, *, refresh_days: int, now: datetime) -> bool:
    """The register is refreshed periodically; a call list screened against an older copy is flagged."""
    return now - imported_at > timedelta(days=refresh_days)
