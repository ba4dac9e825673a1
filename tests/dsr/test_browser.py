"""Real Chromium against a live server: the privacy center (/rights) in French, from the request to the answer.
Real SMTP and HTTP servers on loopback; with no job queue, the tests deliver mail and run steps as the jobs do."""

import json
from pathlib import Path

import pytest
from playwright.sync_api import Page, Response, expect

from lawful import consent, intake, subjects
from tests.dsr.center import ACCESS, ERASURE, SEEDER, WAITING, Live
from tests.dsr.center import address as _address
from tests.dsr.center import ask as _ask
from tests.dsr.center import code as _code
from tests.dsr.center import confirm as _confirm
from tests.dsr.center import download as _download
from tests.dsr.center import journey as _journey
from tests.dsr.center import request_of as _request
from tests.dsr.center import status as _status
from tests.dsr.center import wrong as _wrong
from tests.factories import make_person
from tests.subjects.test_encryption import _dump

pytestmark = pytest.mark.browser


def test_a_known_person_confirms_by_code_and_downloads_her_data_with_their_provenance(
    page: Page, live: Live
) -> None:
    with live.session() as db:
        intake.submit(
            db,
            SEEDER,
            live.keys,
            organisation_id=live.org,
            form_key="contact",
            fields={"name": "Élodie", "email": "elodie@example.test", "message": "Bonjour"},
            marketing_consent=False,
            language="fr",
            channel=subjects.Channel.WEB_FORM,
        )
        db.commit()

    _journey(page, live, ACCESS, "Elodie@EXAMPLE.test")

    assert {"access.html", "access.json", "answer.json"} <= set(page.locator("main li a").all_inner_texts())
    data = json.loads(_download(page, "access.json"))["data"]
    assert ("Élodie", "web_form", "contact") in {(d["value"], d["channel"], d["form"]) for d in data}


def test_erasure_leaves_nothing_readable_an_exclusion_entry_and_tells_the_email_platform(
    page: Page, live: Live, tmp_path: Path
) -> None:
    email, name = _address("gaetan"), "Gaëtan Effacé-Dubois"
    with live.session() as db:
        sid = make_person(
            db, live.keys, live.org, email=email, activity="newsletter", values={"user.name": name}
        ).subject.id
        yes = consent.Proof(text="Oui", text_version="1", language="fr", channel="web_form", element="x")
        given = consent.EventKind.GIVEN
        consent.record(
            db, SEEDER, organisation_id=live.org, subject_id=sid, purpose="newsletter", kind=given, proof=yes
        )
        db.commit()

    request = _journey(page, live, ERASURE, email.upper())

    main = _dump(live.settings.resolved_database_url(), tmp_path)
    keys = b"".join(p.read_bytes() for p in live.settings.data_dir.glob("keys.db*"))  # with -wal and -shm
    assert main and keys
    for secret in (email, email.upper(), name):
        assert secret.encode() not in main and secret.encode() not in keys, secret
    with live.session() as db:
        assert db.get(subjects.Subject, sid) is None
        lookup = consent.suppression_lookup(live.keys, email)
        assert consent.suppressed(db, organisation_id=live.org, lookups=[lookup]) == {lookup}
    scope = {
        "activities": ["newsletter"],
        "categories": ["user.contact.email", "user.name"],
    }  # what it received
    assert live.posts == [
        {"event": ["erasure"], "reference": request.reference, "email": email, "scope": scope}
    ]


def test_a_request_about_an_unknown_address_finds_nothing_and_creates_no_record(
    page: Page, live: Live
) -> None:
    with live.session() as db:
        before = subjects.count(db, organisation_id=live.org)

    request = _journey(page, live, ACCESS, _address("inconnu"))

    access = _download(page, "access.html").decode()
    assert "Nous ne détenons aucune donnée à caractère personnel vous concernant." in access
    assert json.loads(_download(page, "answer.json"))["results"]["access"] == {"found": False, "values": 0}
    with live.session() as db:
        assert request.subject_id is None and subjects.count(db, organisation_id=live.org) == before


def test_a_wrong_code_is_refused_with_a_message_and_the_page_still_asks_for_the_code(
    page: Page, live: Live
) -> None:
    email = _address("erreur")
    token = _ask(page, ACCESS, email)

    _confirm(page, _wrong(_code(live, email)))

    expect(page.get_by_role("alert")).to_have_text(
        "Ce code n'est pas correct. Vérifiez le dernier e-mail que nous vous avons envoyé et réessayez."
    )
    _status(page, WAITING)
    expect(page.get_by_label("Code", exact=True)).to_be_visible()
    assert _request(live, token).status == "awaiting_identity"


def test_no_page_of_the_privacy_center_sets_a_cookie(page: Page, live: Live) -> None:
    responses: list[Response] = []
    page.on("response", lambda response: responses.append(response))

    _journey(page, live, ACCESS, _address("biscuit"), wrong_first=True)
    _download(page, "answer.json")

    paths = {r.url.removeprefix(live.origin).split("?")[0].rsplit("/", 1)[-1] for r in responses}
    assert {"rights", "code", "answer", "answer.json"} <= paths, paths
    assert [r.url for r in responses if r.header_value("set-cookie")] == []
    assert page.context.cookies() == []
