"""`lawful compliance check` from outside: its exit code and JSON for a late world and for a clean one."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from lawful import clock, keystore, processing
from lawful.actor import SYSTEM
from lawful.config import get_settings
from tests.compliance import worlds
from tests.conftest import Lawful
from tests.registers import as_yaml


@pytest.fixture
def outside(lawful: Lawful, fresh_url: str) -> Iterator[Session]:
    """A session of the test's own on the command's database (the command runs in its own)."""
    engine = create_engine(fresh_url)
    with Session(engine, expire_on_commit=False) as db:
        yield db
    engine.dispose()


def _check(lawful: Lawful, *args: str) -> tuple[int, dict[str, object]]:
    with clock.pinned(worlds.at(worlds.LATE)):
        result = lawful("compliance", "check", "--json", *args)
    return result.exit_code, json.loads(result.stdout)


def test_a_late_world_exits_1_with_one_overdue_item_of_each_kind_and_no_personal_data(
    lawful: Lawful, tmp_path: Path, outside: Session
) -> None:
    lawful.apply_register(tmp_path, as_yaml(worlds.late_register()))
    keys = keystore.open_keys(get_settings())
    org = processing.get_organisation(outside, slug="acme").id
    made = worlds.everything_late(outside, SYSTEM, keys, org)
    outside.commit()

    code, answer = _check(lawful)

    assert code == 1
    items = answer["items"]
    assert isinstance(items, list)
    overdue = {i["check"] for i in items if i["severity"] == "overdue"}
    assert overdue == {
        "request", "breach", "art14_notice", "legitimate_interest_assessment", "legal_hold", "dpa",
        "transfer_mechanism", "security_measure", "staff_access_review", "translation", "audit_chain",
        "master_key", "tombstone_backlog", "staff_grant",
    }  # fmt: skip
    assert answer["overdue"] is True
    assert made.request is not None and made.breach is not None
    concerns = {i["concerns"] for i in items}
    assert {f"requests/{made.request.reference}", f"breaches/{made.breach.reference}"} <= concerns
    assert all(i["owner"] and i["fix"] for i in items)
    assert all(email not in json.dumps(answer) for email in made.emails)


def test_a_clean_world_exits_0_and_lists_nothing_overdue(lawful: Lawful, tmp_path: Path) -> None:
    lawful.apply_register(tmp_path, as_yaml(worlds.clean_register()))

    with clock.pinned(worlds.at(worlds.T0)):
        result = lawful("compliance", "check", "--json")
        table = lawful("compliance", "check")

    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["overdue"] is False
    assert [i for i in answer["items"] if i["severity"] == "overdue"] == []
    assert table.exit_code == 0


def test_the_fix_is_given_in_french_and_an_unknown_language_is_refused(
    lawful: Lawful, tmp_path: Path
) -> None:
    document = worlds.register(lia_reviewed=worlds.T0, valid_until=worlds.T0, tested=worlds.T0, dpa=False)
    lawful.apply_register(tmp_path, as_yaml(document))

    code, answer = _check(lawful, "--lang", "fr")
    with clock.pinned(worlds.at(worlds.LATE)):
        refused = lawful("compliance", "check", "--lang", "de")

    assert code == 1
    items = answer["items"]
    assert isinstance(items, list)
    dpa = next(i for i in items if i["check"] == "dpa")
    assert dpa["fix"].startswith("Signez un contrat de sous-traitance")
    assert refused.exit_code != 0 and "--lang" in refused.output


def test_a_register_file_alone_is_checked_without_a_database(lawful: Lawful, tmp_path: Path) -> None:
    late, clean = tmp_path / "late.yaml", tmp_path / "clean.yaml"
    late.write_text(as_yaml(worlds.late_register()), encoding="utf-8")
    clean.write_text(as_yaml(worlds.clean_register()), encoding="utf-8")

    with clock.pinned(worlds.at(worlds.LATE)):
        overdue = lawful("compliance", "check", "--json", "--register", str(late))
    with clock.pinned(worlds.at(worlds.T0)):
        fine = lawful("compliance", "check", "--register", str(clean))

    assert overdue.exit_code == 1
    checks = {i["check"] for i in json.loads(overdue.stdout)["items"] if i["severity"] == "overdue"}
    assert checks == {
        "legitimate_interest_assessment", "dpa", "transfer_mechanism", "security_measure", "translation"
    }  # fmt: skip
    assert fine.exit_code == 0, fine.output


def test_an_invalid_register_file_is_refused_with_exit_1(lawful: Lawful, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("format: 1\n", encoding="utf-8")

    result = lawful("compliance", "check", "--register", str(broken))

    assert result.exit_code == 1
    assert "broken.yaml is not a valid register" in result.output
