"""Real Chromium, in French: a person declines the fee for a further copy from their request's page (R-48, R-52)."""

import pytest
from playwright.sync_api import Page, expect

from lawful import dsr, processing
from tests.dsr.center import SEEDER, Live, address, mail_text, request_of, status
from tests.factories import make_fulfilled_request, make_person
from tests.registers import as_yaml, label, people

pytestmark = pytest.mark.browser

FEE = {"amount": "5.00", "currency": "EUR", "window_days": 30, "reason": label("Printing and postage")}
WAITING_FEE = "En attente de votre réponse à notre devis pour une copie supplémentaire."
DECLINED = (
    "Clôturée : vous ne souhaitiez pas la copie supplémentaire au prix indiqué. Rien ne vous a été facturé."
)


def _held(live: Live, email: str) -> dsr.Request:
    """A second copy asked for within the fee window: held for its quote, which was mailed."""
    with live.session() as db:
        document = people()
        document["organisation"]["further_copy_fee"] = FEE
        processing.apply(db, SEEDER, text=as_yaml(document), source="browser-fee")
        make_person(db, live.keys, live.org, email=email)
        for _ in range(2):
            held = make_fulfilled_request(
                db,
                SEEDER,
                live.keys,
                live.org,
                kinds=["access"],
                email=email,
                language="fr",
                base_url=live.origin,
            )
        db.commit()
    assert held.status == "awaiting_fee_decision"
    return held


def test_the_person_declines_the_fee_and_the_request_closes_with_a_letter(page: Page, live: Live) -> None:
    email = address("fee")
    held = _held(live, email)
    token = dsr.status_token(live.keys, held.id)
    page.goto(f"/rights/{token}?lang=fr")
    status(page, WAITING_FEE)
    expect(page.locator('[data-fee="amount"]')).to_contain_text("5,00")

    with page.expect_navigation():
        page.get_by_role("button", name="Refuser les frais et clôturer ma demande").click()

    status(page, DECLINED)
    expect(page.get_by_role("button", name="Refuser les frais et clôturer ma demande")).to_have_count(0)
    found = request_of(live, token)
    assert (found.status, found.outcome["fee"]) == ("completed", "declined")
    letter = mail_text(live, email, f"Votre demande {held.reference} est clôturée")
    assert "5,00" in letter and "Autorité de protection des données" in letter
