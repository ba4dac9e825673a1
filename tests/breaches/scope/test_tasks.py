"""The hourly job destroys the list of a case closed for the configured period (R-82), in a database of its
own, as the worker runs it."""

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from lawful import breaches, jobs, keystore
from lawful import db as dbs
from lawful.breaches import Breach, scope
from lawful.config import Settings
from tests.breaches.affected import ACTOR, AWARE, make_case, make_people
from tests.factories import make_register
from tests.registers import people


def test_the_job_destroys_the_list_of_a_case_closed_for_the_period(
    settings: Settings, fresh_url: str, tmp_path: Path
) -> None:
    here = settings.model_copy(
        update={
            "database_url": fresh_url,
            "data_dir": tmp_path,
            "jobs_url": "immediate",
            "breach_affected_keep_days": 0,
        }
    )
    keys = keystore.open_keys(here)
    with dbs.open_session(fresh_url) as session:
        org = make_register(session, people()).organisation_id
        make_people(session, keys, org, 2, at=AWARE - timedelta(days=1))
        make_case(session, org)
        scope.compute(
            session,
            ACTOR,
            keys,
            here,
            organisation_id=org,
            reference="B-1",
            scope=scope.ScopeCreate(systems=["lawful"]),
        )
        breaches.assess(
            session, ACTOR, organisation_id=org, reference="B-1", risk=breaches.Risk.UNLIKELY, rationale="x"
        )
        decision = breaches.DecisionCreate(audience="authority", notify=False, reasons="encrypted")
        breaches.decide(session, ACTOR, organisation_id=org, reference="B-1", decision=decision)
        breaches.close(session, ACTOR, organisation_id=org, reference="B-1")
        session.commit()
    with jobs.configured(here):
        first = scope.tasks.forget_affected.call_local()
        second = scope.tasks.forget_affected.call_local()

    assert (first, second) == (1, 0)
    with dbs.open_session(fresh_url) as session:
        breach = session.scalars(select(Breach)).one()
        assert (breach.affected, breach.affected_key_id, breach.affected_count) == (None, None, 2)
