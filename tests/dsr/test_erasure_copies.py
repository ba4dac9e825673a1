"""Erasure leaves no readable copy: earlier answers, case-record addresses, exports, opt-ins (R-59, T-05, issue 15)."""

import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import make_url, select
from sqlalchemy.orm import Session

from lawful import consent, crypto, db, decisions, dsr, keystore
from lawful.actor import SYSTEM, Actor
from lawful.config import Settings
from tests.conftest import MASTER_KEY, PG_URL
from tests.dsr.test_tombstones import _backup, _restore, run_request
from tests.factories import answer_files, make_fulfilled_request, make_person, make_register
from tests.registers import people

EMAIL, NAME = "roos.verhulst@example.test", "Roos Verhulst"


def _readable(session: Session, keys: keystore.Keys) -> list[bytes]:
    """Every answer part the key store can still open, whatever the main database holds."""
    opened = []
    for part in session.scalars(select(dsr.Package)):
        key = keys.store.get(f"package:{part.request_id}")
        if key is not None and part.sealed is not None:
            opened.append(crypto.decrypt(key, part.sealed, context=str(part.id).encode()))
    return opened


def test_an_access_answer_is_gone_after_erasure_even_from_a_restored_backup(
    fresh_url: str, tmp_path: Path
) -> None:
    settings = Settings(database_url=fresh_url, data_dir=tmp_path, master_key=SecretStr(MASTER_KEY))
    keys = keystore.open_keys(settings)
    with db.open_session(fresh_url) as session:
        org = make_register(session, people()).organisation_id
        make_person(session, keys, org, email=EMAIL, values={"user.name": NAME})
        session.commit()
        access = run_request(session, keys, org, ["access"], EMAIL)
        link = dsr.steps.download_token(keys, access.id)
        assert EMAIL.encode() in answer_files(session, keys, link)["access.json"]
        session.commit()
    backup = _backup(fresh_url, tmp_path)

    with db.open_session(fresh_url) as session:
        erasure = run_request(session, keys, org, ["erasure"], EMAIL)
        with pytest.raises(dsr.PackageGone):
            dsr.steps.packages(session, keys, token=link)
        letter = answer_files(session, keys, dsr.steps.download_token(keys, erasure.id))
        record = session.get(dsr.Request, access.id)
        assert record is not None and record.contact is None  # the case record stays, without the address
    _restore(backup, fresh_url)

    with db.open_session(fresh_url) as session:
        with pytest.raises(dsr.PackageGone):
            dsr.steps.packages(session, keys, token=link)
        opened = _readable(session, keys)
    assert "answer.json" in letter  # the erasure's own answer is still owed to the person
    assert not any(EMAIL.encode() in part or NAME.encode() in part for part in opened)
    if not PG_URL:
        raw = Path(make_url(fresh_url).database or "").read_bytes()
        assert EMAIL.encode() not in raw and NAME.encode() not in raw  # nothing in clear either


def test_the_answer_link_of_an_erased_person_is_gone_over_http(
    client: TestClient, db: Session, keys: keystore.Keys, actor: Actor
) -> None:
    org = make_register(db, people()).organisation_id
    make_person(db, keys, org, email=EMAIL, values={"user.name": NAME})
    access = make_fulfilled_request(db, actor, keys, org, kinds=["access"], email=EMAIL)
    link = f"/rights/{dsr.steps.download_token(keys, access.id)}/answer"
    before = client.get(f"{link}/access.json")

    make_fulfilled_request(db, actor, keys, org, kinds=["erasure"], email=EMAIL)
    after = [client.get(link), client.get(f"{link}/access.json"), client.get(f"{link}/access.html")]

    assert before.status_code == 200 and EMAIL in before.text
    assert [r.status_code for r in after] == [404, 404, 404]
    assert not any(EMAIL in r.text or NAME in r.text for r in after)


def _export(db: Session, actor: Actor, keys: keystore.Keys, org: uuid.UUID) -> decisions.Export:
    return decisions.exports.request(
        db,
        actor,
        keys,
        organisation_id=org,
        purpose="request_followup",
        fields=["user.contact.email"],
        subject_category="prospect",
        approval_threshold=100,
    )


def test_a_bulk_export_listing_the_person_expires_with_the_erasure_and_others_stay(
    db: Session, keys: keystore.Keys, actor: Actor
) -> None:
    org = make_register(db, people()).organisation_id
    make_person(db, keys, org, email="other@example.test")
    without = _export(db, actor, keys, org)
    make_person(db, keys, org, email=EMAIL)
    listing = _export(db, actor, keys, org)
    assert (without.status, without.people, listing.status, listing.people) == ("ready", 1, "ready", 2)

    make_fulfilled_request(db, actor, keys, org, kinds=["erasure"], email=EMAIL)

    assert (without.status, listing.status, listing.file) == ("ready", "expired", None)
    assert keys.store.get(f"export:{listing.id}") is None
    assert keys.store.get(f"export:{without.id}") is not None


def test_an_unconfirmed_newsletter_sign_up_goes_with_the_erasure(
    db: Session, keys: keystore.Keys, actor: Actor
) -> None:
    org = make_register(db, people()).organisation_id
    make_person(db, keys, org, email=EMAIL)
    pending = consent.optin.subscribe(
        db,
        SYSTEM,
        keys,
        organisation_id=org,
        purpose="newsletter",
        email=EMAIL.upper(),
        language="en",
        base_url="",
    )

    make_fulfilled_request(db, actor, keys, org, kinds=["erasure"], email=EMAIL)

    assert db.scalars(select(consent.OptIn).where(consent.OptIn.id == pending.id)).first() is None
