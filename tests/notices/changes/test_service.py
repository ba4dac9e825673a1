"""A material notice change is mailed once to each person concerned, in their language, 30 days before it
takes effect, to a real SMTP server, even to someone who objected to marketing; nobody else is written to,
and nobody erased (R-116, R-117, T-38)."""

from datetime import date
from email.message import EmailMessage

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import audit, clock, consent, keystore, mail, notices
from lawful.config import Settings
from lawful.notices import NoticeKind
from tests.conftest import Mailbox
from tests.factories import make_register

from .world import ACTOR, NOW, person, reworded, two_activities, world


@pytest.fixture(autouse=True)
def _pinned_clock() -> object:
    with clock.pinned(NOW):
        yield


def _publish(db: Session, **overrides: object) -> notices.NoticeVersion:
    return notices.publish(
        db, ACTOR, organisation_id=overrides.pop("org"), kind=NoticeKind.PRIVACY, changelog="loyalty card",  # type: ignore[arg-type]
        **overrides,  # type: ignore[arg-type]
    )  # fmt: skip


def _notify(db: Session, keys: keystore.Keys, version: notices.NoticeVersion) -> int:
    change = notices.changes.find(
        db, organisation_id=version.organisation_id, kind="privacy", number=version.number
    )
    return notices.changes.notify(
        db,
        ACTOR,
        keys,
        organisation_id=version.organisation_id,
        change_id=change.id,
        base_url="https://acme.test",
    )


def _text(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content())


def test_each_person_concerned_gets_one_mail_in_their_language_thirty_days_ahead(
    db: Session, keys: keystore.Keys, settings: Settings, smtp: Mailbox
) -> None:
    org, _ = world(db, keys)
    lookup = consent.suppression_lookup(keys, "anne@example.test")  # T-38: no marketing, still told
    consent.suppress(db, ACTOR, organisation_id=org, lookup=lookup, reason="objection to direct marketing")
    make_register(db, reworded())

    version = _publish(db, org=org)
    queued = _notify(db, keys, version)
    again = _notify(db, keys, version)
    received = smtp.wait_for(mail.deliver(db, keys, settings, limit=100).sent)

    assert (version.material, version.effective_from) == (True, date(2026, 6, 19))
    assert (queued, again) == (4, 0)
    by_address = {str(m["To"]): m for m in received}
    assert sorted(by_address) == [
        "anne@example.test", "bart@example.test", "carl@example.test", "dora@example.test",
    ]  # fmt: skip
    assert {a: str(m["Content-Language"]) for a, m in by_address.items()} == {
        "anne@example.test": "fr", "bart@example.test": "nl", "carl@example.test": "en", "dora@example.test": "fr",
    }  # fmt: skip
    nl = by_address["bart@example.test"]
    assert str(nl["Subject"]) == "Onze privacyverklaring wijzigt op 19 juni 2026"
    assert "https://acme.test/privacy/versions/2?lang=nl" in _text(nl) and "dienstbericht" in _text(nl)
    change = notices.changes.find(db, organisation_id=org, kind="privacy", number=2)
    assert change.concerned == {"everyone": False, "activities": ["customer_service"]}
    assert notices.changes.mails_by_language(db, change_id=change.id) == {"fr": 2, "nl": 1, "en": 1}
    assert audit.latest(db, entity=change, action="notice.change_recorded") is not None
    assert audit.latest(db, entity=change, action="notice.change_mailed").data["queued"] == 4  # type: ignore[union-attr]


def test_an_editorial_change_is_mailed_to_nobody(
    db: Session, keys: keystore.Keys, settings: Settings
) -> None:
    org, _ = world(db, keys)
    document = two_activities()
    for lang in ("fr", "en", "nl"):
        document["data_categories"][0]["label"][lang] += "s"
    make_register(db, document)

    version = _publish(db, org=org)

    assert (version.material, version.effective_from, _notify(db, keys, version)) == (
        False,
        date(2026, 5, 20),
        0,
    )
    assert db.scalars(select(notices.changes.NoticeChangeMail)).all() == []


def test_no_mail_leaves_once_the_change_is_in_force(db: Session, keys: keystore.Keys) -> None:
    org, _ = world(db, keys)
    make_register(db, reworded())
    version = _publish(db, org=org)

    with clock.pinned(NOW.replace(month=6, day=18)):  # the day before it takes effect: still told
        assert _notify(db, keys, version) == 4
    with clock.pinned(NOW.replace(month=6, day=19)):  # the day it takes effect: too late
        assert _notify(db, keys, version) == 0


def test_someone_collected_after_the_change_was_published_is_told_by_the_hourly_pass(
    db: Session, keys: keystore.Keys
) -> None:
    org, _ = world(db, keys)
    make_register(db, reworded())
    version = _publish(db, org=org)
    _notify(db, keys, version)
    person(db, keys, org, "fred@example.test", "nl", "customer_service")

    first = notices.changes.notify_due(db, ACTOR, keys, base_url="https://acme.test")
    again = notices.changes.notify_due(db, ACTOR, keys, base_url="https://acme.test")

    assert (first, again) == (1, 0)
