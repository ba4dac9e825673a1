"""Electronic marketing (R-34; CEL Art. XII.13, Royal Decree of 4 April 2003): the ePrivacy condition.

The GDPR basis is the purpose gate's business; this adds the rule for emails: consent, or the Belgian
soft opt-in for existing customers, or an impersonal address of a legal person.
"""

from collections.abc import Collection

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


def eprivacy_basis(
    *, consented: bool, categories: Collection[str], bought: bool, email: str | None
) -> str | None:
    """The condition that allows a marketing email, or None (T-16: a demo request is not a sale)."""
    if consented:
        return "consent"
    if bought and CUSTOMER_CATEGORIES.intersection(categories):
        return "soft_opt_in"
    if email and email.partition("@")[0].lower() in IMPERSONAL_LOCAL_PARTS:
        return "legal_person_address"
    return None


def has_unsubscribe(text: str, html: str | None) -> bool:
    """R-35: a marketing message carries its opt-out; templates without the placeholder cannot be sent."""
    return "{unsubscribe_url}" in text and (html is None or "{unsubscribe_url}" in html)
