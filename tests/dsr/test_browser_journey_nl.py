"""Real Chromium in Dutch against a live server: the contact form, an access request and its PDF, then an
erasure; the earlier answer link is gone, and stays gone when a copy of the main database taken before
the erasure is restored (its packages come back sealed under keys the key store no longer holds; R-59)."""

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy.engine import make_url

from lawful import clock, dsr, i18n
from lawful.dsr.tasks import WORKER
from tests.dsr.answers import MESSAGE, translated
from tests.dsr.center import Live, address, download, mail_text
from tests.factories import pdf_text

pytestmark = pytest.mark.browser
REGISTER = translated  # the live server's register (tests/dsr/conftest.py): real Dutch labels


@pytest.fixture
def page(browser: Browser, live: Live) -> Iterator[Page]:
    context = browser.new_context(base_url=live.origin, locale="nl-BE")  # a Dutch speaker's browser
    yield context.new_page()
    context.close()


def _write(page: Page, email: str) -> None:
    page.goto("/forms/contact?lang=nl")
    page.get_by_label("Naam").fill("Jan Peeters")
    page.get_by_label("E-mail", exact=False).first.fill(email)
    page.get_by_label("Telefoon").fill("0470 12 34 56")
    page.get_by_label("Bericht").fill(MESSAGE)
    with page.expect_navigation():
        page.get_by_role("button", name="Verzenden").click()
    expect(page.get_by_text("Dank u. Wij hebben uw bericht goed ontvangen.")).to_be_visible()


def _ask(page: Page, live: Live, kind: str, email: str) -> str:
    """The Dutch rights form, the emailed code, the worker's steps; the answer link of the answer email."""
    page.goto("/rights?lang=nl")
    page.get_by_label(kind).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Verder").click()
    page.get_by_label("Uw e-mailadres").fill(email)
    with page.expect_navigation():
        page.get_by_role("button", name="Mijn verzoek versturen").click()
    token = re.search(r"/rights/([^/?]+)\?lang=nl$", page.url)
    assert token is not None, page.url
    code = re.search(r"(\d{6})\s", mail_text(live, email, "Uw code voor verzoek R-"))
    assert code is not None
    page.get_by_label("Code", exact=True).fill(code.group(1))
    with page.expect_navigation():
        page.get_by_role("button", name="Bevestigen").click()
    with live.session() as db:
        request_id = dsr.request_from_token(live.keys, token.group(1))
        while dsr.steps.run_next(db, WORKER, live.keys, request_id=request_id, base_url=live.origin):
            db.commit()
    link = re.search(
        r"(\S+/rights/[\w.-]+/answer(?:\?lang=\w+)?)\s", mail_text(live, email, "Antwoord op uw verzoek R-")
    )
    assert link is not None and link.group(1).startswith(live.origin + "/rights/")
    page.goto(link.group(1))
    return link.group(1)


def _gone(link: str) -> None:
    for url in (link, link.split("?")[0] + "/access.html", link.split("?")[0] + "/access.pdf"):
        assert httpx.get(url).status_code in (404, 410), url


def test_a_dutch_speaker_reads_her_data_in_a_pdf_then_erases_them_and_a_restored_copy_reveals_nothing(
    page: Page, live: Live, tmp_path: Path
) -> None:
    email = address("jan")
    _write(page, email)

    access_link = _ask(page, live, "Een kopie van mijn gegevens", email)

    printed = pdf_text(download(page, "access.pdf"))
    for label in ("Acme SRL", "E-mailadres", "Telefoon", "Bericht", "Beantwoording van uw vragen"):
        assert label in printed  # the register's Dutch labels, never user.contact.email
    assert "user.contact" not in printed and i18n.long_date(clock.today(), "nl").split()[1] in printed
    report = " ".join(download(page, "access.html").decode().replace("&#39;", "'").split())
    for label in ("Uw persoonsgegevens in het bezit van Acme SRL", "E-mailadres", "Telefoon", "Bericht"):
        assert label in report
    assert "Beantwoording van uw vragen" in report and "3 jaar na uw laatste bericht" in report
    assert i18n.long_date(clock.today(), "nl").split()[1] in report  # a Dutch month name, not 2026-12-07
    assert "jan.peeters@other.test" not in report and "[weggelakt]" in report
    database = make_url(live.settings.resolved_database_url())
    copy = tmp_path / "before-erasure.db"
    if database.get_backend_name() == "sqlite":
        with sqlite3.connect(str(database.database)) as source, sqlite3.connect(copy) as target:
            source.backup(target)  # the nightly backup, consistent with the write-ahead log

    _ask(page, live, "Mijn gegevens wissen", email)

    letter = " ".join(download(page, "erasure_letter.html").decode().split())
    assert "Wissing van uw persoonsgegevens" in letter and "Beantwoording van uw vragen" in letter
    assert "key_destroyed" not in letter and "told by hand" not in letter
    _gone(access_link)
    if database.get_backend_name() != "sqlite":
        return  # a PostgreSQL restore is not a file copy: tests/dsr/test_tombstones.py covers it
    with sqlite3.connect(copy) as source, sqlite3.connect(str(database.database)) as target:
        source.backup(target)  # the main database as it was before the erasure
    with sqlite3.connect(str(database.database)) as restored:
        assert restored.execute("select count(*) from request_packages").fetchone()[0] > 0
    _gone(access_link)
    page.goto(access_link)
    expect(page.get_by_text("access.pdf")).to_have_count(0)
