"""A worker lost in the middle of an erasure: the work is resumed and completed exactly once."""

import uuid
from pathlib import Path

from pydantic import SecretStr
from sqlalchemy import func, select

from lawful import consent, db, dsr, keystore, subjects
from lawful.actor import SYSTEM
from lawful.config import Settings
from tests.conftest import MASTER_KEY
from tests.factories import make_person, make_register
from tests.registers import people


def test_an_erasure_interrupted_before_its_commit_completes_once_on_restart(
    fresh_url: str, tmp_path: Path
) -> None:
    settings = Settings(database_url=fresh_url, data_dir=tmp_path, master_key=SecretStr(MASTER_KEY))
    keys = keystore.open_keys(settings)
    with db.open_session(fresh_url) as session:
        org = make_register(session, people()).organisation_id
        person = make_person(session, keys, org, email="crash@example.test").subject.id
        request = dsr.open_request(
            session,
            SYSTEM,
            keys,
            organisation_id=org,
            kinds=["erasure"],
            email="crash@example.test",
            language="en",
            channel="email",
            base_url="",
            identity_verified=True,
        )
        request_id: uuid.UUID = request.id
        session.commit()

    with db.open_session(fresh_url) as doomed:  # the worker dies after doing the work, before committing it
        step = dsr.steps.run_next(doomed, SYSTEM, keys, request_id=request_id, base_url="")
        assert step is not None and step.kind == "erasure"
        doomed.rollback()
    with db.open_session(fresh_url) as restarted:
        while dsr.steps.run_next(restarted, SYSTEM, keys, request_id=request_id, base_url=""):
            restarted.commit()

    with db.open_session(fresh_url) as check:
        steps = check.scalars(select(dsr.Step).where(dsr.Step.request_id == request_id)).all()
        entries = check.scalar(select(func.count()).select_from(consent.Suppression))
        assert {(s.kind, s.status, s.attempts) for s in steps} == {
            ("erasure", "done", 1),
            ("notify_recipients", "done", 1),
            ("answer", "done", 1),
        }
        assert check.get(subjects.Subject, person) is None and keys.subject_key(person) is None
        assert entries == 1
        assert dsr.get(check, request_id=request_id).status == "completed"
