"""The scope computed from lawful's own data, its exports, the audit log and a real Chinook database
(R-98); the list sealed under a key of its own, destroyed at closure plus the period (R-82)."""

import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from lawful import audit, breaches, clock, keystore, subjects
from lawful.actor import Actor
from lawful.breaches import scope
from lawful.config import Settings
from tests.breaches.affected import AWARE, export_to_hubspot, ids, make_case, make_people
from tests.connectors.conftest import Chinook
from tests.factories import make_register

KEEP = timedelta(days=30)


def _compute(
    db: Session, actor: Actor, keys: keystore.Keys, settings: Settings, org: uuid.UUID, **asked: object
) -> scope.Computed:
    return scope.compute(
        db,
        actor,
        keys,
        settings,
        organisation_id=org,
        reference="B-1",
        scope=scope.ScopeCreate.model_validate(asked),
    )


def _subjects(keys: keystore.Keys, breach: breaches.Breach) -> set[str]:
    return {e["subject"] for e in scope.affected(keys, breach) if e["subject"]}


def test_the_scope_of_an_export_is_exactly_the_people_in_it(
    db: Session, actor: Actor, keys: keystore.Keys, settings: Settings, org: uuid.UUID
) -> None:
    exported = make_people(db, keys, org, 6, prefix="in", consented=True)
    make_people(db, keys, org, 4, prefix="out")  # no consent: not in the newsletter export
    upload = export_to_hubspot(db, keys, org)
    make_people(db, keys, org, 3, prefix="late", consented=True)  # consented after the export
    breach = make_case(db, org)

    made = _compute(db, actor, keys, settings, org, exports=[str(upload.id)])

    assert _subjects(keys, breach) == ids(exported)
    assert (made.scope.people, breach.affected_count, breach.approx_subjects) == (6, 6, 6)
    assert {c["key"]: c["approx"] for c in breach.data_categories} == {
        "user.contact.email": 6,
        "user.name": 6,
    }
    assert breach.approx_records == 12  # two fields each
    assert breach.subject_categories == [{"key": "prospect", "approx": 6}]


def test_the_list_is_sealed_under_a_key_of_its_own_and_the_computation_audited(
    db: Session, actor: Actor, keys: keystore.Keys, settings: Settings, org: uuid.UUID
) -> None:
    make_people(db, keys, org, 2, consented=True)
    upload = export_to_hubspot(db, keys, org)
    breach = make_case(db, org)

    made = _compute(db, actor, keys, settings, org, exports=[str(upload.id)])

    assert breach.affected_key_id is not None and breach.affected_key_id.startswith("breach_affected:")
    assert keys.store.get(breach.affected_key_id) is not None
    assert b"example.test" not in (breach.affected or b"") and b"Person" not in (breach.affected or b"")
    entry = audit.latest(db, entity=made.scope)
    assert entry is not None and (entry.action, entry.data["people"]) == ("breach.scoped", 2)


def test_what_a_recipient_received_in_the_window_is_in_the_scope_and_what_came_after_is_not(
    db: Session, actor: Actor, keys: keystore.Keys, settings: Settings, org: uuid.UUID
) -> None:
    first = make_people(db, keys, org, 3, prefix="march", consented=True)
    with clock.pinned(datetime.fromisoformat("2026-03-03T10:00:00+01:00")):
        export_to_hubspot(db, keys, org)
    make_people(db, keys, org, 2, prefix="april", consented=True)
    with clock.pinned(datetime.fromisoformat("2026-04-02T10:00:00+02:00")):
        export_to_hubspot(db, keys, org)
    breach = make_case(db, org, aware_at=datetime.fromisoformat("2026-04-10T09:00:00+02:00"))

    made = _compute(
        db, actor, keys, settings, org, recipients=["hubspot"], since="2026-03-01T00:00:00+01:00",
        until="2026-03-31T23:59:59+02:00",
    )  # fmt: skip

    assert _subjects(keys, breach) == ids(first)
    assert made.scope.sources == {"export:hubspot:2026-03-03": 3}


def test_lawfuls_own_people_narrowed_to_a_category_are_those_who_gave_it(
    db: Session, actor: Actor, keys: keystore.Keys, settings: Settings, org: uuid.UUID
) -> None:
    with_phone = make_people(db, keys, org, 3, prefix="tel", phone=True, at=AWARE - timedelta(days=3))
    make_people(db, keys, org, 5, prefix="mail", at=AWARE - timedelta(days=3))
    make_people(db, keys, org, 2, prefix="new", phone=True, at=AWARE + timedelta(hours=1))  # after the window
    breach = make_case(db, org)

    _compute(db, actor, keys, settings, org, systems=["lawful"], categories=["user.contact.phone_number"])

    assert _subjects(keys, breach) == ids(with_phone)
    assert breach.data_categories == [{"key": "user.contact.phone_number", "approx": 3}]


def test_people_whose_consent_was_in_force_are_the_scope_of_a_leaked_mailing_list(
    db: Session, actor: Actor, keys: keystore.Keys, settings: Settings, org: uuid.UUID
) -> None:
    subscribed = make_people(db, keys, org, 4, prefix="sub", consented=True, at=AWARE - timedelta(days=1))
    make_people(db, keys, org, 3, prefix="not", at=AWARE - timedelta(days=1))
    breach = make_case(db, org)

    _compute(db, actor, keys, settings, org, purposes=["newsletter"])

    assert _subjects(keys, breach) == ids(subscribed)


def test_the_people_a_stolen_api_key_read_come_from_the_audit_log(
    db: Session, actor: Actor, keys: keystore.Keys, settings: Settings, org: uuid.UUID
) -> None:
    from lawful import decisions, staff
    from lawful.actor import ActorKind

    people = make_people(db, keys, org, 5, prefix="read", at=AWARE - timedelta(days=10))
    key, _ = staff.create_api_key(db, actor, organisation_id=org, name="crm", scopes=["personal_data:read"])
    thief = Actor(ActorKind.API_KEY, label="api:crm", id=key.id, organisation_id=org)
    for subject_id in people[:2]:
        with clock.pinned(AWARE - timedelta(hours=2)):
            decisions.read(
                db, thief, keys, organisation_id=org, purpose="request_followup", subject_id=subject_id
            )
    breach = make_case(db, org)

    _compute(db, actor, keys, settings, org, actors=[str(key.id)])

    assert _subjects(keys, breach) == ids(people[:2])


def test_someone_erased_before_the_computation_is_not_in_the_list(
    db: Session, actor: Actor, keys: keystore.Keys, settings: Settings, org: uuid.UUID
) -> None:
    exported = make_people(db, keys, org, 3, consented=True)
    upload = export_to_hubspot(db, keys, org)
    db.execute(delete(subjects.Subject).where(subjects.Subject.id == exported[0]))  # as erasure leaves it
    breach = make_case(db, org)

    _compute(db, actor, keys, settings, org, exports=[str(upload.id)])

    assert _subjects(keys, breach) == ids(exported[1:])


@pytest.mark.parametrize(
    ("asked", "paths"),
    [
        ({"datastores": [{"key": "erp"}]}, ["datastores[0].key"]),
        ({"systems": ["lawful"], "since": "2026-03-05T00:00:00+01:00"}, ["since"]),  # after awareness
        (
            {
                "systems": ["lawful"],
                "since": "2026-03-01T00:00:00+01:00",
                "until": "2026-03-01T00:00:00+01:00",
            },
            ["until"],
        ),
        ({"recipients": ["mailchimp"], "categories": ["user.health"]}, ["categories[0]", "recipients[0]"]),
        ({"exports": [str(uuid.uuid4())]}, ["exports[0]"]),
        ({"actors": [str(uuid.uuid4())]}, ["actors[0]"]),
        ({}, ["systems"]),
    ],
)
def test_a_scope_naming_what_does_not_exist_is_refused_naming_each_field_and_nothing_is_written(
    db: Session,
    actor: Actor,
    keys: keystore.Keys,
    settings: Settings,
    org: uuid.UUID,
    asked: dict[str, object],
    paths: list[str],
) -> None:
    breach = make_case(db, org)

    with pytest.raises(scope.ScopeRefused) as refused:
        _compute(db, actor, keys, settings, org, **asked)

    assert [p["path"] for p in refused.value.problems] == paths
    assert breach.affected_key_id is None and breach.affected_count is None
    assert db.scalar(select(func.count()).select_from(scope.BreachScope)) == 0


def test_chinook_customers_with_a_phone_number_are_found_and_matched_to_lawfuls_people(
    db: Session, actor: Actor, keys: keystore.Keys, chinook: Chinook
) -> None:
    document = chinook.document
    org = make_register(db, document).organisation_id
    known = make_people(db, keys, org, 1, prefix="x")[0]  # someone else: not a Chinook customer
    tremblay = subjects.collect(
        db, actor, keys, organisation_id=org, subject_category="customer",
        identities={subjects.IdentityKind.EMAIL: "ftremblay@gmail.com"}, values={"user.contact.email": "ftremblay@gmail.com"},
        collection=subjects.CollectionCreate(activity="sales", channel=subjects.Channel.EMAIL),
    ).subject  # fmt: skip
    breach = make_case(db, org)
    customers = chinook.rows("Customer")
    phone = chinook.name("Phone")
    with_phone = {c[chinook.name("Email")].lower() for c in customers if c[phone] is not None}

    made = scope.compute(
        db, actor, keys, chinook.settings, organisation_id=org, reference="B-1",
        scope=scope.ScopeCreate(
            datastores=[scope.DatastoreScope(key="chinook", tables=[chinook.name("Customer")])],
            categories=["user.contact.phone_number"],
        ),
    )  # fmt: skip

    entries = scope.affected(keys, breach)
    assert made.scope.people == len(with_phone) < len(customers)
    assert {e["email"] for e in entries if e["email"]} == with_phone - {"ftremblay@gmail.com"}
    assert {e["subject"] for e in entries if e["subject"]} == {str(tremblay.id)} != {str(known)}
    assert breach.datastores == ["chinook"]


def test_a_datastore_table_not_in_its_map_is_refused_naming_it(
    db: Session, actor: Actor, keys: keystore.Keys, chinook: Chinook
) -> None:
    org = make_register(db, chinook.document).organisation_id
    make_case(db, org)

    with pytest.raises(scope.ScopeRefused) as refused:
        scope.compute(
            db, actor, keys, chinook.settings, organisation_id=org, reference="B-1",
            scope=scope.ScopeCreate(datastores=[scope.DatastoreScope(key="chinook", tables=["Album"])]),
        )  # fmt: skip

    assert [p["path"] for p in refused.value.problems] == ["datastores[0].tables[0]"]


def test_a_new_computation_keeps_each_persons_entry_and_destroys_the_earlier_key_after_commit(
    db: Session, actor: Actor, keys: keystore.Keys, settings: Settings, org: uuid.UUID
) -> None:
    make_people(db, keys, org, 3, consented=True, at=AWARE - timedelta(days=1))
    breach = make_case(db, org)
    _compute(db, actor, keys, settings, org, purposes=["newsletter"])
    first = {e["subject"]: e["id"] for e in scope.affected(keys, breach)}
    old_owner = breach.affected_key_id

    _compute(db, actor, keys, settings, org, systems=["lawful"])
    db.commit()  # the savepoint: the unit's after-commit work is the caller's (lawful.work) in production

    again = {e["subject"]: e["id"] for e in scope.affected(keys, breach)}
    assert again == first and breach.affected_key_id != old_owner


def _closed(db: Session, actor: Actor, org: uuid.UUID, closed_at: datetime) -> breaches.Breach:
    with clock.pinned(closed_at):
        breaches.assess(
            db, actor, organisation_id=org, reference="B-1", risk=breaches.Risk.UNLIKELY, rationale="x"
        )
        breaches.decide(
            db, actor, organisation_id=org, reference="B-1",
            decision=breaches.DecisionCreate(audience="authority", notify=False, reasons="encrypted, key safe"),
        )  # fmt: skip
        return breaches.close(db, actor, organisation_id=org, reference="B-1")


def test_the_list_stays_readable_until_closure_plus_the_period(
    db: Session, actor: Actor, keys: keystore.Keys, settings: Settings, org: uuid.UUID
) -> None:
    make_people(db, keys, org, 2, at=AWARE - timedelta(days=1))
    breach = make_case(db, org)
    _compute(db, actor, keys, settings, org, systems=["lawful"])
    closed = datetime.fromisoformat("2026-03-10T12:00:00+01:00")
    _closed(db, actor, org, closed)

    done = scope.forget_due(db, actor, keys, now=closed + KEEP - timedelta(seconds=1), keep=KEEP)

    assert done == [] and len(scope.affected(keys, breach)) == 2


def test_after_closure_plus_the_period_the_list_cannot_be_opened_and_the_case_stays_with_its_numbers(
    db: Session, actor: Actor, keys: keystore.Keys, settings: Settings, org: uuid.UUID
) -> None:
    make_people(db, keys, org, 2, at=AWARE - timedelta(days=1))
    breach = make_case(db, org)
    _compute(db, actor, keys, settings, org, systems=["lawful"])
    owner = breach.affected_key_id
    assert owner is not None
    closed = datetime.fromisoformat("2026-03-10T12:00:00+01:00")
    _closed(db, actor, org, closed)

    done = scope.forget_due(db, actor, keys, now=closed + KEEP, keep=KEEP)

    assert [b.reference for b in done] == ["B-1"]
    assert keys.store.get(owner) is None
    with pytest.raises(scope.AffectedListGone):
        scope.affected(keys, breach)
    kept = breaches.list_cases(db, organisation_id=org)
    assert [(b.reference, b.affected_count, b.approx_subjects) for b in kept] == [("B-1", 2, 2)]
    destroyed = audit.latest(db, entity=breach)
    assert destroyed is not None and destroyed.action == "breach.affected_destroyed"
