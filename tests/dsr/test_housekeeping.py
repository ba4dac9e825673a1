"""What requests leave behind (R-81, R-82): answers a day after their link expired, codes once used or
expired, closed requests after the register's keeping period; boundaries to the second."""

import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawful import audit, clock, db, dsr, keystore, processing
from lawful.actor import Actor
from lawful.config import Settings
from lawful.dsr import housekeeping
from tests.conftest import MASTER_KEY, Lawful
from tests.dsr.requests import organisation, verified
from tests.factories import make_fulfilled_request, make_person
from tests.registers import as_yaml, people

ANSWERED = datetime(2027, 1, 31, 9, 30, tzinfo=UTC)  # a month end: + P1M is 28 February


def _answered(db: Session, actor: Actor, keys: keystore.Keys, org: uuid.UUID) -> dsr.Request:
    make_person(db, keys, org, email="kept@example.test", values={"user.name": "Kim"})
    with clock.pinned(ANSWERED):
        return make_fulfilled_request(db, actor, keys, org, kinds=["access"], email="kept@example.test")


def _sweep(db: Session, actor: Actor, keys: keystore.Keys, at: datetime) -> housekeeping.Swept:
    with clock.pinned(at):
        return housekeeping.sweep(db, actor, keys)


def _parts(db: Session, request_id: uuid.UUID) -> int:
    return db.scalar(select(func.count()).where(dsr.Package.request_id == request_id)) or 0


def test_an_answer_goes_one_day_after_its_link_expired_and_its_key_with_it(
    db: Session, keys: keystore.Keys, actor: Actor
) -> None:
    request = _answered(db, actor, keys, organisation(db))
    gone_at = ANSWERED + dsr.packages.PACKAGE_LIFETIME + housekeeping.ANSWER_GRACE
    parts = _parts(db, request.id)

    early = _sweep(db, actor, keys, gone_at - timedelta(seconds=1))
    assert early.answer_parts == 0 and _parts(db, request.id) == parts > 0
    swept = _sweep(db, actor, keys, gone_at)

    assert (swept.answer_parts, swept.package_keys) == (parts, 1)
    assert _parts(db, request.id) == 0 and keys.store.get(f"package:{request.id}") is None
    assert db.get(dsr.Request, request.id) is not None  # the case record stays
    entry = audit.latest(db, action="dsr.swept")
    assert entry is not None and entry.data["answer_parts"] == parts
    assert _sweep(db, actor, keys, gone_at) == housekeeping.Swept()  # nothing twice


def test_a_code_goes_once_expired_and_then_cannot_be_used(
    db: Session, keys: keystore.Keys, actor: Actor
) -> None:
    org = organisation(db)
    with clock.pinned(ANSWERED):
        request = dsr.open_request(
            db,
            actor,
            keys,
            organisation_id=org,
            kinds=["access"],
            email="code@example.test",
            language="en",
            channel="web_form",
            base_url="https://x.test",
        )
    expiry = ANSWERED + dsr.service.CODE_LIFETIME

    assert _sweep(db, actor, keys, expiry - timedelta(seconds=1)).codes == 0
    assert _sweep(db, actor, keys, expiry).codes == 1
    with clock.pinned(expiry), pytest.raises(dsr.CodeRefused, match="expired"):
        dsr.verify(db, actor, keys, request_id=request.id, code="000000")
    assert request.status == "awaiting_identity"


@pytest.mark.parametrize(
    ("keeping", "kept_until"),
    [
        (None, datetime(2032, 1, 31, 9, 30, tzinfo=UTC)),  # the default: five years after closure
        ("P1M", datetime(2027, 2, 28, 9, 30, tzinfo=UTC)),  # 31 January + one month, on the calendar
        ("P30D", datetime(2027, 3, 2, 9, 30, tzinfo=UTC)),
    ],
)
def test_a_closed_request_is_kept_for_the_register_period_after_its_closure(
    db: Session, keys: keystore.Keys, actor: Actor, keeping: str | None, kept_until: datetime
) -> None:
    request = _answered(
        db, actor, keys, organisation(db, records={"rights_requests": keeping} if keeping else None)
    )
    request_id, steps = request.id, len(dsr.steps.list_steps(db, request_id=request.id))
    assert request.status == "completed" and request.completed_at == ANSWERED and steps > 0

    assert _sweep(db, actor, keys, kept_until - timedelta(seconds=1)).requests == 0
    assert db.get(dsr.Request, request_id) is not None
    swept = _sweep(db, actor, keys, kept_until)

    db.expire_all()
    assert swept.requests == 1 and db.get(dsr.Request, request_id) is None
    assert db.scalar(select(func.count()).where(dsr.Step.request_id == request_id)) == 0


def test_an_open_request_is_never_swept_however_old(db: Session, keys: keystore.Keys, actor: Actor) -> None:
    org = organisation(db, records={"rights_requests": "P1M"})
    make_person(db, keys, org, email="slow@example.test")
    with clock.pinned(ANSWERED):
        request = verified(db, actor, keys, org, ["complaint"], "slow@example.test", language="en")

    swept = _sweep(db, actor, keys, ANSWERED + timedelta(days=3650))

    assert swept.requests == 0 and db.get(dsr.Request, request.id) is not None


def test_a_keeping_period_that_is_not_iso_is_refused_naming_the_field() -> None:
    document = people()
    document["organisation"]["records"] = {"rights_requests": "5 years"}

    register, problems = processing.check(as_yaml(document))

    assert register is None and [p.path for p in problems] == ["organisation.records.rights_requests"]


def test_the_sweep_command_says_what_it_deleted(
    lawful: Lawful, fresh_url: str, tmp_path: Path, actor: Actor
) -> None:
    keys = keystore.open_keys(
        Settings(database_url=fresh_url, data_dir=tmp_path, master_key=SecretStr(MASTER_KEY))
    )
    with db.open_session(fresh_url) as session:
        _answered(session, actor, keys, organisation(session, records={"rights_requests": "P1M"}))
        session.commit()

    with clock.pinned(datetime(2027, 3, 1, tzinfo=UTC)):
        shown = lawful("dsr", "sweep", "--json")
        again = lawful("dsr", "sweep")

    assert shown.exit_code == 0, shown.stdout
    swept = json.loads(shown.stdout)
    assert (swept["requests"], swept["package_keys"], swept["codes"]) == (1, 1, 0) and swept[
        "answer_parts"
    ] > 0
    assert "0 closed request(s) deleted" in again.stdout
