"""Routes of three operator commands (R-123), each answering as its command does on the same database: the
legal calendar (`calendar working-day`), the audit log's head (`audit head`) and the analytics tools'
settings (`analytics set`, R-30: settings that are not minimised are refused naming each, nothing stored)."""

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from lawful.audit import AuditEntry
from tests.conftest import Lawful
from tests.factories import bearer
from tests.registers import example
from tests.served import World, served


@pytest.fixture
def world(lawful: Lawful, fresh_url: str, tmp_path: Path) -> Iterator[World]:
    """The CLI and the API on one database, with the CRM example's register (Google Analytics, minimised)."""
    lawful.apply_register(tmp_path, example("crms"))
    yield from served(lawful, fresh_url, tmp_path)


def _key(world: World, *scopes: str) -> dict[str, str]:
    args = [arg for scope in scopes for arg in ("--scope", scope)]
    made = world.lawful("staff", "api-key", f"k-{uuid.uuid4().hex[:6]}", *args, "--json")
    assert made.exit_code == 0, made.output
    return bearer(json.loads(made.stdout)["key"])


def _versions(world: World) -> int:
    listed = world.lawful("register", "versions", "--json")
    assert listed.exit_code == 0, listed.output
    return len(json.loads(listed.stdout))


def _entries(world: World, action: str) -> list[AuditEntry]:
    with world.sessions() as db:
        return list(db.scalars(select(AuditEntry).where(AuditEntry.action == action)))


@pytest.mark.parametrize(
    ("day", "working", "why"),
    [
        ("2026-12-25", False, "Christmas Day"),
        ("2026-12-26", False, "Saturday"),
        ("2026-07-21", False, "National Day"),
        ("2026-12-28", True, None),
        ("2024-02-29", True, None),
    ],
)
def test_a_working_day_answers_as_lawful_calendar_working_day(
    world: World, day: str, working: bool, why: str | None
) -> None:
    answer = world.client.get(f"/api/calendar/working-days/{day}", headers=_key(world, "register:read"))
    by_cli = world.lawful("calendar", "working-day", day, "--json")

    assert answer.status_code == 200
    assert answer.json() == {"day": day, "working_day": working, "why": why}
    assert json.loads(by_cli.stdout) == answer.json() and by_cli.exit_code == (0 if working else 1)


@pytest.mark.parametrize("day", ["2026-02-30", "25-12-2026", "tomorrow"])
def test_a_day_that_is_no_date_is_refused_naming_day(world: World, day: str) -> None:
    refused = world.client.get(f"/api/calendar/working-days/{day}", headers=_key(world, "register:read"))

    assert refused.status_code == 422 and "day" in refused.text


def test_the_calendar_needs_a_key(world: World) -> None:
    assert world.client.get("/api/calendar/working-days/2026-12-25").status_code == 401


def test_the_audit_head_answers_as_lawful_audit_head(world: World) -> None:
    headers = _key(world, "audit:read")

    answer = world.client.get("/api/audit/head", headers=headers)
    by_cli = world.lawful("audit", "head", "--json")
    plain = world.lawful("audit", "head")

    assert answer.status_code == 200
    found = answer.json()
    assert found["head"] == f"{found['seq']}:{found['hash']}" and len(found["hash"]) == 64
    assert json.loads(by_cli.stdout) == found and plain.stdout.strip() == found["head"]


def test_the_audit_head_needs_audit_read_and_the_refusal_is_audited(world: World) -> None:
    refused = world.client.get("/api/audit/head", headers=_key(world, "register:read"))

    assert refused.status_code == 403 and "audit:read" in refused.text
    [entry] = _entries(world, "access.refused")
    assert entry.data == {"permission": "audit:read", "operation": "GET /api/audit/head"}


def test_put_analytics_config_stores_a_new_register_version_as_analytics_set_does(world: World) -> None:
    before = _versions(world)

    answer = world.client.put(
        "/api/analytics/config", json={"retention_months": 2}, headers=_key(world, "register:write")
    )

    assert answer.status_code == 200, answer.text
    assert answer.json()["settings"]["retention_months"] == 2
    assert _versions(world) == before + 1
    shown = json.loads(world.lawful("analytics", "show", "--json").stdout)["analytics"]
    assert shown == [answer.json()]
    public = world.client.get("/api/analytics/config").json()["analytics"]
    assert public == [answer.json()]
    [entry] = _entries(world, "consent.analytics_set")
    assert entry.entity_id == "google_analytics" and entry.data["settings"]["retention"] == "P2M"
    by_cli = world.lawful("analytics", "set", "--retention-months", "3", "--json")
    assert json.loads(by_cli.stdout).keys() == answer.json().keys()


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({"retention_months": 26}, {"retention_months"}),
        ({"vendor_sharing": True}, {"vendor_sharing"}),
        (
            {"ip_anonymisation": False, "advertising_features": True},
            {"ip_anonymisation", "advertising_features"},
        ),
        ({"retention_months": 0}, {"retention_months"}),
        ({"recipient": "nobody"}, {"recipient"}),
        ({"ip_anonymisation": "no"}, {"ip_anonymisation"}),
    ],
)
def test_put_analytics_config_refuses_settings_not_minimised_naming_each_and_stores_nothing(
    world: World, body: dict[str, Any], named: set[str]
) -> None:
    before = _versions(world)

    refused = world.client.put("/api/analytics/config", json=body, headers=_key(world, "register:write"))

    assert 400 <= refused.status_code < 500, refused.text
    assert all(name in refused.text for name in named), refused.text
    assert _versions(world) == before and _entries(world, "consent.analytics_set") == []
    settings = world.client.get("/api/analytics/config").json()["analytics"][0]["settings"]
    assert (settings["retention_months"], settings["vendor_sharing"], settings["ip_anonymisation"]) == (
        14,
        False,
        True,
    )


def test_put_analytics_config_needs_register_write_as_analytics_set_with_as_does(world: World) -> None:
    for email, role in (("officer@example.test", "privacy_officer"), ("auditor@example.test", "auditor")):
        added = world.lawful("staff", "add", email, "--role", role, "--training", "2026-01-05",
                             "--confidentiality", "2026-01-05")  # fmt: skip
        assert added.exit_code == 0, added.output
    before = _versions(world)

    refused = world.client.put(
        "/api/analytics/config", json={"retention_months": 2}, headers=_key(world, "register:read")
    )
    by_auditor = world.lawful("--as", "auditor@example.test", "analytics", "set", "--retention-months", "2")
    by_officer = world.lawful("--as", "officer@example.test", "analytics", "set", "--retention-months", "2")

    assert refused.status_code == 403 and "register:write" in refused.text
    assert by_auditor.exit_code == 1 and "register:write" in by_auditor.output
    assert by_officer.exit_code == 0, by_officer.output
    assert _versions(world) == before + 1
    assert [e.data["permission"] for e in _entries(world, "access.refused")] == ["register:write"] * 2
