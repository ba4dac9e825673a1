"""The Art. 14 notices from outside: `lawful compliance art14 …` and /api/compliance/art14 (R-09, R-16)."""

import json
import uuid
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from lawful import clock, keystore, processing, subjects
from lawful.actor import Actor
from lawful.config import get_settings
from tests.conftest import Lawful
from tests.factories import bearer, make_api_key, make_register
from tests.registers import as_yaml, people

NOW = datetime.combine(date(2026, 1, 12), time(9), tzinfo=clock.BRUSSELS)


def bought(db: Session, actor: Actor, keys: keystore.Keys, org: uuid.UUID, email: str | None) -> uuid.UUID:
    identities = (
        {subjects.IdentityKind.EMAIL: email} if email else {subjects.IdentityKind.PHONE: "+32470000002"}
    )
    with clock.pinned(NOW):
        return subjects.collect(
            db, actor, keys, organisation_id=org, subject_category="prospect", identities=identities,
            values={"user.contact.email": email} if email else {"user.name": "Piet Claes"},
            collection=subjects.CollectionCreate(activity="request_followup", channel=subjects.Channel.IMPORT,
                                                 source=subjects.Source.AGGREGATOR),
            language="nl",
        ).subject.id  # fmt: skip


@pytest.fixture
def outside(lawful: Lawful, fresh_url: str) -> Iterator[Session]:
    engine = create_engine(fresh_url)
    with Session(engine, expire_on_commit=False) as db:
        yield db
    engine.dispose()


def test_the_cli_sends_once_records_an_exemption_and_prints_the_letter(
    lawful: Lawful, tmp_path: Path, outside: Session, actor: Actor
) -> None:
    lawful.apply_register(tmp_path, as_yaml(people()))
    keys = keystore.open_keys(get_settings())
    org = processing.get_organisation(outside, slug="acme").id
    mailed, paper = (
        bought(outside, actor, keys, org, "cli@example.test"),
        bought(outside, actor, keys, org, None),
    )
    exempted = bought(outside, actor, keys, org, "exempt-cli@example.test")
    outside.commit()

    with clock.pinned(NOW):
        refused = lawful(
            "compliance", "art14", "exempt", str(exempted), "--ground", "nonsense", "--reason", "x"
        )
        exempt = lawful("compliance", "art14", "exempt", str(exempted), "--ground",
                        "impossible_or_disproportionate", "--reason", "an archive list")  # fmt: skip
        first = lawful("compliance", "art14", "send", "--json")
        second = lawful("compliance", "art14", "send", "--json")
        ahead = lawful("compliance", "art14", "send", "--now", "2099-01-01")
        letters = lawful("compliance", "art14", "letters", "--json")
        letter = lawful("compliance", "art14", "letter", str(paper))

    assert refused.exit_code != 0 and "--ground" in refused.output
    assert exempt.exit_code == 0, exempt.output
    assert json.loads(first.stdout) == {"acme": {"emailed": 1, "letters": 1}}
    assert json.loads(second.stdout) == {"acme": {"emailed": 0, "letters": 0}}
    assert ahead.exit_code != 0 and "--now" in ahead.output
    assert [row["subject_id"] for row in json.loads(letters.stdout)] == [str(paper)]
    assert "Piet Claes" in letter.stdout and "waar we uw gegevens vandaan hebben" in letter.stdout
    assert mailed


def test_the_api_sends_exempts_and_lists_for_its_organisation_only(
    client: TestClient, db: Session, actor: Actor, keys: keystore.Keys
) -> None:
    org = make_register(db, people()).organisation_id
    other = people()
    other["organisation"]["slug"] = "other"
    theirs = make_register(db, other).organisation_id
    person, exempted = (
        bought(db, actor, keys, org, "api@example.test"),
        bought(db, actor, keys, org, "x@example.test"),
    )
    writer, reader = make_api_key(db, org, ["subjects:write"]), make_api_key(db, org, ["compliance:read"])
    their_writer = make_api_key(db, theirs, ["subjects:write"])
    url = f"/api/compliance/art14/{exempted}/exemption"

    bad = client.post(url, json={"ground": "because", "reason": "an archive list"}, headers=bearer(writer))
    foreign = client.post(url, json={"ground": "already_has_information", "reason": "told at the fair"},
                          headers=bearer(their_writer))  # fmt: skip
    made = client.post(url, json={"ground": "already_has_information", "reason": "told at the fair"},
                       headers=bearer(writer))  # fmt: skip
    sent = client.post("/api/compliance/art14/send", headers=bearer(writer))
    again = client.post("/api/compliance/art14/send", headers=bearer(writer))
    listed = client.get("/api/compliance/art14/notices", headers=bearer(reader))

    assert bad.status_code == 422 and "ground" in bad.text
    assert foreign.status_code == 404
    assert made.status_code == 201, made.text
    assert made.json()["ground"] == "already_has_information"
    assert sent.json() == {"emailed": 1, "letters": 0} and again.json() == {"emailed": 0, "letters": 0}
    assert sorted((n["subject_id"], n["method"]) for n in listed.json()) == sorted(
        [(str(person), "email"), (str(exempted), "exempt")]
    )
    assert "api@example.test" not in listed.text


def test_a_staff_member_sends_their_own_organisations_notices_and_a_marketer_is_refused(
    lawful: Lawful, tmp_path: Path, outside: Session, actor: Actor
) -> None:
    lawful.apply_register(tmp_path, as_yaml(people()))
    other = people()
    other["organisation"]["slug"] = "other"
    lawful.apply_register(tmp_path, as_yaml(other))
    for email, role in (("officer@example.test", "privacy_officer"), ("marketer@example.test", "marketing")):
        added = lawful("staff", "add", email, "--role", role, "--org", "acme", "--training", "2026-01-05",
                       "--confidentiality", "2026-01-05")  # fmt: skip
        assert added.exit_code == 0, added.output
    keys = keystore.open_keys(get_settings())
    ours = bought(
        outside, actor, keys, processing.get_organisation(outside, slug="acme").id, "ours@example.test"
    )
    theirs = bought(
        outside, actor, keys, processing.get_organisation(outside, slug="other").id, "t@example.test"
    )
    outside.commit()

    with clock.pinned(NOW):
        refused = lawful("--as", "marketer@example.test", "compliance", "art14", "send")
        sent = lawful("--as", "officer@example.test", "compliance", "art14", "send", "--json")

    assert refused.exit_code != 0 and "subjects:write" in refused.output
    assert sent.exit_code == 0, sent.output
    assert json.loads(sent.stdout) == {"acme": {"emailed": 1, "letters": 0}}
    outside.expire_all()
    assert outside.get_one(subjects.Subject, ours).art14_done_at is not None
    assert outside.get_one(subjects.Subject, theirs).art14_done_at is None
