"""The worker's detector jobs, run as the worker runs them (huey's tasks, a database of their own): a person
whose data key is gone from the key store opens one case (R-93); an intact audit chain opens none. The tasks
once passed a detector's name where a list was expected, and every run failed in the worker alone."""

from pathlib import Path

from sqlalchemy import select

from lawful import breaches, jobs, keystore
from lawful import db as dbs
from lawful.breaches import Breach
from lawful.config import Settings
from tests.factories import make_person, make_register
from tests.registers import people


def test_the_detector_jobs_run_and_a_missing_data_key_opens_one_case(
    settings: Settings, fresh_url: str, tmp_path: Path
) -> None:
    here = settings.model_copy(
        update={"database_url": fresh_url, "data_dir": tmp_path, "jobs_url": "immediate"}
    )
    keys = keystore.open_keys(here)
    with dbs.open_session(fresh_url) as session:
        org = make_register(session, people()).organisation_id
        kept = make_person(session, keys, org, email="kept@example.test").subject
        lost = make_person(session, keys, org, email="lost@example.test").subject
        session.commit()
    keys.store.destroy(keystore.subject_owner(lost.id))
    assert kept.id != lost.id

    with jobs.configured(here):
        chain = breaches.tasks.verify_audit_chain.call_local()
        first = breaches.tasks.detect.call_local()
        again = breaches.tasks.detect.call_local()

    assert (chain, first, again) == (0, 1, 1)  # the same signal finds its case again, opens no other
    with dbs.open_session(fresh_url) as session:
        [case] = session.scalars(select(Breach)).all()
    assert (case.detector, case.organisation_id) == ("key_store", org)
