"""Real Chromium against a live server: the public contact and contest forms, in French, end to end."""

import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, expect
from pydantic import SecretStr
from sqlalchemy.orm import Session

from lawful import clock, consent, keystore, notices, processing, subjects
from lawful.actor import Actor, ActorKind
from lawful.app import create_app
from lawful.config import Settings
from tests.conftest import MASTER_KEY, PG_URL, drop_database, fresh_database
from tests.live import free_port as _free_port
from tests.live import release
from tests.live import wait_until_healthy as _wait_until_healthy
from tests.registers import as_yaml, label, people

pytestmark = pytest.mark.browser

SEEDER = Actor(ActorKind.CLI, label="cli:intake-browser-tests")
FR = {text: label(text)["fr"] for text in ("Name", "Email", "Phone", "Message")}


@dataclass(frozen=True)
class Live:
    origin: str
    session: Callable[[], Session]
    keys: keystore.Keys
    organisation_id: uuid.UUID


@pytest.fixture(scope="module")
def live(template_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    directory = tmp_path_factory.mktemp("intake-browser")
    url = fresh_database(template_url, directory)
    settings = Settings(
        data_dir=directory,
        database_url=url,
        master_key=SecretStr(MASTER_KEY),
        test_mode=True,
        secure_cookies=False,
    )
    app = create_app(settings)
    with app.state.sessionmaker() as db:
        version, _ = processing.apply(db, SEEDER, text=as_yaml(people()), source="browser-tests")
        notices.publish(db, SEEDER, organisation_id=version.organisation_id, kind=notices.NoticeKind.PRIVACY)
        db.commit()
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", ws="none", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    origin = f"http://127.0.0.1:{port}"
    _wait_until_healthy(origin, thread)
    yield Live(origin, app.state.sessionmaker, app.state.keys, version.organisation_id)
    server.should_exit = True
    thread.join(timeout=10)
    release(app)
    if PG_URL:
        drop_database(url)


@pytest.fixture
def page(browser: Browser, live: Live) -> Iterator[Page]:
    """A fresh context (no cookies, no cache) for each test."""
    context = browser.new_context(base_url=live.origin)
    yield context.new_page()
    context.close()


def _email() -> str:
    return f"Élodie.Martin.{uuid.uuid4().hex[:6]}@Example.test"


def _send_contact(page: Page, email: str, *, tick: bool = False) -> None:
    page.goto("/forms/contact?lang=fr")
    page.get_by_label(FR["Name"]).fill("Élodie Martin")
    page.get_by_label(FR["Email"]).fill(email)
    page.get_by_label(FR["Message"]).fill("Bonjour, une démo ?")
    if tick:
        page.locator("input[name=marketing_consent]").check()
    page.get_by_label(FR["Name"]).press("Enter")  # implicit submission, keyboard only
    page.wait_for_url("**/forms/contact/thanks?lang=fr")


def _subject(live: Live, db: Session, email: str) -> subjects.Subject:
    found = subjects.find_by_identity(
        db,
        live.keys,
        organisation_id=live.organisation_id,
        kind=subjects.IdentityKind.EMAIL,
        value=email.lower(),
    )
    assert found is not None, email
    return found


def _count(live: Live) -> int:
    with live.session() as db:
        return subjects.count(db, organisation_id=live.organisation_id)


def _send(page: Page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Envoyer").click()


def _enter_contest(page: Page, *, age: int) -> None:
    today = clock.today()  # the server's date: Brussels, where the age gate counts
    try:
        born = today.replace(year=today.year - age)
    except ValueError:  # 29 February: born on the 28th, the person is exactly that old today
        born = today.replace(year=today.year - age, day=28)
    page.goto("/forms/contest?lang=fr")
    page.fill("#f-email", _email())
    page.fill("#f-born", born.isoformat())
    page.fill("#f-country", "BE")
    _send(page)


def test_the_french_contact_form_has_french_labels_a_notice_and_an_unticked_box(page: Page) -> None:
    page.goto("/forms/contact?lang=fr")

    labels = [FR["Name"] + " *", FR["Email"] + " *", FR["Phone"], FR["Message"] + " *"]
    assert page.locator("form label[for^=f-]").all_inner_texts() == labels
    notice = page.locator("[data-element=just_in_time_notice]")
    expect(notice).to_be_visible()
    expect(notice.locator("a")).to_have_attribute("href", "/privacy?lang=fr")
    expect(page.locator("input[name=marketing_consent]")).not_to_be_checked()


def test_a_sent_contact_form_thanks_the_visitor_in_french(page: Page) -> None:
    _send_contact(page, _email())

    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("[role=status]")).to_have_text("Merci. Nous avons bien reçu votre message.")


def test_a_sent_contact_form_records_how_where_and_under_which_notice_data_arrived(
    page: Page, live: Live
) -> None:
    email = _email()

    _send_contact(page, email)

    with live.session() as db:
        history = subjects.history(db, subject_id=_subject(live, db, email).id)
    assert [(c.form_key, c.channel, c.language, c.notice_number, c.activity) for c in history] == [
        ("contact", "web_form", "fr", 1, "request_followup")
    ]


def test_a_sent_contact_form_stores_exactly_the_filled_in_fields_with_the_email_normalised(
    page: Page, live: Live
) -> None:
    email = _email()

    _send_contact(page, email)

    with live.session() as db:
        stored = subjects.values(db, live.keys, subject_id=_subject(live, db, email).id)
    assert {v.category: v.value for v in stored} == {
        "user.name": "Élodie Martin",
        "user.contact.email": email.lower(),
        "user.content.private": "Bonjour, une démo ?",
    }


def test_an_unticked_marketing_box_subscribes_nobody(page: Page, live: Live) -> None:
    email = _email()

    _send_contact(page, email)

    with live.session() as db:
        assert consent.history(db, subject_id=_subject(live, db, email).id) == []


def test_a_ticked_marketing_box_records_the_newsletter_consent_with_its_proof(page: Page, live: Live) -> None:
    email = _email()

    _send_contact(page, email, tick=True)

    with live.session() as db:
        events = consent.history(db, subject_id=_subject(live, db, email).id)
    assert [(e.purpose, e.kind, e.language, e.channel, e.element, e.notice_number) for e in events] == [
        ("newsletter", "given", "fr", "web_form", "form:contact#marketing_consent", 1)
    ]


def test_a_missing_email_is_flagged_in_french_keeping_the_name_and_storing_nobody(
    page: Page, live: Live
) -> None:
    before = _count(live)
    page.goto("/forms/contact?lang=fr")
    page.get_by_label(FR["Name"]).fill("Élodie Martin")
    page.get_by_label(FR["Message"]).fill("Bonjour")

    _send(page)

    expect(page.locator("#form-message")).to_have_text("Veuillez corriger les champs ci-dessous.")
    expect(page.locator("#f-email")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-name")).to_have_value("Élodie Martin")
    assert _count(live) == before


def test_the_contest_form_refuses_a_twelve_year_old_belgian_and_stores_nothing(
    page: Page, live: Live
) -> None:
    before = _count(live)

    _enter_contest(page, age=12)

    expect(page.locator("#form-message")).to_contain_text("vous êtes trop jeune")
    assert _count(live) == before


def test_the_contest_form_accepts_a_fourteen_year_old_belgian(page: Page, live: Live) -> None:
    before = _count(live)

    _enter_contest(page, age=14)

    expect(page).to_have_url(f"{live.origin}/forms/contest/thanks?lang=fr")
    assert _count(live) == before + 1


def test_the_form_pages_set_no_cookie_and_call_no_other_origin(page: Page, live: Live) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto("/forms/contact?lang=fr")
    _send(page)  # refused: the form again, with its errors
    _send_contact(page, _email(), tick=True)  # then the thanks page
    _enter_contest(page, age=12)  # refused by the age gate

    assert page.context.cookies() == []
    assert requested and all(url.startswith(live.origin + "/") for url in requested), requested
