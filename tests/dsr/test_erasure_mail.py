"""An erasure deletes the person's queued mail, and so does a tombstone re-applied after a restore (T-05, R-59)."""

import json
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import audit, clock, consent, dsr, keystore, mail
from lawful.actor import Actor
from lawful.config import Settings
from lawful.dsr import tombstones
from tests.conftest import Mailbox
from tests.factories import make_fulfilled_request, make_person, make_register
from tests.registers import people

GONE, OTHER = "gone@example.test", "other@example.test"


@pytest.fixture
def keys(settings: Settings, tmp_path: Path) -> keystore.Keys:
    """A key store of this test's own: `tombstones.apply` reads every tombstone in it."""
    return keystore.open_keys(settings.model_copy(update={"data_dir": tmp_path}))


@pytest.fixture
def org(db: Session, keys: keystore.Keys) -> uuid.UUID:
    org = make_register(db, people()).organisation_id
    make_person(db, keys, org, email=GONE)
    make_person(db, keys, org, email=OTHER)
    return org


def _queue(db: Session, keys: keystore.Keys, org: uuid.UUID, to: str, *, legacy: bool = False) -> uuid.UUID:
    row = mail.queue(
        db,
        keys,
        mail.Mail(to=to, subject="Our spring offers", text="Hello"),
        kind="campaign",
        category="marketing",
        organisation_id=org,
    )
    if legacy:
        row.recipient_lookup = None  # as queued before migration 0014
    db.flush()
    return row.id


def _erase(db: Session, actor: Actor, keys: keystore.Keys, org: uuid.UUID) -> dsr.Request:
    return make_fulfilled_request(db, actor, keys, org, kinds=["erasure"], email=GONE, base_url="")


def _pending(db: Session, org: uuid.UUID) -> list[mail.OutboxMessage]:
    query = select(mail.OutboxMessage).where(
        mail.OutboxMessage.organisation_id == org, mail.OutboxMessage.status == "pending"
    )
    return list(db.scalars(query))


@pytest.mark.parametrize("address", [GONE, " Gone@EXAMPLE.test ", "gone@example.TEST"])
def test_the_outbox_hashes_a_recipient_as_their_email_identity_and_exclusion_entry(
    keys: keystore.Keys, address: str
) -> None:
    assert mail.recipient_lookup(keys, address) == consent.suppression_lookup(keys, GONE)


def test_the_erasure_deletes_the_persons_queued_mail_but_not_its_own_answer(
    db: Session, keys: keystore.Keys, settings: Settings, smtp: Mailbox, org: uuid.UUID, actor: Actor
) -> None:
    hashed, legacy = _queue(db, keys, org, "Gone@Example.test"), _queue(db, keys, org, GONE, legacy=True)
    others = [_queue(db, keys, org, OTHER), _queue(db, keys, org, OTHER, legacy=True)]

    request = _erase(db, actor, keys, org)

    left = {row.id: row for row in _pending(db, org)}
    assert hashed not in left and legacy not in left and set(others) <= set(left)
    assert [row.kind for row in left.values() if row.id not in others] == ["dsr_answer"]
    assert all(left[i].recipient_lookup for i in others)  # the old row was opened once, and hashed
    [entry] = audit.list_entries(db, action="dsr.mail_discarded", organisation_id=org)
    assert entry.data == {"messages": 2} and GONE not in json.dumps(entry.data)
    assert request.status == "completed"
    mail.deliver_due(db, keys, settings)
    delivered = smtp.wait_for(3)
    assert sorted(str(m["To"]) for m in delivered) == [GONE, OTHER, OTHER]
    assert next(str(m["Subject"]) for m in delivered if m["To"] == GONE).startswith("Answer to your request")


def test_a_reapplied_tombstone_deletes_restored_queued_mail_and_keeps_what_came_after(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    _erase(db, actor, keys, org)
    with time_machine.travel(clock.now() - timedelta(days=1)):
        restored = _queue(db, keys, org, GONE)  # in the backup, queued before the erasure
    later = _queue(db, keys, org, GONE)  # they signed up again since

    found = tombstones.apply(db, actor, keys)

    left = {row.id: row.kind for row in _pending(db, org)}
    assert restored not in left and later in left and "dsr_answer" in left.values()
    assert found.messages == 1
    entries = audit.list_entries(db, action="dsr.mail_discarded", organisation_id=org)
    assert [e.data for e in entries] == [{"messages": 1}]


def test_a_dry_run_counts_the_queued_mail_and_deletes_none(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    _erase(db, actor, keys, org)
    with time_machine.travel(clock.now() - timedelta(days=1)):
        restored = _queue(db, keys, org, GONE)

    found = tombstones.apply(db, actor, keys, dry_run=True)

    assert found.messages == 1 and restored in {row.id for row in _pending(db, org)}
