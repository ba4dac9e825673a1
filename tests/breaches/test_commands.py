"""`lawful breaches …` (and `lawful breach …`) from outside: output, exit codes, what another session reads."""

import json
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from lawful import clock
from lawful.breaches import Breach, BreachDecision
from tests.conftest import Lawful
from tests.registers import as_yaml, people


@pytest.fixture
def cli(lawful: Lawful, tmp_path: Path) -> Lawful:
    lawful.apply_register(tmp_path, as_yaml(people()))
    return lawful


def _rows(url: str, model: type[object]) -> int:
    engine = create_engine(url)
    with Session(engine) as db:
        found = int(db.scalar(select(func.count()).select_from(model)) or 0)
    engine.dispose()
    return found


def test_a_case_opens_as_b_1_with_its_deadline_in_brussels_time(cli: Lawful) -> None:
    result = cli("breach", "open", "--summary", "laptop stolen", "--aware-at", "2026-05-01T10:00+02:00")

    assert result.exit_code == 0, result.output
    assert "B-1 opened; the authority deadline is 2026-05-04T10:00+02:00" in result.output


def test_a_deadline_on_a_sunday_is_not_moved_and_a_late_notification_needs_its_reason(
    cli: Lawful, fresh_url: str
) -> None:
    with clock.pinned(datetime.fromisoformat("2026-12-24T17:00+01:00")):
        opened = cli(
            "breaches", "open", "--title", "Mail to the wrong list", "--aware-at", "2026-12-24T16:30+01:00", "--json"
        )  # fmt: skip
    with clock.pinned(datetime.fromisoformat("2026-12-28T09:00+01:00")):
        refused = cli(
            "breaches", "decide", "B-1", "--audience", "authority", "--notify", "--reasons", "emails exposed"
        )
        accepted = cli(
            "breaches", "decide", "B-1", "--audience", "authority", "--notify", "--reasons", "emails exposed",
            "--late-reason", "the supplier told us on the 27th",
        )  # fmt: skip

    assert json.loads(opened.stdout)["deadline"] == "2026-12-27T16:30+01:00"
    assert refused.exit_code == 1 and "late_reason" in refused.output
    assert accepted.exit_code == 0, accepted.output
    assert _rows(fresh_url, BreachDecision) == 1


def test_a_case_without_an_awareness_time_names_the_option_and_writes_nothing(
    cli: Lawful, fresh_url: str
) -> None:
    result = cli("breaches", "open", "--summary", "laptop stolen")

    assert result.exit_code == 1
    assert "--aware-at" in result.output
    assert _rows(fresh_url, Breach) == 0


def test_a_decision_without_reasons_names_the_option_and_writes_nothing(cli: Lawful, fresh_url: str) -> None:
    cli("breaches", "open", "--summary", "laptop stolen", "--aware-at", "2026-05-01T10:00+02:00")

    result = cli("breaches", "decide", "B-1", "--audience", "authority", "--notify")

    assert result.exit_code == 1 and "--reasons" in result.output
    assert _rows(fresh_url, BreachDecision) == 0


def test_the_register_lists_a_case_closed_without_notification(cli: Lawful) -> None:
    cli("breaches", "open", "--summary", "USB key lost", "--aware-at", "2026-05-01T10:00+02:00")
    with clock.pinned(datetime.fromisoformat("2026-05-02T10:00+02:00")):
        cli("breaches", "assess", "B-1", "--risk", "unlikely", "--rationale", "encrypted with a strong key")
        cli("breaches", "decide", "B-1", "--audience", "authority", "--no-notify", "--reasons", "encrypted")
        closed = cli("breaches", "close", "B-1")
        cli("breaches", "note", "B-1", "found the key's owner")

    listed = cli("breaches", "list", "--json")
    shown = cli("breaches", "show", "B-1", "--json")

    assert closed.exit_code == 0, closed.output
    assert [(r["reference"], r["status"], r["risk"]) for r in json.loads(listed.stdout)] == [
        ("B-1", "closed", "unlikely")
    ]
    case = json.loads(shown.stdout)
    assert [(d["notify"], d["reasons"]) for d in case["decisions"]] == [(False, "encrypted")]
    assert [n["text"] for n in case["notes"]] == ["found the key's owner"]


def test_closing_an_unassessed_case_is_refused(cli: Lawful) -> None:
    cli("breaches", "open", "--summary", "USB key lost", "--aware-at", "2026-05-01T10:00+02:00")

    result = cli("breaches", "close", "B-1")

    assert result.exit_code == 1
    assert "risk" in result.output and "decision" in result.output
