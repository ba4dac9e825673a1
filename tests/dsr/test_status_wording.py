"""The status page says what matches the request's state, in French and Dutch (R-45, R-119): an open
request the date it will be answered by, in the long local format; an extended one the extension and why;
an answered, refused or unidentified one when it closed, and never "we will answer by"; a request
confirmed after the person was erased, that the data were already erased and on which date."""

import html
import re
import uuid
from collections.abc import Callable
from datetime import datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lawful import clock, dsr, keystore, mail
from lawful.actor import Actor
from lawful.config import Settings
from lawful.dsr import cases
from tests.conftest import Mailbox
from tests.factories import make_notice, make_person, make_register, run_steps
from tests.registers import people

RECEIVED = datetime.fromisoformat("2026-03-05T10:00:00+01:00")  # due 7 April 2026 (Easter Monday 6 April)
LATER = datetime.fromisoformat("2026-03-10T09:00:00+01:00")
WILL_ANSWER = {"fr": "Nous répondrons au plus tard le", "nl": "Wij antwoorden uiterlijk op"}


@pytest.fixture
def org(db: Session) -> uuid.UUID:
    org = make_register(db, people()).organisation_id
    make_notice(db, org)
    return org


def _request(db: Session, actor: Actor, keys: keystore.Keys, org: uuid.UUID, **extra: object) -> dsr.Request:
    with clock.pinned(RECEIVED):
        return dsr.open_request(
            db,
            actor,
            keys,
            organisation_id=org,
            kinds=["access"],
            email=f"s-{uuid.uuid4().hex[:6]}@example.test",
            language="fr",
            channel="email",
            base_url="",
            **extra,  # type: ignore[arg-type]
        )


def _status(client: TestClient, keys: keystore.Keys, request: dsr.Request, lang: str) -> tuple[str, str]:
    page = html.unescape(client.get(f"/rights/{dsr.status_token(keys, request.id)}?lang={lang}").text)
    state = re.search(r'role="status"[^>]*>([^<]*)<', page)
    assert state is not None
    return state.group(1), page


def _extended(db: Session, actor: Actor, keys: keystore.Keys, request: dsr.Request) -> None:
    with clock.pinned(LATER):
        dsr.extend(db, actor, keys, request_id=request.id, months=1, reason="forty requests this week")


def _answered(db: Session, actor: Actor, keys: keystore.Keys, request: dsr.Request) -> None:
    with clock.pinned(LATER):
        run_steps(db, actor, keys, request, base_url="")


def _refused(db: Session, actor: Actor, keys: keystore.Keys, request: dsr.Request) -> None:
    with clock.pinned(LATER):
        dsr.refuse(
            db, actor, keys, request_id=request.id, justification="the tenth identical request this month"
        )


def _unidentified(db: Session, actor: Actor, keys: keystore.Keys, request: dsr.Request) -> None:
    with clock.pinned(LATER):
        cases.ask_more_identification(
            db, actor, keys, request_id=request.id, doubt="no match", asked="a postcode"
        )
        cases.close_unidentified(db, actor, keys, request_id=request.id, why="the postcode matches no one")


Change = Callable[[Session, Actor, keystore.Keys, dsr.Request], None]
STATES: list[tuple[str, bool, Change | None, dict[str, str], dict[str, str]]] = [
    ("awaiting_identity", False, None, {"fr": "7 avril 2026", "nl": "7 april 2026"}, {}),
    ("in_progress", True, None, {"fr": "7 avril 2026", "nl": "7 april 2026"}, {}),
    (
        "extended",
        True,
        _extended,
        {"fr": "de 1 mois, jusqu'au 5 mai 2026", "nl": "met 1 maand(en) verlengd, tot uiterlijk 5 mei 2026"},
        {"fr": "forty requests this week", "nl": "forty requests this week"},
    ),
    (
        "completed",
        True,
        _answered,
        {"fr": "Traitée le 10 mars 2026.", "nl": "Beantwoord op 10 maart 2026."},
        {},
    ),
    ("refused", True, _refused, {"fr": "Refusée le 10 mars 2026", "nl": "Geweigerd op 10 maart 2026"}, {}),
    (
        "refused",
        False,
        _unidentified,
        {"fr": "Clôturée le 10 mars 2026", "nl": "Gesloten op 10 maart 2026"},
        {"fr": "pas pu confirmer", "nl": "konden niet bevestigen"},
    ),
]


@pytest.mark.parametrize(("status", "verified", "change", "said", "also"), STATES)
@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_each_state_is_worded_as_it_stands(
    client: TestClient,
    db: Session,
    keys: keystore.Keys,
    org: uuid.UUID,
    actor: Actor,
    lang: str,
    status: str,
    verified: bool,
    change: Change | None,
    said: dict[str, str],
    also: dict[str, str],
) -> None:
    request = _request(db, actor, keys, org, identity_verified=verified)
    if change is not None:
        change(db, actor, keys, request)

    state, page = _status(client, keys, request, lang)

    assert f'data-status="{status}"' in page
    assert said[lang] in page and also.get(lang, "") in page
    open_ = status in ("awaiting_identity", "in_progress")
    assert (WILL_ANSWER[lang] in page) is open_  # a closed or extended request never says "we will answer by"
    assert state.strip()


def test_confirming_after_the_person_was_erased_says_so_with_the_date(
    client: TestClient,
    db: Session,
    keys: keystore.Keys,
    settings: Settings,
    smtp: Mailbox,
    org: uuid.UUID,
    actor: Actor,
) -> None:
    make_person(db, keys, org, email="gone@example.test")
    asked = client.post(
        "/rights",
        data={"email": "gone@example.test", "lang": "fr", "kinds": ["access"]},
        headers={"X-Lawful-Now": RECEIVED.isoformat()},
        follow_redirects=False,
    )
    mail.deliver_due(db, keys, settings)
    code = re.search(r"\b(\d{6})\b", smtp.wait_for(1)[0].get_content())
    assert code is not None
    with clock.pinned(RECEIVED.replace(minute=5)):  # meanwhile, an erasure received by email is carried out
        erasure = dsr.open_request(
            db,
            actor,
            keys,
            organisation_id=org,
            kinds=["erasure"],
            email="gone@example.test",
            language="fr",
            channel="email",
            base_url="",
            identity_verified=True,
        )
        run_steps(db, actor, keys, erasure, base_url="")
    before = client.get(asked.headers["location"], headers={"X-Lawful-Now": RECEIVED.isoformat()}).text

    confirmed = client.post(
        asked.headers["location"].split("?")[0] + "/code",
        data={"code": code.group(1)},
        headers={"X-Lawful-Now": RECEIVED.replace(minute=10).isoformat()},
    )

    assert "déjà été effacées" not in before  # only once the code proved the address is theirs
    assert confirmed.status_code == 200
    assert "Vos données ont déjà été effacées le 5 mars 2026" in confirmed.text
    assert "Il n'y a plus rien à faire." in html.unescape(confirmed.text)
    assert WILL_ANSWER["fr"] not in confirmed.text and 'name="code"' not in confirmed.text
