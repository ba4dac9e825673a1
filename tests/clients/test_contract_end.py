"""R-107: at the end of a client's DPA its data are returned in the agreed format, then erased everywhere in
lawful's store (keys destroyed: a backup taken before cannot be read for them), its sub-processors told, and a
certificate issued after the grace period. Committed sessions on a database and key store of their own."""

import csv
import io
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import func, make_url, select
from sqlalchemy.orm import Session

from lawful import audit, clients, clock, db, keystore, subjects
from lawful.actor import SYSTEM
from lawful.config import Settings
from lawful.retention import contracts
from tests.clients.processor_world import processor_register
from tests.conftest import MASTER_KEY, PG_URL, Receiver, _pg_database, drop_database
from tests.factories import make_register

ENDS = date(2026, 6, 30)
AT_END = datetime(2026, 6, 30, 10, tzinfo=UTC)
PARTICIPANTS = [
    "anna@participant.example.test",
    "bart@participant.example.test",
    "chloe@participant.example.test",
]


@dataclass
class Site:
    url: str
    keys: keystore.Keys
    org: uuid.UUID
    participants: list[uuid.UUID]
    own: uuid.UUID


def _collect(
    session: Session, keys: keystore.Keys, org: uuid.UUID, email: str, *, client: str | None
) -> uuid.UUID:
    return subjects.collect(
        session,
        SYSTEM,
        keys,
        organisation_id=org,
        subject_category="contest_participant",
        identities={subjects.IdentityKind.EMAIL: email},
        values={"user.contact.email": email, "user.name": email.split("@")[0].title()},
        collection=subjects.CollectionCreate(
            activity="client_campaigns" if client else "rights_management", channel=subjects.Channel.WEB_FORM
        ),
        client=client,
    ).subject.id


@pytest.fixture
def site(fresh_url: str, tmp_path: Path, receiver: Receiver) -> Iterator[Site]:
    settings = Settings(database_url=fresh_url, data_dir=tmp_path, master_key=SecretStr(MASTER_KEY))
    keys = keystore.open_keys(settings)
    with db.open_session(fresh_url) as session:
        org = make_register(session, processor_register(endpoint=receiver.url, webhook=None)).organisation_id
        participants = [_collect(session, keys, org, email, client="acme_brands") for email in PARTICIPANTS]
        own = _collect(session, keys, org, "own@qualifio.example.test", client=None)  # Qualifio's own
        session.commit()
    yield Site(fresh_url, keys, org, participants, own)


def _backup(url: str, tmp_path: Path) -> str:
    if PG_URL:
        return _pg_database(url, f"{make_url(url).database}_bak", template=make_url(url).database)
    source = Path(make_url(url).database or "")
    with closing(sqlite3.connect(source)) as raw:
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    target = tmp_path / "backup.db"
    shutil.copyfile(source, target)
    return f"sqlite:///{target}"


def _end_and_erase(site: Site) -> bytes:
    with clock.pinned(AT_END), db.open_session(site.url) as session:
        contracts.end(session, SYSTEM, organisation_id=site.org, client="acme_brands", ends_on=ENDS)
        _, returned = contracts.hand_over(
            session, SYSTEM, site.keys, organisation_id=site.org, client="acme_brands"
        )
        contracts.erase(session, SYSTEM, site.keys, organisation_id=site.org, client="acme_brands")
        session.commit()
    return returned


def test_the_data_are_returned_in_the_agreed_format_before_anything_is_erased(site: Site) -> None:
    returned = _end_and_erase(site)

    rows = list(csv.DictReader(io.StringIO(returned.decode())))
    assert sorted(r["user.contact.email"] for r in rows) == PARTICIPANTS
    with db.open_session(site.url) as session:
        row = contracts.get(session, organisation_id=site.org, client="acme_brands")
        assert (row.return_format, row.people, row.status) == ("csv", 3, "erased")
        assert "anna@participant.example.test" not in str(row.__dict__)


def test_afterwards_nothing_of_the_clients_people_is_readable_even_from_a_backup_taken_before(
    site: Site, tmp_path: Path
) -> None:
    backup = _backup(site.url, tmp_path)

    _end_and_erase(site)

    with db.open_session(site.url) as session:
        assert session.scalar(select(func.count()).where(subjects.Subject.client == "acme_brands")) == 0
        assert subjects.values(session, site.keys, subject_id=site.own)  # Qualifio's own person is untouched
    try:
        with db.open_session(backup) as old:
            assert old.get(subjects.Subject, site.participants[0]) is not None  # the rows are in the backup
            for person in site.participants:
                with pytest.raises(subjects.KeyDestroyed):
                    subjects.values(old, site.keys, subject_id=person)
    finally:
        if PG_URL:
            drop_database(backup)


def test_the_sub_processors_are_told_to_delete_their_copies(site: Site, receiver: Receiver) -> None:
    _end_and_erase(site)

    [told] = [body for body in receiver.received if body.get("event") == "client_data_deletion"]
    assert (told["client"], told["delete_by"]) == ("acme_brands", "2026-07-30")
    with db.open_session(site.url) as session:
        row = contracts.get(session, organisation_id=site.org, client="acme_brands")
        assert {t["recipient"]: t["status"] for t in row.sub_processors_told} == {
            "campaign_subprocessors": "to_tell_by_letter",
            "print_house": "204",
        }


def test_the_certificate_comes_on_the_last_day_of_the_grace_period_not_the_day_before(site: Site) -> None:
    _end_and_erase(site)

    with db.open_session(site.url) as session:
        with (
            clock.pinned(datetime(2026, 7, 29, 12, tzinfo=UTC)),
            pytest.raises(clients.ending.StepRefused, match="2026-07-30"),
        ):
            contracts.certify(session, SYSTEM, site.keys, organisation_id=site.org, client="acme_brands")
        with clock.pinned(datetime(2026, 7, 30, 8, tzinfo=UTC)):
            row = contracts.certify(
                session, SYSTEM, site.keys, organisation_id=site.org, client="acme_brands"
            )
        session.commit()
        entry = session.scalars(
            select(audit.AuditEntry).where(audit.AuditEntry.action == "clients.contract_end_certified")
        ).one()
    assert row.certificate is not None
    assert (
        row.certificate["controller"],
        row.certificate["erased"]["people"],
        row.certificate["erased"]["remaining"],
    ) == (
        "Acme Brands SA",
        3,
        0,
    )
    assert entry.data["client"] == "acme_brands"


@pytest.mark.parametrize("step", ["erase", "certify"])
def test_no_step_is_skipped(site: Site, step: str) -> None:
    with clock.pinned(AT_END), db.open_session(site.url) as session:
        contracts.end(session, SYSTEM, organisation_id=site.org, client="acme_brands", ends_on=ENDS)

        with pytest.raises(clients.ending.StepRefused, match="first"):
            getattr(contracts, step)(
                session, SYSTEM, site.keys, organisation_id=site.org, client="acme_brands"
            )
        assert session.scalar(select(func.count()).where(subjects.Subject.client == "acme_brands")) == 3


def test_a_dpa_whose_end_date_in_the_register_has_come_is_recorded_on_that_day_not_before(
    fresh_url: str, tmp_path: Path, receiver: Receiver
) -> None:
    document = processor_register(endpoint=receiver.url, webhook=None)
    document["clients"][0]["dpa"]["ends_on"] = "2026-06-30"
    with db.open_session(fresh_url) as session:
        org = make_register(session, document).organisation_id
        with clock.pinned(datetime(2026, 6, 29, 12, tzinfo=UTC)):
            before = contracts.record_due(session, SYSTEM, organisation_id=org)
        with clock.pinned(datetime(2026, 6, 30, 8, tzinfo=UTC)):
            [row] = contracts.record_due(session, SYSTEM, organisation_id=org)
            again = contracts.record_due(session, SYSTEM, organisation_id=org)

    assert before == [] and again == []
    assert (row.client, row.ends_on, row.certify_on) == ("acme_brands", ENDS, date(2026, 7, 30))


def test_a_person_under_a_legal_hold_is_kept_and_named_in_the_certificate(site: Site) -> None:
    with db.open_session(site.url) as session:
        subjects.place_hold(
            session, SYSTEM, subject_id=site.participants[0], case_ref="C-1", reason="a claim by the participant",
            purpose="client_campaigns", review_on=date(2027, 1, 31),
        )  # fmt: skip
        session.commit()

    _end_and_erase(site)

    with clock.pinned(datetime(2026, 7, 30, 8, tzinfo=UTC)), db.open_session(site.url) as session:
        row = contracts.certify(session, SYSTEM, site.keys, organisation_id=site.org, client="acme_brands")
        assert subjects.values(session, site.keys, subject_id=site.participants[0])
        assert session.get(subjects.Subject, site.participants[1]) is None
    assert row.certificate is not None
    assert (row.certificate["erased"]["people"], row.certificate["kept_under_legal_hold"]) == (2, 1)
