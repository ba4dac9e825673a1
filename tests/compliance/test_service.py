"""Each check of the compliance service on the real database, the day before, the day of and the day after
its due date (R-125); what it reports names records, never people."""

import uuid
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from lawful import breaches, clock, compliance, keystore
from lawful.actor import Actor
from lawful.db import make_sessionmaker
from tests.compliance import worlds
from tests.compliance.worlds import T0, Made, at
from tests.factories import make_register

OVER, SOON = "overdue", "due_soon"
AROUND = [(-1, SOON), (0, SOON), (1, OVER)]  # the day before, the day of, the day after


def found(
    db: Session, keys: keystore.Keys, org: uuid.UUID, when: datetime, check: str
) -> list[tuple[str, str]]:
    with clock.pinned(when):
        items = compliance.check(db, keys, organisation_id=org)
    return [(str(i.severity), i.concerns) for i in items if i.check == check]


@pytest.fixture
def org(db: Session) -> uuid.UUID:
    return make_register(db, worlds.clean_register()).organisation_id


@pytest.mark.parametrize(("offset", "severity"), AROUND)
def test_a_rights_request_around_its_due_date(
    db: Session, actor: Actor, keys: keystore.Keys, org: uuid.UUID, offset: int, severity: str
) -> None:
    with clock.pinned(at(T0)):
        request = worlds.request(db, actor, keys, org, Made())

    result = found(db, keys, org, at(request.due_on + timedelta(days=offset)), "request")

    assert result == [(severity, f"requests/{request.reference}")]


def test_a_request_eleven_days_ahead_or_answered_is_not_listed(
    db: Session, actor: Actor, keys: keystore.Keys, org: uuid.UUID
) -> None:
    with clock.pinned(at(T0)):
        request = worlds.request(db, actor, keys, org, Made())

    assert found(db, keys, org, at(request.due_on - timedelta(days=11)), "request") == []
    db.execute(update(type(request)).where(type(request).id == request.id).values(status="completed"))
    assert found(db, keys, org, at(request.due_on + timedelta(days=1)), "request") == []


@pytest.mark.parametrize(("minutes", "severity"), [(-1, SOON), (0, SOON), (1, OVER)])
def test_a_breach_clock_around_its_72_hours(
    db: Session, actor: Actor, org: uuid.UUID, keys: keystore.Keys, minutes: int, severity: str
) -> None:
    with clock.pinned(at(T0)):
        breach = worlds.breach(db, actor, org, Made())

    result = found(db, keys, org, breach.deadline_at + timedelta(minutes=minutes), "breach")

    assert result == [(severity, f"breaches/{breach.reference}")]


def test_a_breach_with_the_authority_decision_recorded_leaves_the_list(
    db: Session, actor: Actor, org: uuid.UUID, keys: keystore.Keys
) -> None:
    with clock.pinned(at(T0)):
        breach = worlds.breach(db, actor, org, Made())
        breaches.assess(
            db,
            actor,
            organisation_id=org,
            reference=breach.reference,
            risk=breaches.Risk.UNLIKELY,
            rationale="encrypted",
        )
        decision = breaches.DecisionCreate(
            audience="authority", notify=False, reasons="encrypted laptop, key safe"
        )
        breaches.decide(db, actor, organisation_id=org, reference=breach.reference, decision=decision)

    assert found(db, keys, org, breach.deadline_at + timedelta(hours=1), "breach") == []


@pytest.mark.parametrize(("offset", "severity"), AROUND)
def test_an_art14_notice_around_its_month(
    db: Session, keys: keystore.Keys, org: uuid.UUID, offset: int, severity: str
) -> None:
    with clock.pinned(at(T0)):
        person = worlds.person(db, keys, org, Made(), indirect=True)
    assert person.art14_due is not None

    result = found(db, keys, org, at(person.art14_due + timedelta(days=offset)), "art14_notice")

    assert result == [(severity, "subjects.art14_pending")]


@pytest.mark.parametrize(("offset", "severity"), AROUND)
def test_a_legal_hold_around_its_review_date(
    db: Session, actor: Actor, keys: keystore.Keys, org: uuid.UUID, offset: int, severity: str
) -> None:
    review = T0 + timedelta(days=60)
    with clock.pinned(at(T0)):
        hold = worlds.hold(db, actor, worlds.person(db, keys, org, Made(), indirect=False).id, review, Made())

    assert found(db, keys, org, at(review + timedelta(days=offset)), "legal_hold") == [
        (severity, f"legal_holds/{hold.id}")
    ]


@pytest.mark.parametrize(("offset", "severity"), AROUND)
def test_a_staff_access_review_around_its_date(
    db: Session, keys: keystore.Keys, org: uuid.UUID, offset: int, severity: str
) -> None:
    review = T0 + timedelta(days=60)
    with clock.pinned(at(T0)):
        user_id = worlds.staff_member(db, keys, org, review, Made())

    assert found(db, keys, org, at(review + timedelta(days=offset)), "staff_access_review") == [
        (severity, f"staff/{user_id}")
    ]


@pytest.mark.parametrize(("offset", "severity"), AROUND)
@pytest.mark.parametrize(
    ("check", "path"),
    [
        ("legitimate_interest_assessment", "activities[7].legitimate_interest.reviewed_on"),
        ("transfer_mechanism", "recipients[2].transfer.valid_until"),
        ("security_measure", "security_measures[0].last_tested"),
    ],
)
def test_register_dates_around_their_review_or_validity(
    db: Session, keys: keystore.Keys, check: str, path: str, offset: int, severity: str
) -> None:
    start = date(2026, 3, 31)  # + P12M = 2027-03-31; valid_until is the same day
    document = worlds.register(lia_reviewed=start, valid_until=date(2027, 3, 31), tested=start)
    org = make_register(db, document).organisation_id

    result = found(db, keys, org, at(date(2027, 3, 31) + timedelta(days=offset)), check)

    assert (severity, path) in result
    assert {found_severity for found_severity, _ in result} == {severity}


def test_a_processor_without_a_dpa_and_a_text_without_dutch_are_overdue(
    db: Session, keys: keystore.Keys
) -> None:
    document = worlds.register(lia_reviewed=T0, valid_until=date(2030, 1, 1), tested=T0, dpa=False, nl=False)
    org = make_register(db, document).organisation_id

    assert found(db, keys, org, at(T0), "dpa") == [(OVER, "recipients[2].dpa_ref")]
    assert found(db, keys, org, at(T0), "translation") == [(OVER, "activities[fraud_prevention].name.nl")]


def test_a_broken_audit_chain_is_overdue(db: Session, keys: keystore.Keys, org: uuid.UUID) -> None:
    assert found(db, keys, org, at(T0), "audit_chain") == []

    worlds.break_audit_chain(db)

    assert [severity for severity, _ in found(db, keys, org, at(T0), "audit_chain")] == [OVER]


def test_a_person_erased_but_back_after_a_restore_is_a_backlog(
    db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    assert found(db, keys, org, at(T0), "tombstone_backlog") == []
    worlds.erased_but_back(db, keys, worlds.person(db, keys, org, Made(), indirect=False))

    assert found(db, keys, org, at(T0), "tombstone_backlog") == [(OVER, "keystore/tombstones")]


def test_the_master_key_a_year_old_is_due_and_a_day_more_overdue(
    db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    wrapped = keystore.WrappedKey
    with make_sessionmaker(keys.store.engine)() as store:
        since = store.scalar(
            select(func.min(wrapped.created_at)).where(wrapped.kek_id == keys.store.keyring.current_id)
        )
    assert since is not None and keys.store.count_not_current() == 0

    assert found(db, keys, org, since + timedelta(days=300), "master_key") == []
    assert found(db, keys, org, since + timedelta(days=365), "master_key") == [(SOON, "keystore/master_key")]
    assert found(db, keys, org, since + timedelta(days=366), "master_key") == [(OVER, "keystore/master_key")]


def test_the_whole_world_late_has_one_overdue_item_of_each_kind_and_no_personal_data(
    db: Session, actor: Actor, keys: keystore.Keys
) -> None:
    org = make_register(db, worlds.late_register()).organisation_id
    made = worlds.everything_late(db, actor, keys, org)

    with clock.pinned(at(worlds.LATE)):
        items = compliance.check(db, keys, organisation_id=org)

    overdue = {str(i.check) for i in items if i.severity == compliance.Severity.OVERDUE}
    # the session's key store is shared and its data keys are made ahead in batches: its age is tested above
    assert overdue - {"master_key"} == {str(c) for c in compliance.Check} - {"master_key"}
    text = repr(items)
    assert all(email not in text for email in made.emails)
