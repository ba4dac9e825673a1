"""R-102: a client that has not given its instruction is reminded on the day its answer was due, not the
day before, and the privacy officers hear of it on the escalation day, not the day before; over Christmas,
a weekend and New Year (Belgian working days)."""

import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session

from lawful import clock, dsr, intake, keystore, staff, subjects
from lawful.clients import forwarding
from lawful.config import Settings
from tests.clients.forwarding_world import ACME, ACME_MAIL, WORKER, World, body, deliver, to, world
from tests.conftest import Mailbox
from tests.factories import make_staff

BRUSSELS = ZoneInfo("Europe/Brussels")
ANNE = "anne@example.test"


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, 0, tzinfo=BRUSSELS)


@pytest.fixture
def site(db: Session, keys: keystore.Keys) -> World:
    made = world(db, None)
    intake.submit(
        db,
        WORKER,
        keys,
        organisation_id=made.org,
        form_key="acme_contest",
        fields={"first_name": "Anne", "email": ANNE, "answer": "Blue"},
        marketing_consent=False,
        language="nl",
        channel=subjects.Channel.WEB_FORM,
    )
    with clock.pinned(_at(date(2026, 12, 24))):
        dsr.open_request(
            db,
            WORKER,
            keys,
            organisation_id=made.org,
            kinds=["erasure"],
            email=ANNE,
            language="nl",
            channel="email",
            base_url="http://testserver",
        )
    return made


def _deliver(db: Session, keys: keystore.Keys, settings: Settings) -> None:
    with clock.pinned(_at(date(2027, 2, 1))):  # after every pinned day: whatever was queued is due
        deliver(db, keys, settings)


def _follow(db: Session, keys: keystore.Keys, org: uuid.UUID, day: date) -> dict[str, int]:
    with clock.pinned(_at(day)):
        return forwarding.follow_ups(
            db, WORKER, keys, organisation_id=org, today=day, base_url="http://testserver"
        )


def test_the_forwarding_is_recorded_with_its_belgian_deadlines(db: Session, site: World) -> None:
    [row] = forwarding.list_forwardings(db, organisation_id=site.org)

    assert (row.client, row.received_on, row.forward_by, row.remind_on, row.escalate_on) == (
        ACME,
        date(2026, 12, 24),
        date(2026, 12, 29),
        date(2026, 12, 31),
        date(2027, 1, 5),
    )


def test_reminder_on_the_day_not_the_day_before_then_escalation(
    db: Session, site: World, keys: keystore.Keys, settings: Settings, smtp: Mailbox
) -> None:
    officer = make_staff(db, keys, site.org, [staff.Role.PRIVACY_OFFICER])
    _deliver(db, keys, settings)
    sent = len(smtp.wait_for(2))  # the forwarding to Acme, the notice to Anne

    assert _follow(db, keys, site.org, date(2026, 12, 30)) == {"reminded": 0, "escalated": 0}
    assert _follow(db, keys, site.org, date(2026, 12, 31)) == {"reminded": 1, "escalated": 0}
    assert _follow(db, keys, site.org, date(2026, 12, 31)) == {"reminded": 0, "escalated": 0}
    _deliver(db, keys, settings)
    [reminder] = smtp.wait_for(sent + 1)[sent:]
    assert reminder["To"] == ACME_MAIL and "Reminder" in reminder["Subject"]

    assert _follow(db, keys, site.org, date(2027, 1, 4)) == {"reminded": 0, "escalated": 0}
    assert _follow(db, keys, site.org, date(2027, 1, 5)) == {"reminded": 0, "escalated": 1}
    _deliver(db, keys, settings)
    [escalation] = to(smtp.wait_for(sent + 2), officer.user.email)
    assert "Acme Brands SA" in escalation["Subject"] and "reminded" in body(escalation)


def test_an_instructed_forwarding_is_never_reminded(db: Session, site: World, keys: keystore.Keys) -> None:
    [row] = forwarding.list_forwardings(db, organisation_id=site.org)
    forwarding.instruct(
        db,
        WORKER,
        keys,
        organisation_id=site.org,
        client=ACME,
        request_id=row.request_id,
        instruction=forwarding.Instruction.REFUSE,
        note=None,
        base_url="http://testserver",
    )

    assert _follow(db, keys, site.org, date(2027, 2, 1)) == {"reminded": 0, "escalated": 0}
