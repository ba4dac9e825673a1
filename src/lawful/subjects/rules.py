"""Age thresholds for online consent (Art. 8; Belgian Law of 30 July 2018 Art. 7) and what a hold is."""

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Protocol

# Art. 8(1): 16 unless national law sets a lower age, never below 13.
DIGITAL_CONSENT_AGE = {
    "BE": 13,
    "FR": 15,
    "NL": 16,
    "LU": 16,
    "DE": 16,
    "IE": 16,
    "ES": 14,
    "IT": 14,
    "AT": 14,
}
DEFAULT_DIGITAL_CONSENT_AGE = 16
ADULT_AGE = 18  # Recital 38, 65: a child is anyone under 18, whatever the digital-consent age
ART14_NOTICE_WITHIN = 1  # month, Art. 14(3)(a)
MAX_HOLD_REVIEW = timedelta(days=366)


def age_on(born: date, today: date) -> int:
    """Completed years on `today`; someone born on 29 February turns a year older on 1 March in common years."""
    had_birthday = (today.month, today.day) >= (born.month, born.day)
    return today.year - born.year - (0 if had_birthday else 1)


def consent_age(country: str | None, default_country: str) -> int:
    return DIGITAL_CONSENT_AGE.get((country or default_country).upper(), DEFAULT_DIGITAL_CONSENT_AGE)


def is_below_consent_age(born: date, today: date, country: str | None, default_country: str = "BE") -> bool:
    """R-108, R-109: younger than the digital-consent age of the country of residence."""
    return age_on(born, today) < consent_age(country, default_country)


def is_child(born: date, today: date) -> bool:
    """R-111, Art. 17(1)(f), Recital 65: consent given before 18 is consent given as a child."""
    return age_on(born, today) < ADULT_AGE


def hold_problem(reason: str, case_ref: str, review_on: date | None, today: date) -> str | None:
    """T-32: a hold needs a concrete case, a reason and a review date within a year."""
    if not reason.strip() or not case_ref.strip():
        return "a legal hold needs a case reference and a reason"
    if review_on is None or review_on <= today:
        return "a legal hold needs a review date in the future"
    if review_on - today > MAX_HOLD_REVIEW:
        return "review a legal hold at least once a year"
    return None


class HoldLike(Protocol):
    @property
    def review_on(self) -> date: ...
    @property
    def lifted_at(self) -> datetime | None: ...


def hold_in_force(hold: HoldLike, today: date) -> bool:
    """R-79, Art. 17(3)(e): a hold keeps what it names until someone lifts it.

    A review date that has passed does not end it: deleting data under a dispute because nobody reviewed
    the hold in time cannot be undone, while keeping them a little longer for that case only can be
    corrected. R-79 asks for expired holds to be *flagged*, not dropped (`hold_overdue`). `today` is
    taken so that every caller asks the same question the same way.
    """
    return hold.lifted_at is None


def hold_overdue(hold: HoldLike, today: date) -> bool:
    """R-79, R-125: in force and past its review date (the review date itself is still on time)."""
    return hold_in_force(hold, today) and today > hold.review_on


class PurposeHold(HoldLike, Protocol):
    @property
    def purpose(self) -> str: ...


def held_for(holds: Iterable[PurposeHold], today: date) -> frozenset[str]:
    """The activities whose data the holds in force keep, and the only ones they may serve (T-32)."""
    return frozenset(h.purpose for h in holds if hold_in_force(h, today))


def art14_due(collected: date) -> date:
    """Art. 14(3)(a): within a reasonable period, at the latest one month after obtaining the data."""
    year, month = (collected.year + 1, 1) if collected.month == 12 else (collected.year, collected.month + 1)
    for day in range(collected.day, 27, -1):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    return date(year, month, collected.day)


def space(role: str, client: str | None) -> str:
    """Whose data these are (R-99, R-106): `controller` for the company's own people, `processor:<client>`
    for a client controller's; a purpose sees only people of its own space."""
    return f"{role}:{client}" if client else role
