"""Real Chromium, in French: a participant enters a brand's contest (the page names the brand as
controller), later asks for erasure at /rights; the request is forwarded to the brand's webhook (a real
HTTP server on loopback) and by mail, within the DPA's deadline, carried out when the brand's instruction
arrives through the API, and the certificate goes to the brand; the participant's mail names the brand
(R-101, R-102, T-29)."""

import threading
from datetime import date
from http.server import HTTPServer
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from lawful import clock, dsr, subjects
from lawful.clients import forwarding
from lawful.dsr.tasks import WORKER
from tests.clients.forwarding_world import with_client
from tests.dsr.center import ERASURE, Live, address, ask, mail_text, platform, request_of, status
from tests.factories import bearer, make_api_key
from tests.registers import people

pytestmark = pytest.mark.browser

BRAND, BRAND_NAME = "brand", "Brand SA"
BRAND_MAIL = "privacy@brand.example.test"
FORWARDED = "Transmise au responsable du traitement concerné."
_hook: list[tuple[HTTPServer, list[dict[str, Any]]]] = []


def REGISTER() -> dict[str, Any]:  # noqa: N802 (the name the live fixture reads)
    """The people register plus a brand whose webhook is a loopback server of this module."""
    if not _hook:
        server, posts = platform()
        threading.Thread(target=server.serve_forever, daemon=True).start()
        _hook.append((server, posts))
    url = f"http://127.0.0.1:{_hook[0][0].server_address[1]}/privacy-hook"
    return with_client(people(), key=BRAND, name=BRAND_NAME, webhook=url)


def _hooked() -> list[dict[str, Any]]:
    return _hook[0][1]


def _people_of_the_brand(live: Live) -> int:
    with live.session() as db:
        return (
            db.scalar(
                select(func.count()).select_from(subjects.Subject).where(subjects.Subject.client == BRAND)
            )
            or 0
        )


def test_a_participants_erasure_goes_to_the_brand_and_is_carried_out_on_its_instruction(
    page: Page, live: Live
) -> None:
    email = address("participante")
    page.goto(f"/forms/{BRAND}_contest?lang=fr")
    expect(page.locator("[data-controller]")).to_have_attribute("data-controller", BRAND_NAME)
    expect(page.get_by_role("link", name=f"Politique de confidentialité de {BRAND_NAME}")).to_be_visible()
    page.get_by_label("Votre nom").fill("Anaïs")
    page.get_by_label("Votre e-mail").fill(email)
    with page.expect_navigation():
        page.get_by_role("button", name="Envoyer").click()
    assert _people_of_the_brand(live) == 1

    token = ask(page, ERASURE, email)

    status(page, FORWARDED)
    expect(page.locator("[data-detail]")).to_have_text(
        f"{BRAND_NAME} est le responsable du traitement de ces données : nous lui avons transmis votre demande, "
        "et il vous répondra."
    )
    request = request_of(live, token)
    assert (request.status, request.subject_id) == ("forwarded", None)  # never answered "no data"
    with live.session() as db:
        [row] = forwarding.list_forwardings(db, organisation_id=live.org, client=BRAND)
        assert row.forward_by >= clock.today() >= row.received_on  # forwarded at once, within the DPA's days
        assert isinstance(row.forward_by, date)
        assert forwarding.deliver_webhook(db, WORKER, live.keys, forwarding_id=row.id, base_url=live.origin)
        db.commit()  # what the job does once the forwarding is committed
    [posted] = [p for p in _hooked() if p["reference"] == request.reference]
    assert (posted["event"], posted["email"], posted["kinds"]) == (
        "rights_request.forwarded",
        email,
        ["erasure"],
    )
    told = mail_text(live, email, f"Votre demande {request.reference}")
    assert f"pour le compte de {BRAND_NAME}, qui est le responsable du traitement" in told
    assert request.reference in mail_text(live, BRAND_MAIL, "Demande d'exercice de droits")
    with live.session() as db:
        key = make_api_key(db, live.org, ["clients:instruct"])
        db.commit()

    response = httpx.post(
        posted["instruction_url"], json={"instruction": "carry_out"}, headers=bearer(key), timeout=10
    )

    assert response.status_code == 200, response.text
    with live.session() as db:  # the worker job: every pending step, one commit each
        while dsr.steps.run_next(db, WORKER, live.keys, request_id=request.id, base_url=live.origin):
            db.commit()
    assert _people_of_the_brand(live) == 0
    page.reload()
    status(page, "Traitée.")
    expect(page.locator("[data-detail]")).to_contain_text(f"sur les instructions de {BRAND_NAME}")
    certificate = mail_text(live, BRAND_MAIL, f"Demande {request.reference} : certificat d'effacement")
    assert "/rights/" in certificate
    assert [p["event"] for p in _hooked() if p["reference"] == request.reference] == [
        "rights_request.forwarded",
        "rights_request.carried_out",
    ]
    to_her = [m["Subject"] for m in live.inbox if m["To"] == email]
    assert to_her == [f"Votre demande {request.reference} : qui la traite"]  # the brand answers her, not us
