"""Age thresholds for online consent (Art. 8; Belgian Law of 30 July 2018 Art. 7) and what a hold needs."""

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


def hold_problem(reason: str, case_ref: str, review_on: date | None, today: date) -> str | None:
    """T-32: a hold needs a concrete case, a reason and a review date within a year."""
    if not reason.strip() or not case_ref.strip():
        return "a legal hold needs a case reference and a reason"
    if review_on is None or review_on <= today:
        return "a legal hold needs a review date in the future"
    if review_on - today > MAX_HOLD_REVIEW:
        return "review a legal hold at least once a year"
    return None


class Hold(Protocol):
    @property
    def lifted_at(self) -> datetime | None: ...
    @property
    def review_on(self) -> date: ...


def hold_in_force(hold: Hold, today: date) -> bool:
    """R-79, Art. 17(3)(e): a hold keeps what it names until someone lifts it. Past its review date it is
    flagged for review (`hold_overdue`), not dropped: a forgotten review must not destroy a case's evidence."""
    return hold.lifted_at is None


def hold_overdue(hold: Hold, today: date) -> bool:
    """A hold still in force whose review date has passed: to be reviewed (R-79 "expired holds are flagged")."""
    return hold_in_force(hold, today) and hold.review_on < today


def art14_due(collected: date) -> date:
    """Art. 14(3)(a): within a reasonable period, at the latest one month after obtaining the data."""
    year, month = (collected.year + 1, 1) if collected.month == 12 else (collected.year, collected.month + 1)
    for day in range(collected.day, 27, -1):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    return date(year, month, collected.day)
