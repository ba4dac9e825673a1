"""Other people's data in a copy: email addresses and phone numbers that are not the person's own are
masked before the copy leaves (Art. 15(4), R-52, T-34). Pure.

A message the person wrote may name a colleague's address or a friend's number; the copy shows the
person their own text, with those masked, rather than disclosing the third party or dropping the text.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# at least eight digits with the separators people type, written as a number is dialled (international
# +32 470 12 34 56, or national with its leading 0: 0470/12.34.56, (02) 123 45 67); an order number stays
PHONE = re.compile(r"(?<![\w@])(?:\+|\(?0)[\d ./()-]{6,}\d(?![\w@])")
_MIN_DIGITS = 8
_COMPARED_DIGITS = 8  # +32 470 12 34 56 and 0470 12 34 56 are the same number


@dataclass(frozen=True)
class Own:
    """The person's own addresses (lower case) and phone numbers (their last digits), which stay."""

    emails: frozenset[str]
    phones: frozenset[str]

    @classmethod
    def of(cls, emails: Iterable[str], phones: Iterable[str]) -> "Own":
        return cls(
            frozenset(e.strip().lower() for e in emails if e),
            frozenset(d for p in phones if len(d := _digits(p)) >= _MIN_DIGITS),
        )


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)[-_COMPARED_DIGITS:]


def redact(text: str, own: Own, mask: str) -> str:
    """`text` with every email address and phone number that is not the person's own replaced by `mask`."""
    if "@" not in text and not any(c.isdigit() for c in text):
        return text  # the common case: a name, a country, a date-free label

    def email(found: re.Match[str]) -> str:
        return found.group(0) if found.group(0).lower() in own.emails else mask

    def phone(found: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", found.group(0))
        if len(digits) < _MIN_DIGITS or _looks_like_date(found.group(0)):
            return found.group(0)
        return found.group(0) if digits[-_COMPARED_DIGITS:] in own.phones else mask

    return PHONE.sub(phone, EMAIL.sub(email, text))


_DATE = re.compile(r"^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}$")


def _looks_like_date(text: str) -> bool:
    """2024-03-15 or 15.03.2024 is a date, not a number to hide."""
    return bool(_DATE.match(text.strip()))
