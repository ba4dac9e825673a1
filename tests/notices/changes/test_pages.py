"""The console's page of notice changes: what changed, whom it concerns, how many were told in which
language, and the button that tells those not yet told, up to the last day before the change takes effect
(R-116, R-117). Asserted as the privacy officer sees the page and as the people receive the mail."""

import uuid
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawful import clock, keystore, mail, notices, staff
from lawful.config import Settings
from lawful.notices import NoticeKind
from tests.conftest import Mailbox
from tests.factories import log_in, make_register

from .world import ACTOR, reworded, world

PUBLISHED = datetime(2026, 5, 20, 9, 0, tzinfo=UTC)  # effective 2026-06-19; the last day to mail: 2026-06-18
PAGE = "/console/notices/changes"


@pytest.fixture
def org(db: Session, keys: keystore.Keys) -> uuid.UUID:
    with clock.pinned(PUBLISHED):
        org, _ = world(db, keys)
        make_register(db, reworded())
        notices.publish(db, ACTOR, organisation_id=org, kind=NoticeKind.PRIVACY, changelog="loyalty card")
    return org


def _at(day: str) -> dict[str, str]:
    return {"X-Lawful-Now": f"{day}T10:00:00+02:00"}


def _told(db: Session) -> int:
    query = (
        select(func.count()).select_from(mail.OutboxMessage).where(mail.OutboxMessage.kind == "notice_change")
    )
    return db.scalar(query) or 0


def test_the_privacy_officer_sees_the_change_and_tells_the_people_concerned_once(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, settings: Settings, smtp: Mailbox
) -> None:
    log_in(client, db, keys, org, staff.Role.PRIVACY_OFFICER, now="2026-06-18T10:00:00+02:00")

    before = client.get(PAGE, headers=_at("2026-06-18"))
    posted = client.post(f"{PAGE}/privacy/2/mail", headers=_at("2026-06-18"), follow_redirects=False)
    again = client.post(f"{PAGE}/privacy/2/mail", headers=_at("2026-06-18"), follow_redirects=False)
    after = client.get(PAGE, headers=_at("2026-06-18"))
    with clock.pinned(datetime(2026, 6, 18, 8, 0, tzinfo=UTC)):
        received = smtp.wait_for(mail.deliver(db, keys, settings, limit=100).sent)

    assert before.status_code == 200
    assert 'data-change="privacy-2" data-told="0"' in before.text
    assert "the people of customer_service" in before.text and "Mail those not yet told" in before.text
    assert (posted.status_code, posted.headers["location"]) == (303, PAGE)
    assert again.status_code == 303
    assert 'data-change="privacy-2" data-told="4"' in after.text and "en: 1, fr: 2, nl: 1" in after.text
    assert sorted(str(m["To"]) for m in received) == [
        "anne@example.test", "bart@example.test", "carl@example.test", "dora@example.test",
    ]  # fmt: skip


def test_from_the_day_the_change_takes_effect_there_is_nothing_left_to_mail(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    log_in(client, db, keys, org, staff.Role.PRIVACY_OFFICER, now="2026-06-19T10:00:00+02:00")

    page = client.get(PAGE, headers=_at("2026-06-19"))
    posted = client.post(f"{PAGE}/privacy/2/mail", headers=_at("2026-06-19"), follow_redirects=False)

    assert "(in force)" in page.text and "Mail those not yet told" not in page.text
    assert posted.status_code == 303 and _told(db) == 0


def test_a_reader_of_the_register_sees_the_page_without_the_button_and_cannot_mail(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    log_in(client, db, keys, org, staff.Role.AUDITOR, now="2026-06-01T10:00:00+02:00")

    page = client.get(PAGE, headers=_at("2026-06-01"))
    posted = client.post(f"{PAGE}/privacy/2/mail", headers=_at("2026-06-01"), follow_redirects=False)

    assert page.status_code == 200 and 'data-change="privacy-2"' in page.text
    assert "Mail those not yet told" not in page.text
    assert posted.status_code == 403 and _told(db) == 0


def test_another_organisations_privacy_officer_sees_none_of_these_changes(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    document = reworded()
    document["organisation"]["slug"] = "other"
    theirs = make_register(db, document).organisation_id
    log_in(client, db, keys, theirs, staff.Role.PRIVACY_OFFICER, now="2026-06-01T10:00:00+02:00")

    page = client.get(PAGE, headers=_at("2026-06-01"))
    posted = client.post(f"{PAGE}/privacy/2/mail", headers=_at("2026-06-01"), follow_redirects=False)

    assert page.status_code == 200 and "privacy-2" not in page.text
    assert posted.status_code == 404 and _told(db) == 0
