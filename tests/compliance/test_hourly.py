"""The hourly compliance run from outside: `lawful compliance run --now` and the worker's task do the same
three things, on the command's own database: suspensions, Art. 14 notices, the day's snapshot."""

import json
from datetime import date, datetime, time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from lawful import clock, compliance, keystore, processing, subjects
from lawful.config import get_settings
from tests.conftest import Lawful
from tests.factories import make_person
from tests.registers import as_yaml, people

VALID_UNTIL = date(2026, 9, 30)


def moment(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=clock.BRUSSELS)


def register(valid_until: date) -> str:
    document = people()
    next(r for r in document["recipients"] if r["key"] == "hubspot")["transfer"]["valid_until"] = (
        valid_until.isoformat()
    )
    return as_yaml(document)


def test_the_command_and_the_task_suspend_send_and_count(
    lawful: Lawful, tmp_path: Path, fresh_url: str
) -> None:
    lawful.apply_register(tmp_path, register(VALID_UNTIL))
    engine = create_engine(fresh_url)
    keys = keystore.open_keys(get_settings())
    with Session(engine) as db, clock.pinned(moment(VALID_UNTIL, 9)):
        org = processing.get_organisation(db, slug="acme").id
        make_person(db, keys, org, email="bought@example.test", source=subjects.Source.AGGREGATOR)
        db.commit()

    with clock.pinned(moment(VALID_UNTIL, 23, 30)):
        day_of = lawful("compliance", "run", "--json")
    with clock.pinned(moment(VALID_UNTIL, 23, 45)):
        listed_before = lawful("compliance", "transfers", "--json")
    task = compliance.tasks.run(get_settings(), keys, now=moment(date(2026, 10, 1), 0, 30))
    with clock.pinned(moment(date(2026, 10, 1), 1)):
        listed = lawful("compliance", "transfers", "--json")
        rerun = lawful("compliance", "run", "--json")
        tables = [lawful("compliance", *args) for args in (("transfers", "--all"), ("run",), ("art14", "send"),
                                                            ("art14", "letters"))]  # fmt: skip

    assert day_of.exit_code == 0, day_of.output
    assert json.loads(day_of.stdout)["acme"] == {
        "suspended": [], "alerted": [], "resumed": [], "art14_emailed": 1, "art14_letters": 0,
    }  # fmt: skip
    assert json.loads(listed_before.stdout) == []
    assert task == {"acme": {"suspended": ["hubspot"], "alerted": [], "resumed": [], "art14_emailed": 0,
                             "art14_letters": 0}}  # fmt: skip  # the notice went once, the evening before
    [row] = json.loads(listed.stdout)
    assert row["recipient"] == "hubspot" and row["valid_until"] == "2026-09-30"
    assert json.loads(rerun.stdout)["acme"]["suspended"] == []
    assert [t.exit_code for t in tables] == [0, 0, 0, 0], [t.output for t in tables]
    assert "hubspot" in tables[0].stdout and "acme:" in tables[1].stdout
    with Session(engine) as db:
        days = db.scalars(
            select(compliance.ComplianceSnapshot.day).order_by(compliance.ComplianceSnapshot.day)
        ).all()
        recorded = db.scalar(select(func.count()).where(compliance.TransferSuspension.recipient == "hubspot"))
    engine.dispose()
    assert days == [VALID_UNTIL, date(2026, 10, 1)] and recorded == 1


def test_now_sets_the_runs_moment_in_test_mode_only(
    lawful: Lawful, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lawful.apply_register(tmp_path, register(VALID_UNTIL))
    refused = lawful("compliance", "run", "--now", "2026-10-01T00:30")
    monkeypatch.setenv("LAWFUL_TEST_MODE", "true")
    get_settings.cache_clear()

    day_of = lawful("compliance", "run", "--json", "--now", "2026-09-30T23:30")
    next_hour = lawful("compliance", "run", "--json", "--now", "2026-10-01T00:30")
    bad = lawful("compliance", "run", "--now", "tomorrow")

    assert refused.exit_code != 0 and "--now" in refused.output
    assert json.loads(day_of.stdout)["acme"]["suspended"] == []
    assert json.loads(next_hour.stdout)["acme"]["suspended"] == ["hubspot"]
    assert bad.exit_code != 0 and "YYYY-MM-DD" in bad.output
