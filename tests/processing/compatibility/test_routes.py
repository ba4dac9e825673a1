"""A register adding a new purpose on data already held: refused by the API and the CLI without its Art. 6(4)
assessment, naming the path, nothing stored; with it, the gate refuses the purpose until a privacy notice
naming it takes effect (the day before / the day of), through POST /api/decisions (R-11)."""

import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lawful import clock, keystore, processing
from tests.conftest import Lawful
from tests.factories import bearer, make_api_key, make_notice, make_person, make_register
from tests.registers import as_yaml, minimal

from .world import assessment, with_loyalty

NOW = datetime(2026, 5, 20, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _pinned_clock() -> object:
    with clock.pinned(NOW):
        yield


@pytest.fixture
def org(db: Session) -> uuid.UUID:
    org = make_register(db).organisation_id
    make_notice(db, org)
    return org


def test_without_the_assessment_the_api_refuses_naming_the_path(
    client: TestClient, db: Session, org: uuid.UUID
) -> None:
    token = make_api_key(db, org, ["register:write", "register:read"])
    text = as_yaml(with_loyalty())

    checked = client.post("/api/register/check", json={"yaml": text}, headers=bearer(token))
    applied = client.post("/api/register/versions", json={"yaml": text}, headers=bearer(token))

    assert checked.json()["ok"] is False
    assert [p["path"] for p in checked.json()["problems"]] == ["activities[loyalty].compatibility"]
    assert applied.status_code == 422
    assert applied.json()["problems"][0]["path"] == "activities[loyalty].compatibility"
    assert processing.count_versions(db, organisation_id=org) == 1


def test_the_cli_refuses_it_too(lawful: Lawful, tmp_path: Path) -> None:
    before, after = tmp_path / "main.yaml", tmp_path / "branch.yaml"
    before.write_text(as_yaml(minimal()), encoding="utf-8")
    after.write_text(as_yaml(with_loyalty()), encoding="utf-8")
    lawful.apply_register(tmp_path, as_yaml(minimal()))

    checked = lawful("register", "check", str(after), "--against", str(before))
    alone = lawful("register", "check", str(after))
    applied = lawful("register", "apply", str(after))

    assert checked.exit_code == 1 and "activities[loyalty].compatibility" in checked.output
    assert alone.exit_code == 0  # nothing held to compare with
    assert applied.exit_code != 0 and "activities[loyalty].compatibility" in applied.output


@pytest.mark.parametrize(("day", "allowed"), [(18, False), (19, True)])
def test_the_gate_refuses_the_new_purpose_until_the_notice_naming_it_takes_effect(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, day: int, allowed: bool
) -> None:
    make_person(db, keys, org, email="anne@example.test", category="customer", activity="customer_service")
    make_register(db, with_loyalty(assessment()))
    token = make_api_key(db, org, ["decisions:ask", "subjects:read", "notice:publish"])
    ask = {"subject": {"email": "anne@example.test"}, "purpose": "loyalty", "fields": []}

    before_notice = client.post("/api/decisions", json=ask, headers=bearer(token)).json()
    published = client.post(
        "/api/notices/privacy/versions", json={"changelog": "loyalty"}, headers=bearer(token)
    )
    with clock.pinned(NOW.replace(month=6, day=day)):
        after_notice = client.post("/api/decisions", json=ask, headers=bearer(token)).json()
    existing = client.post(
        "/api/decisions", json={**ask, "purpose": "customer_service"}, headers=bearer(token)
    ).json()

    assert before_notice == {"decision": "deny", "reasons": ["notice_pending"], "fields": [], "basis": None}
    assert published.json()["effective_from"] == "2026-06-19"  # a new purpose is a material change
    assert after_notice["decision"] == ("allow" if allowed else "deny")
    assert existing["decision"] == "allow"
