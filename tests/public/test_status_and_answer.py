"""Where a request stands, as steps with the legal due date, and the answer's files with format and size
(issue 21, R-45, R-49)."""

import re
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lawful import dsr, i18n, keystore
from lawful.actor import Actor
from lawful.dsr import wording
from lawful.dsr.rules import Status
from tests.factories import make_fulfilled_request, make_notice, make_person, make_register
from tests.registers import people

EMAIL = "steps@example.test"


@pytest.fixture
def org(db: Session) -> uuid.UUID:
    org = make_register(db, people()).organisation_id
    make_notice(db, org)
    return org


@pytest.mark.parametrize(
    ("status", "states"),
    [
        (Status.AWAITING_IDENTITY, ["done", "current", "todo", "todo"]),
        (Status.AWAITING_MANDATE, ["done", "current", "todo", "todo"]),
        (Status.IN_PROGRESS, ["done", "done", "current", "todo"]),
        (Status.EXTENDED, ["done", "done", "current", "todo"]),
        (Status.AWAITING_FEE_DECISION, ["done", "done", "current", "todo"]),
        (Status.COMPLETED, ["done", "done", "done", "done"]),
        (Status.REFUSED, ["done", "done", "done", "done"]),
    ],
)
def test_each_status_stands_at_one_step(status: Status, states: list[str]) -> None:
    class Shown:
        pass

    shown = Shown()
    shown.status = status  # type: ignore[attr-defined]

    assert wording.progress(shown) == list(zip(wording.PROGRESS, states, strict=True))


@pytest.mark.parametrize(
    ("length", "lang", "text"),
    [
        (0, "en", "0 bytes"),
        (999, "fr", "999 octets"),
        (1000, "en", "1 kB"),
        (1550, "fr", "1,6 ko"),
        (999_999, "nl", "1.000 kB"),
        (2_500_000, "nl", "2,5 MB"),
        (2_500_000, "fr", "2,5 Mo"),
    ],
)
def test_a_size_reads_as_people_read_it(length: int, lang: str, text: str) -> None:
    assert wording.size(length, lang) == text


def test_a_new_request_shows_identity_as_the_current_step_and_the_legal_due_date(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    make_person(db, keys, org, email=EMAIL)
    db.commit()

    asked = client.post("/rights", data={"email": EMAIL, "lang": "nl", "kinds": ["access"]})

    request = dsr.get(db, request_id=dsr.request_from_token(keys, asked.url.path.split("/")[2]))
    steps = re.findall(r'<li class="(\w+)" data-step="(\w+)"', asked.text)
    assert steps == [
        ("done", "received"),
        ("current", "identity"),
        ("todo", "in_progress"),
        ("todo", "answered"),
    ]
    assert '<li class="current" data-step="identity" aria-current="step">' in asked.text
    due = f'<time datetime="{request.due_on.isoformat()}">{i18n.long_date(request.due_on, "nl")}</time>'
    assert "Wettelijke uiterste datum" in asked.text and due in asked.text


def test_an_answered_request_has_every_step_behind_it(
    client: TestClient, db: Session, actor: Actor, keys: keystore.Keys, org: uuid.UUID
) -> None:
    make_person(db, keys, org, email=EMAIL)
    request = make_fulfilled_request(db, actor, keys, org, kinds=["access"], email=EMAIL, language="fr")
    db.commit()

    page = client.get(f"/rights/{dsr.status_token(keys, request.id)}?lang=fr")

    assert re.findall(r'<li class="(\w+)" data-step=', page.text) == ["done"] * 4
    assert "aria-current" not in page.text.split('class="progress"')[1].split("</ol>")[0]
    assert f'datetime="{request.due_on.isoformat()}"' in page.text


def test_the_answer_lists_each_file_with_its_format_and_its_true_size(
    client: TestClient, db: Session, actor: Actor, keys: keystore.Keys, org: uuid.UUID
) -> None:
    make_person(db, keys, org, email=EMAIL, values={"user.name": "Dora"})
    request = make_fulfilled_request(db, actor, keys, org, kinds=["access"], email=EMAIL, language="fr")
    db.commit()
    token = dsr.steps.download_token(keys, request.id)

    page = client.get(f"/rights/{token}/answer?lang=fr").text

    rows = dict(re.findall(r'<li data-file="([\w.]+)">(.*?)</li>', page, re.DOTALL))
    assert set(rows) == {"access.csv", "access.html", "access.json", "access.pdf", "answer.json"}
    for name in ("access.csv", "access.html", "access.json"):
        size = int(re.search(r'data-size="(\d+)"', rows[name]).group(1))  # type: ignore[union-attr]
        assert size == len(client.get(f"/rights/{token}/answer/{name}").content)
        assert wording.size(size, "fr") in rows[name]
    assert 'data-format="pdf">PDF (document imprimable)' in rows["access.pdf"]
    assert "créé au téléchargement" in rows["access.pdf"] and "data-size" not in rows["access.pdf"]
    assert 'data-format="json">JSON (données lisibles par machine)' in rows["access.json"]
