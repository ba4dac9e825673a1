"""`lawful --as EMAIL`: a command runs as a staff member, limited by their roles and audited under their
name (R-123); without it, as the operator of the data directory."""

import json
from pathlib import Path
from typing import Any

import pytest
import typer
from sqlalchemy import select

from lawful import acting, staff
from lawful import db as lawful_db
from lawful.audit import AuditEntry
from lawful.cli import app
from tests.conftest import Lawful
from tests.registers import as_yaml, minimal


@pytest.fixture
def registered(lawful: Lawful, tmp_path: Path) -> Path:
    """A register applied, a support agent and a privacy officer; returns a changed register to apply."""
    first = tmp_path / "register.yaml"
    first.write_text(as_yaml(minimal()), encoding="utf-8")
    assert lawful("register", "apply", str(first)).exit_code == 0
    for email, role in (("support@example.test", "support"), ("officer@example.test", "privacy_officer")):
        added = lawful(
            "staff",
            "add",
            email,
            "--role",
            role,
            "--training",
            "2026-01-05",
            "--confidentiality",
            "2026-01-05",
        )
        assert added.exit_code == 0, added.output
    changed = minimal()
    changed["organisation"]["legal_name"] = "Acme Renamed SRL"
    second = tmp_path / "changed.yaml"
    second.write_text(as_yaml(changed), encoding="utf-8")
    return second


def _entries(url: str, action: str) -> list[AuditEntry]:
    with lawful_db.open_session(url) as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_a_staff_member_whose_roles_do_not_allow_a_command_is_refused_and_nothing_is_written(
    lawful: Lawful, registered: Path, fresh_url: str
) -> None:
    result = lawful("--as", "support@example.test", "register", "apply", str(registered))

    assert result.exit_code == 1 and "register:write" in result.output
    assert len(_entries(fresh_url, "register.applied")) == 1


def test_a_staff_member_allowed_a_command_runs_it_and_the_audit_names_them(
    lawful: Lawful, registered: Path, fresh_url: str
) -> None:
    result = lawful("--as", "officer@example.test", "register", "apply", str(registered))

    assert result.exit_code == 0, result.output
    newest = _entries(fresh_url, "register.applied")[-1]
    with lawful_db.open_session(fresh_url) as session:
        officer = staff.find_by_email(session, email="officer@example.test")
    assert officer is not None and (newest.actor_kind, newest.actor_id) == ("staff", officer.id)


def test_the_operator_runs_commands_under_their_account_name(
    lawful: Lawful, registered: Path, fresh_url: str
) -> None:
    assert lawful("register", "apply", str(registered)).exit_code == 0

    newest = _entries(fresh_url, "register.applied")[-1]
    assert newest.actor_kind == "cli" and newest.actor_label.startswith("cli:")


@pytest.mark.parametrize(
    ("email", "args", "said"),
    [
        ("officer@example.test", ["dsr", "sweep"], "operator"),
        ("nobody@example.test", ["register", "versions"], "no active staff member"),
    ],
)
def test_operator_commands_and_unknown_staff_are_refused(
    lawful: Lawful, registered: Path, email: str, args: list[str], said: str
) -> None:
    result = lawful("--as", email, *args)

    assert result.exit_code == 1 and said in result.output


def test_every_command_given_rights_exists() -> None:
    root = typer.main.get_command(app)
    context = typer.Context(root)
    found: set[str] = set()

    def walk(command: Any, path: list[str]) -> None:
        if hasattr(command, "list_commands"):
            for name in command.list_commands(context):
                sub = command.get_command(context, name)
                assert sub is not None
                walk(sub, [*path, name])
        else:
            found.add(" ".join(path))

    walk(root, [])

    assert set(acting.RIGHTS) <= found


def test_a_command_opened_to_staff_answers_the_officer_and_refuses_support_as_its_route_does(
    lawful: Lawful, registered: Path, fresh_url: str
) -> None:
    """`compliance check` (GET /api/compliance, compliance:read) and `retention plan` (retention:read) were
    the operator's alone; staff now run them under the same permission as the route, refusals audited."""
    allowed = lawful("--as", "officer@example.test", "compliance", "check", "--json")
    refused = lawful("--as", "support@example.test", "retention", "plan", "--json")
    jobs = lawful("--as", "officer@example.test", "retention", "run")  # a job over every organisation

    assert allowed.exit_code == 0, allowed.output
    assert json.loads(allowed.stdout)["overdue"] is False
    assert refused.exit_code == 1 and "retention:read" in refused.output
    assert jobs.exit_code == 1 and "operator" in jobs.output
    refusals = [e.data for e in _entries(fresh_url, "access.refused")]
    assert {"permission": "retention:read", "operation": "lawful retention plan"} in refusals
