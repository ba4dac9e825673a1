"""The disclosure service on the real database: the minimum data per recipient, nothing personal kept
in the log, the log kept through an erasure with the pseudonymous id, and every write audited."""

import uuid
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from lawful import audit, keystore, mail, subjects
from lawful.actor import Actor, ActorKind
from lawful.dsr import disclosures
from lawful.errors import Forbidden
from tests.dsr.disclosures.documents import OFFICER, asked, person, register
from tests.factories import make_fulfilled_request, make_register

EMAIL = "anne@example.test"
ALL = ["user.name", "user.contact.email", "user.contact.phone_number", "user.content.private"]


@pytest.fixture
def org(db: Session) -> uuid.UUID:
    return make_register(db, register()).organisation_id


def _carried_out(db: Session, keys: keystore.Keys, row: disclosures.Disclosure) -> disclosures.Disclosed:
    disclosures.approve(db, OFFICER, disclosure_id=row.id)
    return disclosures.disclose(db, OFFICER, keys, disclosure_id=row.id)


@pytest.mark.parametrize(
    ("change", "went"),
    [
        # police names no field list: the activity that names it (name, email, phone) is its limit
        ({}, ["user.name", "user.contact.email", "user.contact.phone_number"]),
        ({"recipient": "collector", "requester_kind": "debt_collector"}, ["user.name", "user.contact.email"]),
        # a court the register does not name: what it asked for, no more
        ({"recipient": None, "requester_kind": "court", "requester": "Tribunal de Liège"}, ALL),
    ],
)
def test_the_data_that_go_are_those_asked_for_within_what_the_recipient_may_receive(
    db: Session, keys: keystore.Keys, org: uuid.UUID, change: dict[str, Any], went: list[str]
) -> None:
    anne = person(db, keys, org, email=EMAIL)

    done = _carried_out(db, keys, asked(db, org, anne.id, categories=ALL, **change))

    assert done.disclosure.disclosed_categories == went
    assert sorted(done.data[anne.id]) == sorted(went)
    assert [r["category"] for r in done.disclosure.refused] == [c for c in ALL if c not in went]


def test_the_log_holds_categories_and_ids_never_a_value(
    db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    anne = person(db, keys, org, email=EMAIL)
    _carried_out(db, keys, asked(db, org, anne.id))
    db.flush()

    rows = [
        str(tuple(row))
        for table in ("disclosures", "disclosure_subjects")
        for row in db.execute(text(f"SELECT * FROM {table}"))  # noqa: S608 (our own table names)
    ]

    assert len(rows) == 2 and str(anne.id).replace("-", "") in "".join(rows).replace("-", "")
    for value in ("Anne Martin", EMAIL, "+32470123456"):
        assert value not in "".join(rows)


def test_an_erasure_keeps_the_log_entry_under_the_pseudonymous_id(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    anne = person(db, keys, org, email=EMAIL)
    row = asked(db, org, anne.id)
    _carried_out(db, keys, row)

    make_fulfilled_request(db, actor, keys, org, kinds=["erasure"], email=EMAIL)
    db.expire_all()

    assert db.get(subjects.Subject, anne.id) is None
    kept = disclosures.get(db, disclosure_id=row.id, organisation_id=org)
    assert kept.status == "disclosed" and kept.disclosed_categories == row.categories
    assert disclosures.subject_ids(db, disclosure_id=row.id) == [anne.id]


def test_a_person_erased_before_the_disclosure_gives_nothing_and_gets_no_mail(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    anne = person(db, keys, org, email=EMAIL)
    row = asked(db, org, anne.id)
    make_fulfilled_request(db, actor, keys, org, kinds=["erasure"], email=EMAIL)
    queued = set(db.scalars(select(mail.OutboxMessage.id)))

    done = _carried_out(db, keys, row)

    assert done.data == {anne.id: {}}
    [told] = disclosures.people_of(db, disclosure_ids=[row.id])[row.id]
    assert told.informed == "no_address"
    assert set(db.scalars(select(mail.OutboxMessage.id))) == queued


def test_each_write_is_audited_with_its_actor_and_no_value(
    db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    anne = person(db, keys, org, email=EMAIL)
    row = asked(db, org, anne.id, prohibited=True, prohibition_ref="secrecy of the investigation")
    _carried_out(db, keys, row)
    disclosures.lift_prohibition(db, OFFICER, keys, disclosure_id=row.id)
    disclosures.data(db, OFFICER, keys, disclosure_id=row.id)

    entries = list(db.scalars(select(audit.AuditEntry).where(audit.AuditEntry.entity_id == str(row.id))))

    assert sorted(e.action for e in entries) == [
        "dsr.disclosed",
        "dsr.disclosure_approved",
        "dsr.disclosure_downloaded",
        "dsr.disclosure_prohibition_lifted",
        "dsr.disclosure_requested",
        "dsr.disclosure_told",
    ]
    assert {e.actor_label for e in entries} == {"cli:legal"}
    assert not any("Anne" in str(e.data) or EMAIL in str(e.data) for e in entries)


def test_a_staff_member_without_the_permission_is_refused_by_the_service_too(
    db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    anne = person(db, keys, org, email=EMAIL)
    row = asked(db, org, anne.id)
    support = Actor(
        ActorKind.STAFF, label="support", permissions=frozenset({"dsr:write"}), organisation_id=org
    )

    with pytest.raises(Forbidden):
        disclosures.approve(db, support, disclosure_id=row.id)

    assert disclosures.get(db, disclosure_id=row.id, organisation_id=org).status == "requested"
