"""The ePrivacy condition for marketing email (R-34), without a database."""

import pytest

from lawful.marketing import eprivacy_basis
from lawful.marketing.rules import has_unsubscribe


@pytest.mark.parametrize(
    ("consented", "categories", "bought", "email", "basis"),
    [
        (True, ["prospect"], False, "anne@example.test", "consent"),
        (False, ["customer"], True, "anne@example.test", "soft_opt_in"),
        (
            False,
            ["customer"],
            False,
            "anne@example.test",
            None,
        ),  # a customer who never bought: no soft opt-in
        (False, ["prospect"], True, "anne@example.test", None),  # T-16: a prospect is never a soft opt-in
        (False, ["prospect"], False, "info@company.example.test", "legal_person_address"),
        (False, ["prospect"], False, "Sales@company.example.test", "legal_person_address"),
        (False, ["prospect"], False, None, None),
    ],
)
def test_marketing_email_needs_consent_or_a_belgian_exception(
    consented: bool, categories: list[str], bought: bool, email: str | None, basis: str | None
) -> None:
    assert eprivacy_basis(consented=consented, categories=categories, bought=bought, email=email) == basis


def test_a_template_without_its_unsubscribe_link_is_refused() -> None:
    assert has_unsubscribe("News… {unsubscribe_url}", None)
    assert not has_unsubscribe("News without a way out", None)
