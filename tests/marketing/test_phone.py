"""Telephone prospecting (R-41): the Do Not Call Me register as keyed hashes, screened call lists."""

import re
import uuid
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import audit, clock, decisions, keystore, marketing, subjects
from lawful.actor import Actor
from tests.factories import make_person, make_register
from tests.marketing.documents import phoning


@pytest.fixture
def org(db: Session) -> uuid.UUID:
    return make_register(db, phoning()).organisation_id


def _caller(db: Session, keys: keystore.Keys, org: uuid.UUID, number: str) -> uuid.UUID:
    return make_person(db, keys, org, values={"user.contact.phone_number": number}).subject.id


def _import(
    db: Session, actor: Actor, keys: keystore.Keys, org: uuid.UUID, text: str
) -> marketing.DncmImport:
    return marketing.phone.import_dncm(db, actor, keys, organisation_id=org, text=text, source="dncm.csv")


def _calls(db: Session, actor: Actor, keys: keystore.Keys, org: uuid.UUID) -> marketing.phone.CallList:
    return marketing.phone.call_list(db, actor, keys, organisation_id=org, purpose="phone_prospecting")


def test_a_number_on_the_register_is_left_out_of_the_call_list(
    db: Session, keys: keystore.Keys, actor: Actor, org: uuid.UUID
) -> None:
    _caller(db, keys, org, "+32470000001")
    kept = _caller(db, keys, org, "0470 00 00 02")
    _import(db, actor, keys, org, "+32470000001\n")

    result = _calls(db, actor, keys, org)

    assert [(c.subject_id, c.number, c.basis) for c in result.calls] == [
        (kept, "+32470000002", "legitimate_interests")
    ]
    assert result.excluded == {"do_not_call_me": 1}


def test_national_and_international_forms_of_one_number_match(
    db: Session, keys: keystore.Keys, actor: Actor, org: uuid.UUID
) -> None:
    _caller(db, keys, org, "+32 470 00 00 01")
    _import(db, actor, keys, org, "numero\n0470/00.00.01\n")

    result = _calls(db, actor, keys, org)

    assert (result.calls, result.excluded) == ([], {"do_not_call_me": 1})


def test_the_register_is_kept_as_keyed_hashes_only(
    db: Session, keys: keystore.Keys, actor: Actor, org: uuid.UUID
) -> None:
    row = _import(db, actor, keys, org, "+32470000001\n0470000001\n32470000003\n")

    lookups = db.scalars(select(marketing.DncmNumber.lookup)).all()
    assert row.numbers == 2 and len(lookups) == 2
    # a keyed hash is hex: the digits of a number could turn up in it by chance
    # (a 64-character hex string holds "470" about once in 70), the number itself
    # in any of its forms cannot
    digits = ("32470000001", "470000001", "32470000003", "470000003")
    assert all(re.fullmatch(r"[0-9a-f]{64}", lookup) for lookup in lookups)
    assert not any(number in lookup for lookup in lookups for number in digits)


def test_a_malformed_row_refuses_the_whole_file_naming_the_row(
    db: Session, keys: keystore.Keys, actor: Actor, org: uuid.UUID
) -> None:
    with pytest.raises(marketing.DncmFileInvalid, match="row 3"):
        _import(db, actor, keys, org, "+32470000001\n0470000002\nnot-a-number\n")

    assert db.scalars(select(marketing.DncmImport)).all() == []
    assert db.scalars(select(marketing.DncmNumber)).all() == []


def test_a_new_import_replaces_the_numbers_of_the_previous_one(
    db: Session, keys: keystore.Keys, actor: Actor, org: uuid.UUID
) -> None:
    _caller(db, keys, org, "+32470000001")
    _import(db, actor, keys, org, "+32470000001\n")
    _import(db, actor, keys, org, "+32470000009\n")

    result = _calls(db, actor, keys, org)

    assert len(result.calls) == 1 and len(db.scalars(select(marketing.DncmNumber)).all()) == 1


def test_the_exclusion_list_and_the_gate_screen_before_the_register(
    db: Session, keys: keystore.Keys, actor: Actor, org: uuid.UUID
) -> None:
    _caller(db, keys, org, "+32470000001")
    objector = _caller(db, keys, org, "+32470000002")
    make_person(db, keys, org)  # no number held
    marketing.phone.suppress_number(db, actor, keys, organisation_id=org, number="0470 00 00 01")
    subjects.record_objection(db, actor, subject_id=objector, kind="direct_marketing", activity=None)
    _import(db, actor, keys, org, "+32470000009\n")

    result = _calls(db, actor, keys, org)

    assert result.calls == []
    assert result.excluded == {"suppressed": 1, "objected": 1, "no_phone_number": 1}


def test_each_call_list_is_audited_with_its_basis_and_screening(
    db: Session, keys: keystore.Keys, actor: Actor, org: uuid.UUID
) -> None:
    _caller(db, keys, org, "+32470000001")
    _caller(db, keys, org, "+32470000002")
    dncm = _import(db, actor, keys, org, "+32470000001\n")

    result = _calls(db, actor, keys, org)

    entry = audit.latest(db, entity=result.id)
    assert entry is not None and (entry.action, entry.purpose, entry.outcome) == (
        "marketing.call_list_built",
        "phone_prospecting",
        "ok",
    )
    assert entry.data == {
        "calls": 1,
        "bases": {"legitimate_interests": 1},
        "excluded": {"do_not_call_me": 1},
        "dncm_import": str(dncm.id),
        "dncm_imported_at": dncm.imported_at.isoformat(),
    }
    assert audit.latest(db, entity=dncm) is not None


def test_a_register_older_than_its_update_period_is_flagged(
    db: Session, keys: keystore.Keys, actor: Actor, org: uuid.UUID
) -> None:
    _import(db, actor, keys, org, "+32470000001\n")

    with time_machine.travel(clock.now() + timedelta(days=31)):
        result = _calls(db, actor, keys, org)

    assert result.dncm_stale
    assert audit.latest(db, entity=result.id).outcome == "stale_register"  # type: ignore[union-attr]


def test_without_an_imported_register_no_call_list_is_built(
    db: Session, keys: keystore.Keys, actor: Actor, org: uuid.UUID
) -> None:
    with pytest.raises(marketing.DncmMissing, match="dncm: "):
        _calls(db, actor, keys, org)


def test_phone_marketing_is_disabled_unless_the_register_enables_it(
    db: Session, keys: keystore.Keys, actor: Actor
) -> None:
    org = make_register(db, phoning(enabled=False)).organisation_id

    with pytest.raises(marketing.PhoneMarketingDisabled, match="phone_marketing: "):
        _calls(db, actor, keys, org)
    with pytest.raises(marketing.PhoneMarketingDisabled):
        _import(db, actor, keys, org, "+32470000001\n")


@pytest.mark.parametrize(
    ("purpose", "error"),
    [
        ("nope", decisions.UnknownPurpose),
        ("customer_service", marketing.NotMarketing),
        ("newsletter", marketing.NotForPhone),
    ],
)
def test_a_call_list_needs_a_known_marketing_purpose_that_uses_phone_numbers(
    db: Session, keys: keystore.Keys, actor: Actor, org: uuid.UUID, purpose: str, error: type[Exception]
) -> None:
    _import(db, actor, keys, org, "+32470000001\n")

    with pytest.raises(error):
        marketing.phone.call_list(db, actor, keys, organisation_id=org, purpose=purpose)
