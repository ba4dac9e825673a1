"""Art. 14 notices (R-09, R-16): who is owed one, how it goes, and the Art. 14(5) exemptions. Pure."""

from enum import StrEnum


class Ground(StrEnum):
    """Art. 14(5): when the notice is not owed; each must be recorded with its reason."""

    HAS_INFORMATION = "already_has_information"  # (a)
    DISPROPORTIONATE = "impossible_or_disproportionate"  # (b)
    LAW_PROVIDES = "obtaining_laid_down_by_law"  # (c)
    SECRECY = "professional_secrecy"  # (d)


class Method(StrEnum):
    EMAIL = "email"
    LETTER = "letter"  # no email address: printed and posted by staff
    EXEMPT = "exempt"


def language(spoken: str | None, offered: list[str], authoritative: str) -> str:
    """The person's language when the organisation writes in it, else its authoritative one (Art. 12(1))."""
    return spoken if spoken in offered else authoritative


def method(email: str | None) -> Method:
    return Method.EMAIL if email else Method.LETTER
