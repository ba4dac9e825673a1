"""Real Chromium, in French, for the rights beyond access and erasure: rectification, restriction,
objection, portability and complaints, each from the form to the answer (helpers in center.py)."""

import csv
import io
import json
import threading
import uuid
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from lawful import clock, consent, decisions, dsr, i18n, subjects
from lawful.dsr.packages import PACKAGE_LIFETIME
from tests.dsr.center import (
    ANSWERED,
    HANDLING,
    SEEDER,
    Live,
    address,
    ask,
    code,
    confirm,
    download,
    finish,
    journey,
    mail_text,
    platform,
    request_of,
    status,
)
from tests.factories import bearer, make_api_key, make_person
from tests.live import free_port

pytestmark = pytest.mark.browser

RECTIFY, RESTRICT = "Rectifier mes données", "Limiter l'utilisation de mes données"
OBJECT = "M'opposer à l'utilisation de mes données"
PORTABLE, COMPLAINT = "Mes données dans un format portable", "Une réclamation"
YES = consent.Proof(text="Oui", text_version="1", language="fr", channel="web_form", element="x")


def _person(
    live: Live, email: str, *, activity: str, category: str = "prospect", newsletter: bool = False
) -> uuid.UUID:
    with live.session() as db:
        values = {"user.name": "Jean Dupond"}
        sid = make_person(
            db, live.keys, live.org, email=email, category=category, activity=activity, values=values
        ).subject.id
        if newsletter:
            given, org = consent.EventKind.GIVEN, live.org
            consent.record(
                db, SEEDER, organisation_id=org, subject_id=sid, purpose="newsletter", kind=given, proof=YES
            )
        db.commit()
    return sid


def _decide(live: Live, purpose: str, subject_id: uuid.UUID) -> decisions.Decision:
    with live.session() as db:
        return decisions.decide(db, organisation_id=live.org, purpose=purpose, subject_id=subject_id)


def _requests(live: Live) -> int:
    with live.session() as db:
        return db.scalar(select(func.count()).select_from(dsr.Request)) or 0


def _answer(page: Page) -> dict[str, object]:
    found: dict[str, object] = json.loads(download(page, "answer.json"))
    return found


def test_a_rectification_adds_a_version_keeps_the_statement_and_the_answer_says_what_changed(
    page: Page, live: Live
) -> None:
    email, statement = address("jean"), "Mon nom s'écrit avec un t, comme sur ma carte."
    sid = _person(live, email, activity="request_followup")

    def fill(form: Page) -> None:
        form.get_by_label("Quelle donnée").select_option(label="Name (fr)")
        form.get_by_label("La valeur correcte").fill("Jean Dupont")
        form.get_by_label("Une déclaration complémentaire").fill(statement)

    request = journey(page, live, RECTIFY, email, fill=fill)

    results = _answer(page)["results"]
    assert isinstance(results, dict)
    assert set(results["rectification"]["changed"]) == {"user.name", "lawful.supplementary_statement"}
    with live.session() as db:
        held = {v.category: (v.value, v.version) for v in subjects.values(db, live.keys, subject_id=sid)}
        names = db.scalars(
            select(subjects.PersonalData.version)
            .where(subjects.PersonalData.subject_id == sid, subjects.PersonalData.category == "user.name")
            .order_by(subjects.PersonalData.version)
        ).all()
        report = dsr.rights.access_report(db, live.keys, request)
    assert held["user.name"] == ("Jean Dupont", 2) and list(names) == [1, 2]
    assert held["lawful.supplementary_statement"] == (statement, 1)
    assert statement in {d["value"] for d in report["data"]}  # shown in every later export


def test_rectifying_a_name_on_issued_invoices_is_refused_and_opens_no_request(page: Page, live: Live) -> None:
    email = address("facture")
    _person(live, email, activity="invoicing", category="customer")
    before = _requests(live)
    page.goto("/rights?lang=fr")
    page.get_by_label(RECTIFY).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Continuer").click()
    page.get_by_label("Quelle donnée").select_option(label="Name (fr)")
    page.get_by_label("La valeur correcte").fill("Jeanne Dupont")
    page.get_by_label("Votre adresse e-mail").fill(email)

    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Envoyer ma demande").click()

    assert posted.value.status == 422  # the same step again, the refusal beside the value that caused it
    expect(page.get_by_role("alert")).to_contain_text("ne se corrige que par une note de crédit")
    expect(page.get_by_label("Quelle donnée")).to_have_attribute("aria-invalid", "true")  # the datum refused
    expect(page.get_by_label("La valeur correcte")).to_have_value("Jeanne Dupont")  # what she typed, kept
    assert _requests(live) == before and [m for m in live.inbox if m["To"] == email] == []


def test_a_restriction_stops_every_use_but_storage_and_the_email_platform_is_told(
    page: Page, live: Live
) -> None:
    email = address("limite")
    sid = _person(live, email, activity="newsletter", newsletter=True)
    assert _decide(live, "newsletter", sid).allow

    def fill(form: Page) -> None:
        form.get_by_label("je conteste l'exactitude de mes données (art. 18, §1, a) RGPD)").check()

    request = journey(page, live, RESTRICT, email, fill=fill)

    decision = _decide(live, "newsletter", sid)
    assert not decision.allow and decisions.Reason.RESTRICTED in decision.reasons
    with live.session() as db:
        restrictions = subjects.flags(db, subject_id=sid).restrictions
    assert [(r.ground, r.activity) for r in restrictions] == [("accuracy_contested", None)]
    told = [p for p in live.posts if p["reference"] == request.reference]
    scope = {"activities": ["newsletter"], "categories": ["user.contact.email", "user.name"]}
    assert told == [
        {"event": ["restriction"], "reference": request.reference, "email": email, "scope": scope}
    ]
    assert _answer(page)["results"]["notify_recipients"] == {"recipients": {"HubSpot Inc.": "delivered"}}  # type: ignore[index]


def test_an_objection_to_marketing_needs_no_code_and_stops_marketing_at_once(page: Page, live: Live) -> None:
    email = address("stop")
    sid = _person(live, email, activity="newsletter", newsletter=True)
    assert _decide(live, "newsletter", sid).allow

    token = ask(
        page,
        OBJECT,
        email,
        lambda form: form.get_by_label("à la prospection commerciale (sans motif, sans code)").check(),
    )
    expect(page.get_by_label("Code", exact=True)).to_have_count(0)
    request = finish(page, live, token, email)

    assert request.identity_method == "not_required"
    assert not [m for m in live.inbox if m["To"] == email and str(m["Subject"]).startswith("Votre code")]
    decision = _decide(live, "newsletter", sid)
    assert not decision.allow and decisions.Reason.OBJECTED in decision.reasons
    with live.session() as db:
        lookup = consent.suppression_lookup(live.keys, email)
        assert consent.suppressed(db, organisation_id=live.org, lookups=[lookup]) == {lookup}
    told = [p for p in live.posts if p["reference"] == request.reference]
    scope = {"activities": ["newsletter"], "categories": ["user.contact.email", "user.name"]}
    assert told == [
        {"event": ["objection"], "reference": request.reference, "email": email, "scope": scope}
    ]  # T-41


def test_an_objection_to_a_legitimate_interest_restricts_that_activity_until_the_officer_decides(
    page: Page, live: Live
) -> None:
    email = address("situation")
    sid = _person(live, email, activity="customer_offers", category="customer")
    assert _decide(live, "customer_offers", sid).allow and _decide(live, "customer_service", sid).allow

    def fill(form: Page) -> None:
        form.get_by_label("à une activité fondée sur notre intérêt légitime", exact=False).check()
        form.get_by_label("Quelle activité").select_option(label="Offers to customers (fr)")
        form.get_by_label("Ce que vous souhaitez ajouter").fill("Je suis en deuil, vos offres me blessent.")

    request = journey(page, live, OBJECT, email, fill=fill)

    offers = _decide(live, "customer_offers", sid)
    assert not offers.allow and decisions.Reason.OBJECTION_PENDING in offers.reasons
    assert _decide(live, "customer_service", sid).allow  # only the activity objected to
    with live.session() as db:
        flags = subjects.flags(db, subject_id=sid)
    assert [(o.kind, o.activity, o.outcome) for o in flags.objections] == [
        ("legitimate_interest", "customer_offers", None)
    ]
    assert [(r.ground, r.activity) for r in flags.restrictions] == [("objection_pending", "customer_offers")]
    assert [p["event"] for p in live.posts if p["reference"] == request.reference] == [["objection"]]
    _officer_upholds(live, request, email, sid)


def _officer_upholds(live: Live, request: dsr.Request, email: str, sid: uuid.UUID) -> None:
    """The privacy officer upholds the objection: the person hears it in French, the activity stops for good."""
    with live.session() as db:
        key = make_api_key(db, live.org, ["dsr:read", "dsr:write", "export:approve"])
        db.commit()

    decided = httpx.post(
        f"{live.origin}/api/dsr/{request.id}/objection", json={"outcome": "upheld"}, headers=bearer(key)
    )
    with live.session() as db:  # the worker job: the recipients hear the decision
        while dsr.steps.run_next(db, SEEDER, live.keys, request_id=request.id, base_url=live.origin):
            db.commit()

    assert decided.status_code == 200, decided.text
    letter = mail_text(live, email, f"Notre décision sur votre opposition, demande {request.reference}")
    assert "« Offers to customers (fr) », et ne recommencerons pas" in letter
    offers = _decide(live, "customer_offers", sid)
    assert not offers.allow and offers.reasons == (decisions.Reason.OBJECTED,)
    with live.session() as db:
        assert subjects.flags(db, subject_id=sid).restrictions == []  # replaced by the outcome
    told = [p["event"] for p in live.posts if p["reference"] == request.reference]
    assert told == [["objection"], ["objection_upheld"]]


@pytest.fixture
def other_controller() -> Iterator[tuple[str, list[dict[str, object]]]]:
    """Another controller's receiving endpoint, over plain HTTP on loopback."""
    server, posts = platform()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/in", posts
    server.shutdown()
    server.server_close()


def test_portability_gives_only_what_the_person_provided_and_a_failed_transmission_leaves_the_download(
    page: Page, live: Live, other_controller: tuple[str, list[dict[str, object]]]
) -> None:
    email, (_, received) = address("porte"), other_controller
    with live.session() as db:
        values = {"user.name": "Anaïs Porte", "user.content.private": "Bonjour, rappelez-moi."}
        sid = make_person(db, live.keys, live.org, email=email, values=values).subject.id  # contract
        offers = subjects.CollectionCreate(activity="customer_offers", channel=subjects.Channel.EMAIL)
        subjects.collect(  # legitimate interests: not portable (Art. 20(1)(a))
            db,
            SEEDER,
            live.keys,
            organisation_id=live.org,
            subject_category="customer",
            identities={subjects.IdentityKind.EMAIL: email},
            values={"user.contact.phone_number": "+32470111222"},
            collection=offers,
            subject_id=sid,
        )
        db.commit()
    target = f"https://127.0.0.1:{free_port()}/in"  # nobody listens on that port (http: tests/dsr/test_transmission.py)

    journey(
        page,
        live,
        PORTABLE,
        email,
        fill=lambda form: form.get_by_label("Son adresse de réception").fill(target),
    )

    rows = json.loads(download(page, "portability.json"))["data"]
    table = list(csv.DictReader(io.StringIO(download(page, "portability.csv").decode("utf-8"))))
    expected = {
        ("user.contact.email", email),
        ("user.name", "Anaïs Porte"),
        ("user.content.private", "Bonjour, rappelez-moi."),
    }
    assert {(r["category"], r["value"]) for r in rows} == expected
    assert {(r["category"], r["value"]) for r in table} == expected
    expires = i18n.long_date(clock.today() + PACKAGE_LIFETIME, "fr")
    assert f"le lien expire le {expires}" in mail_text(live, email, "Réponse à votre demande R-")
    transmitted = _answer(page)["results"]["portability"]["transmitted"]  # type: ignore[index]
    assert transmitted == dsr.rules.NOT_DELIVERED and received == []  # no network outcome shown (Art. 32)


def test_a_complaint_is_a_case_answered_by_a_person_naming_the_apd_and_the_courts(
    page: Page, live: Live
) -> None:
    email = address("plainte")
    typed = "Vous m'avez écrit après ma désinscription."
    token = ask(
        page, COMPLAINT, email, lambda form: form.get_by_label("Ce que vous souhaitez ajouter").fill(typed)
    )
    confirm(page, code(live, email))
    status(page, HANDLING)
    request = request_of(live, token)
    with live.session() as db:
        key = make_api_key(db, live.org, ["dsr:read", "dsr:write"])
        db.commit()

    closed = httpx.post(
        f"{live.origin}/api/dsr/{request.id}/answer",
        json={"text": "Nous avons retiré votre adresse de tous nos envois."},
        headers=bearer(key),
    )

    assert closed.status_code == 200, closed.text
    page.reload()
    status(page, ANSWERED)
    letter = mail_text(live, email, f"Réponse à votre demande {request.reference}")
    assert letter.startswith("Nous avons retiré votre adresse de tous nos envois.")
    assert (
        "Autorité de protection des données" in letter
        and "président du tribunal de première instance" in letter
    )
    month = dsr.rules.due_date(dsr.rules.received_date(request.received_at), clock.is_working_day)
    assert request.details["message"] == typed and request.due_on == month  # the same one-month target
