"""R-123: every operation of the API has its CLI command and the reverse, with the same authorisation and
auditing. The table is tests/parity_table.py."""

import json
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import typer
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy import select

from lawful import acting, clock
from lawful.audit import AuditEntry
from lawful.cli import app as cli_app
from tests.conftest import Lawful
from tests.parity_table import (
    ALIASES,
    CATEGORIES,
    CLI_CATEGORIES,
    CLI_EXEMPT,
    CLI_MISSING,
    COMMANDS,
    EXEMPT,
    MISSING,
    OPERATOR_JOBS,
    RIGHTS_DIFFER,
    Route,
)
from tests.registers import as_yaml, minimal, people
from tests.served import World, served
from tests.test_authorisation_matrix import TABLE


def api_routes(app: FastAPI) -> set[Route]:
    found: set[Route] = set()
    for context in iter_route_contexts(app.routes):
        path = context.path or ""
        if isinstance(context.original_route, APIRoute) and path.startswith("/api/"):
            found |= {(method, path) for method in context.methods or ()}
    return found


def cli_commands() -> set[str]:
    """Every command path of `lawful`, each lazily loaded domain group built."""
    root = typer.main.get_command(cli_app)
    context = typer.Context(root)
    found: set[str] = set()

    def walk(command: Any, path: list[str]) -> None:
        if hasattr(command, "list_commands"):
            for name in command.list_commands(context):
                sub = command.get_command(context, name)
                assert sub is not None, " ".join([*path, name])
                walk(sub, [*path, name])
        else:
            found.add(" ".join(path))

    walk(root, [])
    return found


def test_every_api_route_has_a_command_an_exemption_or_a_reason(app: FastAPI) -> None:
    routes = api_routes(app)
    listed = COMMANDS.keys() | EXEMPT.keys() | MISSING.keys()

    assert sorted(routes - listed) == [], "add these routes to tests/parity_table.py"
    assert sorted(listed - routes) == [], "these routes no longer exist"
    assert not (
        COMMANDS.keys() & EXEMPT.keys() or COMMANDS.keys() & MISSING.keys() or EXEMPT.keys() & MISSING.keys()
    )
    assert set(EXEMPT.values()) <= CATEGORIES.keys()


def test_every_command_the_table_names_exists() -> None:
    commands = cli_commands()

    assert sorted(set(COMMANDS.values()) - commands) == []


def test_no_missing_operation_has_its_command_yet() -> None:
    """When one is added, move its route from MISSING to COMMANDS: the list only shrinks."""
    commands = cli_commands()

    assert sorted(route for route, (command, _) in MISSING.items() if command in commands) == []


@pytest.fixture
def world(lawful: Lawful, fresh_url: str, tmp_path: Path) -> Iterator[World]:
    """The CLI and the API on the same database: a register, a support agent, an officer."""
    yield from _world(lawful, fresh_url, tmp_path, minimal())


@pytest.fixture
def marketing_world(lawful: Lawful, fresh_url: str, tmp_path: Path) -> Iterator[World]:
    """The same, with the register of tests/registers.people(): prospects, a newsletter, consent."""
    yield from _world(lawful, fresh_url, tmp_path, people())


def _world(lawful: Lawful, fresh_url: str, tmp_path: Path, register: dict[str, Any]) -> Iterator[World]:
    lawful.apply_register(tmp_path, as_yaml(register))
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
    yield from served(lawful, fresh_url, tmp_path)


def _key(world: World, *scopes: str) -> dict[str, str]:
    args = [arg for scope in scopes for arg in ("--scope", scope)]
    made = world.lawful("staff", "api-key", f"k-{uuid.uuid4().hex[:6]}", *args, "--json")
    assert made.exit_code == 0, made.output
    return {"Authorization": f"Bearer {json.loads(made.stdout)['key']}"}


def _refusals(world: World) -> list[AuditEntry]:
    with world.sessions() as db:
        return list(db.scalars(select(AuditEntry).where(AuditEntry.action == "access.refused")))


def _add(world: World) -> dict[str, Any]:
    made = world.lawful(
        "dsr", "add", "asker@example.test", "--types", "access", "--channel", "email", "--verified", "--json"
    )
    assert made.exit_code == 0, made.output
    return dict(json.loads(made.stdout))


def test_a_request_made_through_the_cli_reads_the_same_through_the_api_and_dsr_show(world: World) -> None:
    made = _add(world)

    read = world.client.get(f"/api/dsr/{made['id']}", headers=_key(world, "dsr:read"))
    shown = world.lawful("dsr", "show", made["reference"], "--json")

    assert read.status_code == 200 and shown.exit_code == 0, shown.output
    api, cli = read.json(), json.loads(shown.stdout)
    assert {k: made[k] for k in made} == {k: api[k] for k in made}
    assert cli == api


def test_dsr_show_of_an_unknown_reference_exits_1(world: World) -> None:
    shown = world.lawful("dsr", "show", "DSR-NOPE", "--json")

    assert shown.exit_code == 1 and "request_not_found" in shown.output


def test_dsr_extend_does_what_the_api_does_and_is_audited(world: World) -> None:
    made = _add(world)

    extended = world.lawful(
        "dsr", "extend", made["reference"], "--months", "2", "--reason", "many stores", "--json"
    )

    assert extended.exit_code == 0, extended.output
    result = json.loads(extended.stdout)
    api = world.client.get(f"/api/dsr/{made['id']}", headers=_key(world, "dsr:read")).json()
    assert result["extension_months"] == api["extension_months"] == 2 and result["due_on"] == api["due_on"]
    assert result["due_on"] > made["due_on"]
    with world.sessions() as db:
        entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "dsr.extended")).one()
    assert entry.actor_kind == "cli" and entry.entity_id == made["id"]


def test_dsr_extend_beyond_two_months_is_refused_and_writes_nothing(world: World) -> None:
    made = _add(world)

    extended = world.lawful("dsr", "extend", made["reference"], "--months", "3", "--reason", "x")

    assert extended.exit_code != 0
    assert (
        json.loads(world.lawful("dsr", "show", made["reference"], "--json").stdout)["extension_months"] == 0
    )


def test_dsr_refuse_is_the_privacy_officers_alone_as_through_the_api(world: World) -> None:
    made = _add(world)
    why = "the same question for the ninth time this month"

    by_support = world.lawful(
        "--as", "support@example.test", "dsr", "refuse", made["reference"], "--justification", why
    )
    by_officer = world.lawful(
        "--as", "officer@example.test", "dsr", "refuse", made["reference"], "--justification", why, "--json"
    )

    assert by_support.exit_code == 1 and "privacy officer" in by_support.output
    assert by_officer.exit_code == 0, by_officer.output
    assert json.loads(by_officer.stdout)["status"] == "refused"


def test_a_cli_call_without_the_role_exits_non_zero_and_is_audited_as_an_api_call_without_the_scope_is(
    world: World, tmp_path: Path
) -> None:
    before = len(_refusals(world))
    register = tmp_path / "changed.yaml"
    register.write_text(as_yaml(minimal()), encoding="utf-8")

    by_cli = world.lawful("--as", "support@example.test", "register", "apply", str(register))
    by_api = world.client.post("/api/register/versions", headers=_key(world, "register:read"), content="x")

    assert by_cli.exit_code == 1 and "register:write" in by_cli.output
    assert by_api.status_code == 403, by_api.text
    cli_entry, api_entry = _refusals(world)[before:]
    assert (cli_entry.outcome, cli_entry.actor_kind) == ("refused", "staff")
    assert cli_entry.data == {"permission": "register:write", "operation": "lawful register apply"}
    assert api_entry.outcome == "refused"
    assert api_entry.data == {"permission": "register:write", "operation": "POST /api/register/versions"}
    assert cli_entry.organisation_id == api_entry.organisation_id is not None


def test_dsr_mandate_refuses_as_the_api_does_for_a_request_not_waiting_for_one(world: World) -> None:
    made = _add(world)

    by_cli = world.lawful("dsr", "mandate", made["reference"], "--evidence", "a signed proxy")
    by_api = world.client.post(
        f"/api/dsr/{made['id']}/mandate", headers=_key(world, "dsr:write"), json={"text": "a signed proxy"}
    )

    assert by_cli.exit_code == 1 and "code_refused" in by_cli.output and "the mandate" in by_cli.output
    assert by_api.status_code == 422 and "the mandate" in by_api.text, by_api.text


def test_register_show_and_compliance_trend_answer_as_their_routes(world: World) -> None:
    headers = _key(world, "register:read", "compliance:read")

    shown = world.lawful("register", "show", "1", "--json")
    trend = world.lawful("compliance", "trend")
    unknown = world.lawful("register", "show", "99", "--json")

    assert shown.exit_code == 0 and trend.exit_code == 0, shown.output + trend.output
    assert json.loads(shown.stdout) == world.client.get("/api/register/versions/1", headers=headers).json()
    assert json.loads(trend.stdout) == world.client.get("/api/compliance/trend", headers=headers).json()
    assert unknown.exit_code == 1


def test_notice_show_answers_as_its_route(world: World) -> None:
    assert world.lawful("notice", "publish", "--kind", "privacy").exit_code == 0

    shown = world.lawful("notice", "show", "1", "--kind", "privacy")
    unknown = world.lawful("notice", "show", "9", "--kind", "privacy")

    assert shown.exit_code == 0, shown.output
    api = world.client.get("/api/notices/privacy/versions/1", headers=_key(world, "register:read")).json()
    assert json.loads(shown.stdout) == api and unknown.exit_code == 1


def test_flags_lift_hold_lifts_it_once_and_is_refused_without_the_permission(world: World) -> None:
    added = world.lawful(
        "subjects", "add", "--activity", "customer_service", "--category", "customer", "--channel", "email",
        "--email", "held@example.test", "--json",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    review = (clock.today() + timedelta(days=60)).isoformat()
    subject_id = json.loads(added.stdout)["subject_id"]
    held = world.lawful(
        "flags", "hold", subject_id, "--case", "C-7", "--reason", "claim", "--purpose", "customer_service",
        "--review", review,
    )  # fmt: skip
    assert held.exit_code == 0, held.output
    [hold] = json.loads(world.lawful("flags", "holds", "--json").stdout)

    by_support = world.lawful("--as", "support@example.test", "flags", "lift-hold", hold["id"])
    lifted = world.lawful("flags", "lift-hold", hold["id"])
    again = world.lawful("flags", "lift-hold", hold["id"])

    assert by_support.exit_code == 1 and "subjects:flag" in by_support.output
    assert lifted.exit_code == 0, lifted.output
    assert again.exit_code == 1
    assert json.loads(world.lawful("flags", "holds", "--json").stdout) == []


def test_dsr_tasks_show_answers_as_its_route(world: World) -> None:
    made = _add(world)

    shown = world.lawful("dsr", "tasks", "show", made["reference"])
    unknown = world.lawful("dsr", "tasks", "show", "DSR-NOPE")

    assert shown.exit_code == 0, shown.output
    api = world.client.get(f"/api/dsr/{made['id']}/recipients", headers=_key(world, "dsr:read")).json()
    assert json.loads(shown.stdout) == api and unknown.exit_code == 1


def test_stats_answer_as_their_routes_and_need_stats_read(world: World) -> None:
    _add(world)
    headers = _key(world, "stats:read")

    by_cli = {
        what: world.lawful("stats", what, *args)
        for what, args in (("subjects", ["--group-by", "language"]), ("consents", []), ("requests", []))
    }
    by_support = world.lawful("--as", "support@example.test", "stats", "requests")

    for what, shown in by_cli.items():
        assert shown.exit_code == 0, shown.output
        query = "?group_by=language" if what == "subjects" else ""
        assert (
            json.loads(shown.stdout) == world.client.get(f"/api/stats/{what}{query}", headers=headers).json()
        )
    assert by_support.exit_code == 1 and "stats:read" in by_support.output


def test_a_persons_history_and_consent_history_answer_as_their_routes(world: World) -> None:
    added = world.lawful(
        "subjects", "add", "--activity", "customer_service", "--category", "customer", "--channel", "email",
        "--email", "told@example.test", "--json",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    subject_id = json.loads(added.stdout)["subject_id"]
    headers = _key(world, "subjects:read")

    history = world.lawful("--as", "support@example.test", "flags", "history", subject_id)
    consents = world.lawful("consent", "history", subject_id)
    unknown = world.lawful("flags", "history", str(uuid.uuid4()))

    assert history.exit_code == 0 and consents.exit_code == 0, history.output + consents.output
    api_history = world.client.get(f"/api/subjects/{subject_id}/history", headers=headers).json()
    assert json.loads(history.stdout) == api_history and len(api_history) == 1
    assert "told@example.test" not in history.stdout
    api_consents = world.client.get(f"/api/subjects/{subject_id}/consents", headers=headers).json()
    assert json.loads(consents.stdout) == api_consents
    assert unknown.exit_code == 1 and "subject_not_found" in unknown.output


def test_dsr_answer_closes_a_question_as_the_api_does_and_fee_show_reads_as_its_route(world: World) -> None:
    made = world.lawful(
        "dsr",
        "add",
        "asker@example.test",
        "--types",
        "question",
        "--channel",
        "email",
        "--verified",
        "--json",
    )
    assert made.exit_code == 0, made.output
    question, access = json.loads(made.stdout), _add(world)
    headers = _key(world, "dsr:read")

    refused = world.lawful("dsr", "answer", access["reference"], "--text", "we hold nothing")
    answered = world.lawful("dsr", "answer", question["reference"], "--text", "we hold nothing", "--json")
    fee = world.lawful("dsr", "fee-show", question["reference"])
    api_fee = world.client.get(f"/api/dsr/{question['id']}/fee", headers=headers)

    assert refused.exit_code == 1 and "only questions and complaints" in refused.output
    assert answered.exit_code == 0, answered.output
    api = world.client.get(f"/api/dsr/{question['id']}", headers=headers).json()
    assert json.loads(answered.stdout) == api and api["status"] == "completed"
    assert api_fee.status_code == 404 and fee.exit_code == 1 and "no fee quote" in fee.output
    with world.sessions() as db:
        entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "dsr.case_closed")).one()
    assert entry.actor_kind == "cli" and entry.entity_id == question["id"]


def test_breaches_scope_show_reads_the_stored_scope_as_its_route(world: World) -> None:
    aware = (clock.now() - timedelta(hours=2)).isoformat()
    assert world.lawful("breaches", "open", "--title", "Backup stolen", "--aware-at", aware).exit_code == 0
    headers = _key(world, "breaches:read")

    before = world.lawful("breaches", "scope-show", "B-1")
    before_api = world.client.get("/api/breaches/B-1/scope", headers=headers)
    computed = world.lawful("breaches", "scope", "B-1", "--system", "lawful")
    shown = world.lawful("--as", "officer@example.test", "breaches", "scope-show", "B-1")
    by_support = world.lawful("--as", "support@example.test", "breaches", "scope-show", "B-1")

    assert before.exit_code == 1 and "no computed scope" in before.output and before_api.status_code >= 400
    assert computed.exit_code == 0 and shown.exit_code == 0, computed.output + shown.output
    assert json.loads(shown.stdout) == world.client.get("/api/breaches/B-1/scope", headers=headers).json()
    assert by_support.exit_code == 1 and "breaches:read" in by_support.output


def test_decide_export_requests_shows_and_writes_the_file_as_the_api_does(
    world: World, tmp_path: Path
) -> None:
    added = world.lawful(
        "subjects", "add", "--activity", "customer_service", "--category", "customer", "--channel", "email",
        "--email", "exported@example.test",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    officer = ("--as", "officer@example.test", "decide", "export")

    requested = world.lawful(*officer, "request", "--purpose", "customer_service")
    assert requested.exit_code == 0, requested.output
    made = json.loads(requested.stdout)
    shown = world.lawful("decide", "export", "show", made["id"])
    out = tmp_path / "export.csv"
    written = world.lawful(*officer, "file", made["id"], "--out", str(out))
    by_support = world.lawful(
        "--as", "support@example.test", "decide", "export", "file", made["id"], "--out", str(out)
    )
    approved = world.lawful("decide", "export", "approve", made["id"])

    api = world.client.get(f"/api/exports/{made['id']}", headers=_key(world, "personal_data:read")).json()
    assert made == json.loads(shown.stdout) == api and (api["status"], api["people"]) == ("ready", 1)
    assert written.exit_code == 0, written.output
    assert "exported@example.test" in out.read_text() and "exported@example.test" not in written.output
    assert out.stat().st_mode & 0o777 == 0o600
    assert by_support.exit_code == 1 and "no such export" in by_support.output
    assert approved.exit_code == 1 and "this export is ready" in approved.output
    with world.sessions() as db:
        entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "decisions.export_downloaded")).one()
    assert entry.actor_kind == "staff" and str(entry.entity_id) == made["id"]


def test_marketing_audience_preview_and_export_refuse_as_their_routes(world: World) -> None:
    headers = _key(world, "marketing:send")

    preview = world.lawful("marketing", "audience", "preview", "--purpose", "customer_service")
    by_support = world.lawful(
        "--as", "support@example.test", "marketing", "audience", "preview", "--purpose", "customer_service"
    )
    export = world.lawful(
        "marketing", "audience", "export", "--purpose", "customer_service", "--recipient", "hosting"
    )

    api = world.client.post("/api/audiences", headers=headers, json={"purpose": "customer_service"})
    assert preview.exit_code == 1 and api.status_code == 422, api.text
    assert "not a marketing activity" in preview.output and "not a marketing activity" in api.text
    assert by_support.exit_code == 1 and "marketing:send" in by_support.output
    api_export = world.client.post(
        "/api/audiences/exports",
        headers=headers,
        json={"purpose": "customer_service", "recipient": "hosting"},
    )
    assert export.exit_code == 1 and api_export.status_code == 409, api_export.text
    assert "'hosting' is not a recipient with an endpoint" in export.output


def test_breaches_update_changes_only_the_facts_given_as_the_patch_does(world: World) -> None:
    aware = (clock.now() - timedelta(hours=2)).isoformat()
    assert world.lawful("breaches", "open", "--title", "Backup stolen", "--aware-at", aware).exit_code == 0
    future = (clock.now() + timedelta(days=1)).isoformat()

    by_support = world.lawful(
        "--as", "support@example.test", "breaches", "update", "B-1", "--approx-subjects", "9"
    )
    in_future = world.lawful("breaches", "update", "B-1", "--occurred-at", future, "--approx-subjects", "9")
    nothing = world.lawful("breaches", "update", "B-1")
    updated = world.lawful(
        "--as", "officer@example.test", "breaches", "update", "B-1", "--approx-subjects", "40",
        "--systems", "backup,nas", "--json",
    )  # fmt: skip

    assert by_support.exit_code == 1 and "breaches:write" in by_support.output
    assert in_future.exit_code == 1 and nothing.exit_code != 0
    assert updated.exit_code == 0, updated.output
    api = world.client.get("/api/breaches/B-1", headers=_key(world, "breaches:read")).json()
    cli = json.loads(updated.stdout)
    assert (cli["approx_subjects"], cli["systems"], cli["title"]) == (40, ["backup", "nas"], "Backup stolen")
    assert cli == api
    with world.sessions() as db:
        [entry] = db.scalars(select(AuditEntry).where(AuditEntry.action == "breach.updated")).all()
    assert entry.actor_kind == "staff"


def test_subjects_update_link_gives_the_link_as_the_route_does_and_logs_no_secret(world: World) -> None:
    added = world.lawful(
        "subjects", "add", "--activity", "customer_service", "--category", "customer", "--channel", "email",
        "--email", "linked@example.test", "--json",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    subject_id = json.loads(added.stdout)["subject_id"]

    made = world.lawful("--as", "support@example.test", "subjects", "update-link", subject_id)
    unknown = world.lawful("subjects", "update-link", str(uuid.uuid4()))
    api = world.client.post(
        f"/api/subjects/{subject_id}/update-links", headers=_key(world, "subjects:write", "subjects:read")
    )

    assert made.exit_code == 0, made.output
    link, answer = json.loads(made.stdout), api.json()
    assert api.status_code == 201 and link.keys() == answer.keys()
    assert link["expires_in_days"] == answer["expires_in_days"] and link["url"] != answer["url"]
    assert unknown.exit_code == 1 and "subject_not_found" in unknown.output
    token = link["url"].rsplit("/", 1)[-1]
    with world.sessions() as db:
        entries = db.scalars(select(AuditEntry)).all()
    assert all(token not in json.dumps(e.data, default=str) for e in entries)


def test_marketing_audience_preview_counts_as_its_route(marketing_world: World) -> None:
    world = marketing_world
    added = world.lawful(
        "subjects", "add", "--activity", "request_followup", "--category", "prospect", "--channel", "email",
        "--email", "prospect@example.test",
    )  # fmt: skip
    assert added.exit_code == 0, added.output

    preview = world.lawful("marketing", "audience", "preview", "--purpose", "newsletter")

    assert preview.exit_code == 0, preview.output
    api = world.client.post(
        "/api/audiences", headers=_key(world, "marketing:send"), json={"purpose": "newsletter"}
    )
    assert json.loads(preview.stdout) == api.json() and api.json()["purpose"] == "newsletter"
    assert sum(api.json()["excluded"].values()) + api.json()["members"] == 1
    assert "prospect@example.test" not in preview.stdout


def _canonical(command: str) -> str:
    head, _, rest = command.partition(" ")
    return " ".join(part for part in (ALIASES.get(head, head), rest) if part)


def test_every_cli_command_has_a_route_an_exemption_or_a_reason() -> None:
    """R-123, the reverse: a command without a route is an operation developers cannot automate."""
    commands = {_canonical(command) for command in cli_commands()}
    listed = set(COMMANDS.values()) | CLI_EXEMPT.keys() | CLI_MISSING.keys()

    assert sorted(commands - listed) == [], (
        "give these commands a route, or list them in tests/parity_table.py"
    )
    assert sorted((CLI_EXEMPT.keys() | CLI_MISSING.keys()) - commands) == [], "these commands no longer exist"
    assert not CLI_EXEMPT.keys() & CLI_MISSING.keys()
    assert not set(COMMANDS.values()) & (CLI_EXEMPT.keys() | CLI_MISSING.keys())
    assert set(CLI_EXEMPT.values()) <= CLI_CATEGORIES.keys()


def test_no_missing_command_has_its_route_yet(app: FastAPI) -> None:
    """When one is added, map it in COMMANDS and drop it from CLI_MISSING: the list only shrinks."""
    routes = api_routes(app)

    assert sorted(command for command, (route, _) in CLI_MISSING.items() if route in routes) == []


def test_a_command_needs_every_permission_its_routes_need_with_as() -> None:
    """R-123, the same authorisation: `lawful --as EMAIL CMD` is refused whatever the API refuses the same
    staff member (the matrix's rules are the routes' permissions)."""
    routes: dict[str, list[Route]] = {}
    for route, command in COMMANDS.items():
        routes.setdefault(command, []).append(route)
    weaker, unlisted = [], []
    for command, mapped in sorted(routes.items()):
        if command not in acting.RIGHTS:
            if command not in OPERATOR_JOBS:
                unlisted.append(command)
            continue
        held = set(acting.needs(command))
        for route in mapped:
            needed = set(TABLE[route].needs or ())
            if not needed <= held and command not in RIGHTS_DIFFER:
                weaker.append(f"{command}: {sorted(needed - held)} ({route[0]} {route[1]})")

    assert weaker == [], "acting.RIGHTS must ask what the route asks"
    assert unlisted == [], (
        "give these commands their route's permission in acting.RIGHTS, or list them in OPERATOR_JOBS"
    )
    assert not OPERATOR_JOBS & acting.RIGHTS.keys() and set(COMMANDS.values()) >= OPERATOR_JOBS
