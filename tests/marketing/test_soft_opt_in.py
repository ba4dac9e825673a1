"""The ePrivacy condition of a marketing email (R-34, T-16) as a table: every combination of where the
address came from, the person's category, the collecting basis, the opt-out offered at collection, an
objection and an exclusion-list entry. Pure, no database."""

import itertools

import pytest

from lawful import subjects
from lawful.marketing import eprivacy_basis
from lawful.marketing.rules import Obtained

SOURCES = [str(s) for s in subjects.Source]
CHANNELS = ["contract", "web_form", "in_person", "import"]
BASES = ["contract", "legitimate_interests", "consent", None]
PERSONAL = "anne@example.test"


def _expected(
    source: str,
    channel: str,
    category: str,
    basis: str | None,
    optout: bool,
    objected: bool,
    suppressed: bool,
) -> str | None:
    """The law, stated once: CEL Art. XII.13 and the Royal Decree of 4 April 2003, Art. 1; GDPR Art. 21(3)."""
    if objected or suppressed:
        return None
    from_the_customer_in_a_sale = source == "subject" and channel != "import" and basis == "contract"
    if category == "customer" and from_the_customer_in_a_sale and optout:
        return "soft_opt_in"
    return None


@pytest.mark.parametrize("category", ["customer", "prospect"])
@pytest.mark.parametrize("source", SOURCES)
def test_only_a_customers_own_address_given_in_a_sale_with_the_opt_out_offered_qualifies(
    source: str, category: str
) -> None:
    for channel, basis, optout, objected, suppressed in itertools.product(
        CHANNELS, BASES, [True, False], [True, False], [True, False]
    ):
        way = Obtained(source=source, channel=channel, basis=basis, optout_offered=optout)
        found = eprivacy_basis(
            consented=False,
            categories=[category],
            obtained=[way],
            email=PERSONAL,
            objected=objected,
            suppressed=suppressed,
        )
        assert found == _expected(source, channel, category, basis, optout, objected, suppressed), (
            way,
            category,
            objected,
            suppressed,
        )


SALE = Obtained(source="subject", channel="contract", basis="contract", optout_offered=True)


@pytest.mark.parametrize(
    ("obtained", "categories", "basis"),
    [
        ([SALE], ["customer"], "soft_opt_in"),
        # T-16: a bought list, even filed under the sales activity and flagged "opt-out offered"
        ([Obtained("aggregator", "import", "contract", True)], ["customer"], None),
        ([Obtained("partner", "import", "contract", True)], ["customer"], None),
        ([Obtained("subject", "import", "contract", True)], ["customer"], None),  # an own list, imported
        (
            [Obtained("subject", "web_form", "legitimate_interests", True)],
            ["customer"],
            None,
        ),  # a demo request
        (
            [Obtained("subject", "contract", "contract", False)],
            ["customer"],
            None,
        ),  # no opt-out at collection
        ([SALE], ["prospect"], None),  # the sale made someone else a customer, not this prospect
        # a bought list does not spoil a real sale: the customer's own address still qualifies
        ([Obtained("aggregator", "import", None, False), SALE], ["prospect", "customer"], "soft_opt_in"),
        ([], ["customer"], None),
    ],
)
def test_the_soft_opt_in_rests_on_how_the_address_was_obtained(
    obtained: list[Obtained], categories: list[str], basis: str | None
) -> None:
    assert eprivacy_basis(consented=False, categories=categories, obtained=obtained, email=PERSONAL) == basis


def test_partners_offers_are_never_a_soft_opt_in() -> None:
    assert (
        eprivacy_basis(
            consented=False, categories=["customer"], obtained=[SALE], email=PERSONAL, own_offer=False
        )
        is None
    )


@pytest.mark.parametrize(
    ("email", "basis"),
    [
        ("info@company.example.test", "legal_person_address"),
        ("Sales@company.example.test", "legal_person_address"),
        ("anne@company.example.test", None),
        (None, None),
    ],
)
def test_an_impersonal_address_of_a_company_needs_no_consent(email: str | None, basis: str | None) -> None:
    assert eprivacy_basis(consented=False, categories=["prospect"], obtained=[], email=email) == basis


@pytest.mark.parametrize(("objected", "suppressed"), [(True, False), (False, True), (True, True)])
def test_an_objection_or_an_exclusion_entry_outranks_consent(objected: bool, suppressed: bool) -> None:
    kept = eprivacy_basis(consented=True, categories=["prospect"], obtained=[], email=PERSONAL)
    refused = eprivacy_basis(
        consented=True,
        categories=["customer"],
        obtained=[SALE],
        email="info@company.example.test",
        objected=objected,
        suppressed=suppressed,
    )
    assert (kept, refused) == ("consent", None)
