"""Normal forms of identities, so the same person is found however they typed it."""

import re
from enum import StrEnum

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from .errors import InvalidIdentity


class IdentityKind(StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    EXTERNAL = "external"


def _problem(kind: str) -> dict[str, str]:
    """The field is named after the identity's kind (`email`, `phone`): the name the forms and APIs use."""
    return {
        "path": kind,
        "message": f"not a valid {'email address' if kind == 'email' else 'phone number'}",
        "rule": kind,
    }


def normalise_email(value: str) -> str:
    try:
        # test_environment admits the reserved .test domain, so demos and tests use visibly fake addresses
        return validate_email(
            value.strip(), check_deliverability=False, test_environment=True
        ).normalized.lower()
    except EmailNotValidError as exc:
        raise InvalidIdentity("not a valid email address", problems=[_problem("email")]) from exc


_ATOM = r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
_PLAIN_EMAIL = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@{_LABEL}(?:\.{_LABEL})+")


def normalise_for_lookup(kind: "IdentityKind", value: str) -> str:
    """The normal form to look a person up by. Plain ASCII addresses skip email-validator (a tenth of
    a millisecond): their normal form is simply lower case. Such an address that email-validator would
    refuse was never stored, so it finds no one either way."""
    if kind is IdentityKind.EMAIL:
        lowered = value.strip().lower()
        if lowered.isascii() and _PLAIN_EMAIL.fullmatch(lowered):
            return lowered
    return normalise(kind, value)


def normalise_phone(value: str, region: str = "BE") -> str:
    """E.164 (+3245…); national numbers are read in the organisation's country."""
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidIdentity("not a valid phone number", problems=[_problem("phone")]) from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidIdentity("not a valid phone number", problems=[_problem("phone")])
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise(kind: IdentityKind, value: str, region: str = "BE") -> str:
    if kind is IdentityKind.EMAIL:
        return normalise_email(value)
    if kind is IdentityKind.PHONE:
        return normalise_phone(value, region)
    cleaned = value.strip()
    if not cleaned or len(cleaned) > 200:
        raise InvalidIdentity("an external id has 1 to 200 characters")
    return cleaned
