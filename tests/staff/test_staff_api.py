"""The staff API (R-123): each route does what its `lawful staff …` command does, on the same database, with
the same permission (staff:manage), the same facts, the same audit entry; staff named by id, never email."""

import json
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from lawful import staff
from lawful.audit import AuditEntry
from lawful.staff.service import hasher
from tests.conftest import Lawful
from tests.factories import bearer, make_api_key, make_register
from tests.registers import as_yaml, minimal
from tests.served import World, served

ANN = "ann@example.test"
EVERY = sorted(staff.PERMISSIONS)  # a key that may give any role (nobody gives rights beyond their own)
LIMITS = staff.LoginLimits(
    free_failures=5, window=timedelta(days=1), backoff_cap=timedelta(hours=1), address_failures=50
)
OLD = "old password, long enough"


@pytest.fixture
def world(lawful: Lawful, fresh_url: str, tmp_path: Path) -> Iterator[World]:
    """The CLI and the API on one database: a register and Ann, a trained auditor."""
    lawful.apply_register(tmp_path, as_yaml(minimal()))
    added = lawful("staff", "add", ANN, "--role", "auditor", "--password", OLD, "--training", "2026-01-05")
    assert added.exit_code == 0, added.output
    yield from served(lawful, fresh_url, tmp_path)


def _cli(world: World, *args: str) -> Any:
    done = world.lawful(*args, "--json")
    assert done.exit_code == 0, done.output
    return json.loads(done.stdout)


def _key(world: World, *scopes: str) -> dict[str, str]:
    made = _cli(
        world, "staff", "api-key", f"k-{uuid.uuid4().hex[:6]}", *[a for s in scopes for a in ("--scope", s)]
    )
    return bearer(made["key"])


def _ann(world: World) -> dict[str, Any]:
    return next(row for row in _cli(world, "staff", "list") if row["email"] == ANN)


def _entries(world: World, action: str) -> list[AuditEntry]:
    with world.sessions() as db:
        return list(db.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.at)))


def _user(world: World, email: str) -> staff.StaffUser | None:
    with world.sessions() as db:
        return staff.find_by_email(db, email=email)


def _theirs(world: World, scopes: list[str]) -> dict[str, str]:
    """A second organisation and a key of it (from now on the CLI needs `--org acme`)."""
    with world.sessions() as db:
        document = minimal()
        document["organisation"]["slug"] = "other"
        token = make_api_key(db, make_register(db, document).organisation_id, scopes)
        db.commit()
    return bearer(token)


def _key_count(world: World) -> int:
    with world.sessions() as db:
        return db.scalar(select(func.count()).select_from(staff.ApiKey)) or 0


def test_get_staff_answers_as_staff_list_json_with_grant_dates_and_no_secret(world: World) -> None:
    answer = world.client.get("/api/staff", headers=_key(world, *EVERY))

    assert answer.status_code == 200
    assert answer.json() == _cli(world, "staff", "list")
    [ann] = answer.json()
    assert ann["roles"] == ["auditor"] and ann["training_on"] == "2026-01-05"
    assert [(g["role"], g["state"]) for g in ann["grants"]] == [("auditor", "in_force")]
    assert ann["grants"][0]["review_due"] and ann["grants"][0]["expires_on"]
    user = _user(world, ANN)
    assert user is not None and user.password_hash not in answer.text
    assert "password" not in answer.text and "totp" not in answer.text


def test_post_staff_creates_the_account_shows_its_secrets_once_and_audits_without_them(world: World) -> None:
    body = {"email": "Bob@Example.test", "roles": ["auditor"], "name": "Bob"}

    made = world.client.post("/api/staff", json=body, headers=_key(world, *EVERY))

    assert made.status_code == 201, made.text
    shown = made.json()
    cli = _cli(world, "staff", "add", "cleo@example.test", "--role", "auditor")
    assert shown.keys() == cli.keys() and shown["email"] == "bob@example.test"
    assert made.headers["cache-control"] == "no-store"
    user = _user(world, "bob@example.test")
    assert user is not None and str(user.id) == shown["id"] and user.display_name == "Bob"
    assert hasher().verify(user.password_hash, shown["password"])
    [entry] = [e for e in _entries(world, "staff.added") if e.entity_id == shown["id"]]
    assert entry.data == {"roles": ["auditor"]} and entry.actor_kind == "api_key"
    listed = world.client.get("/api/staff", headers=_key(world, *EVERY)).text
    for secret in (shown["password"], shown["totp_secret"]):
        assert secret not in json.dumps(entry.data) and secret not in listed


def test_a_chosen_password_is_not_shown_back(world: World) -> None:
    body = {"email": "bob@example.test", "roles": ["auditor"], "password": "a chosen password"}

    made = world.client.post("/api/staff", json=body, headers=_key(world, *EVERY))

    assert made.status_code == 201 and made.json()["password"] is None
    user = _user(world, "bob@example.test")
    assert user is not None and hasher().verify(user.password_hash, "a chosen password")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (
            {"email": "bob@example.test", "roles": ["support"], "training_on": "2026-01-05"},
            "confidentiality_on",
        ),
        ({"email": "bob@example.test", "roles": ["support"]}, "training_on"),
        ({"email": "bob@example.test", "roles": ["auditor"], "password": "short"}, "password"),
        ({"email": "bob@example.test", "roles": []}, "roles"),
        ({"email": "bob@example.test", "roles": ["owner"]}, "roles"),
        ({"email": ANN, "roles": ["auditor"]}, "email"),
    ],
)
def test_post_staff_refuses_bad_input_naming_the_field_and_writes_nothing(
    world: World, body: dict[str, Any], field: str
) -> None:
    added_before = len(_entries(world, "staff.added"))

    refused = world.client.post("/api/staff", json=body, headers=_key(world, *EVERY))

    assert 400 <= refused.status_code < 500 and field in refused.text, refused.text
    if field != "email":
        assert _user(world, "bob@example.test") is None
    assert len(_entries(world, "staff.added")) == added_before
    assert ANN not in refused.text


def test_a_grant_through_the_api_is_what_staff_grant_gives_and_is_audited(world: World) -> None:
    ann = _ann(world)
    body = {"role": "engineer", "expires_on": "2099-12-31", "review_due": "2099-06-30"}

    granted = world.client.post(f"/api/staff/{ann['id']}/grants", json=body, headers=_key(world, *EVERY))

    assert granted.status_code == 201, granted.text
    assert granted.json() == _ann(world)
    assert granted.json()["roles"] == ["auditor", "engineer"]
    engineer = next(g for g in granted.json()["grants"] if g["role"] == "engineer")
    assert (engineer["expires_on"], engineer["review_due"]) == ("2099-12-31", "2099-06-30")
    [entry] = _entries(world, "staff.granted")
    assert entry.entity_id == ann["id"] and entry.data["after"] == ["auditor", "engineer"]
    cli = _cli(world, "staff", "grant", ANN, "--role", "auditor")
    assert cli.keys() == granted.json().keys()


def test_a_personal_data_role_is_refused_to_an_untrained_member_as_the_cli_refuses_it(world: World) -> None:
    assert world.lawful("staff", "add", "carl@example.test", "--role", "auditor").exit_code == 0
    carl = next(row for row in _cli(world, "staff", "list") if row["email"] == "carl@example.test")

    refused = world.client.post(
        f"/api/staff/{carl['id']}/grants", json={"role": "support"}, headers=_key(world, *EVERY)
    )
    by_cli = world.lawful("staff", "grant", "carl@example.test", "--role", "support")

    assert refused.status_code == 422 and refused.json()["error"] == "grant_refused"
    assert {p["path"] for p in refused.json()["problems"]} == {"training_on", "confidentiality_on"}
    assert by_cli.exit_code == 1 and refused.json()["detail"] in by_cli.output
    assert _entries(world, "staff.granted") == []
    user = _user(world, "carl@example.test")
    assert user is not None and user.roles == ["auditor"]


def test_grant_dates_in_the_past_are_refused_naming_them(world: World) -> None:
    ann = _ann(world)

    refused = world.client.post(
        f"/api/staff/{ann['id']}/grants",
        json={"role": "engineer", "expires_on": "2001-01-01"},
        headers=_key(world, *EVERY),
    )

    assert refused.status_code == 422 and "expires_on" in refused.json()["detail"]
    assert _ann(world)["roles"] == ["auditor"]


def test_delete_grant_takes_the_role_away_as_staff_revoke_does_and_is_audited(world: World) -> None:
    ann = _ann(world)

    revoked = world.client.delete(f"/api/staff/{ann['id']}/grants/auditor", headers=_key(world, *EVERY))

    assert revoked.status_code == 200, revoked.text
    assert revoked.json() == _ann(world) and revoked.json()["roles"] == [] and revoked.json()["grants"] == []
    [entry] = _entries(world, "staff.revoked")
    assert entry.entity_id == ann["id"] and entry.data == {"before": ["auditor"], "after": []}
    unknown = world.client.delete(f"/api/staff/{ann['id']}/grants/owner", headers=_key(world, *EVERY))
    assert unknown.status_code == 422 and "role" in unknown.text


def test_an_unknown_staff_id_is_not_found(world: World) -> None:
    missing = world.client.post(
        f"/api/staff/{uuid.uuid4()}/grants", json={"role": "auditor"}, headers=_key(world, *EVERY)
    )

    assert missing.status_code == 404 and missing.json()["error"] == "staff_not_found"


def test_a_generated_password_is_shown_once_ends_sessions_and_is_audited_without_it(world: World) -> None:
    keys = world.client.app.state.keys  # type: ignore[attr-defined]
    with world.sessions() as db:
        user = staff.find_by_email(db, email=ANN)
        assert user is not None
        logged = staff.log_in(
            db, keys, email=ANN, password=OLD, totp_code=staff.current_totp(keys, user), client="203.0.113.9",
            limits=LIMITS, session_length=timedelta(hours=8),
        )  # fmt: skip
        db.commit()
    assert logged.session is not None

    reset = world.client.post(
        f"/api/staff/{user.id}/password", json={"generate": True}, headers=_key(world, *EVERY)
    )

    assert reset.status_code == 200, reset.text
    shown = reset.json()
    assert (shown["id"], shown["email"], shown["sessions_ended"]) == (str(user.id), ANN, 1)
    assert reset.headers["cache-control"] == "no-store"
    after = _user(world, ANN)
    assert after is not None and hasher().verify(after.password_hash, shown["password"])
    [entry] = _entries(world, "staff.password_reset")
    assert entry.data == {"sessions_ended": 1, "generated": True}
    by_cli = _cli(world, "staff", "reset-password", ANN, "--generate")
    assert by_cli.keys() == shown.keys()


@pytest.mark.parametrize(
    "body",
    [
        {"password": "short"},
        {"password": "a long enough password", "generate": True},
        {},
        {"generate": False},
    ],
)
def test_a_password_reset_refuses_bad_input_naming_password_and_writes_nothing(
    world: World, body: dict[str, Any]
) -> None:
    ann = _ann(world)

    refused = world.client.post(f"/api/staff/{ann['id']}/password", json=body, headers=_key(world, *EVERY))

    assert refused.status_code == 422 and "password" in refused.text, refused.text
    assert "short" not in refused.json().get("detail", "")
    user = _user(world, ANN)
    assert user is not None and hasher().verify(user.password_hash, OLD)
    assert _entries(world, "staff.password_reset") == []


def test_an_api_key_made_through_the_api_works_is_shown_once_and_audited(world: World) -> None:
    made = world.client.post(
        "/api/staff/api-keys",
        json={"name": "anchor", "scopes": ["audit:read"]},
        headers=_key(world, *EVERY),
    )

    assert made.status_code == 201, made.text
    assert made.headers["cache-control"] == "no-store"
    cli = _cli(world, "staff", "api-key", "other", "--scope", "audit:read")
    assert made.json().keys() == cli.keys() and made.json()["scopes"] == ["audit:read"]
    assert world.client.get("/api/audit/head", headers=bearer(made.json()["key"])).status_code == 200
    [entry] = [e for e in _entries(world, "staff.api_key_created") if e.entity_id == made.json()["id"]]
    assert entry.data == {"scopes": ["audit:read"]} and made.json()["key"] not in json.dumps(entry.data)


def test_a_key_cannot_give_a_scope_it_does_not_hold_and_the_refusal_is_audited(world: World) -> None:
    caller = _key(world, "staff:manage")
    keys_before = _key_count(world)

    refused = world.client.post(
        "/api/staff/api-keys",
        json={"name": "stronger", "scopes": ["staff:manage", "personal_data:read"]},
        headers=caller,
    )

    assert refused.status_code == 403, refused.text
    assert "personal_data:read" in refused.json()["detail"] and "staff:manage" not in refused.json()["detail"]
    assert _key_count(world) == keys_before
    [entry] = _entries(world, "access.refused")
    assert entry.outcome == "refused" and entry.data["permission"] == "personal_data:read"


def test_a_staff_member_acting_through_the_cli_cannot_give_a_scope_they_lack_either(world: World) -> None:
    assert world.lawful("staff", "add", "admin@example.test", "--role", "admin").exit_code == 0

    refused = world.lawful(
        "--as", "admin@example.test", "staff", "api-key", "x", "--scope", "personal_data:read"
    )
    allowed = world.lawful("--as", "admin@example.test", "staff", "api-key", "y", "--scope", "audit:read")

    assert refused.exit_code == 1 and "personal_data:read" in refused.output
    assert allowed.exit_code == 0, allowed.output
    assert [e.data["permission"] for e in _entries(world, "access.refused")] == ["personal_data:read"]


def test_an_unknown_scope_is_refused_naming_scopes(world: World) -> None:
    refused = world.client.post(
        "/api/staff/api-keys",
        json={"name": "x", "scopes": ["everything"]},
        headers=_key(world, *EVERY),
    )

    assert refused.status_code == 422 and refused.json()["problems"][0]["path"] == "scopes"


def test_delete_api_key_revokes_it_as_staff_revoke_key_does(world: World) -> None:
    made = _cli(world, "staff", "api-key", "doomed", "--scope", "audit:read")

    revoked = world.client.delete(f"/api/staff/api-keys/{made['id']}", headers=_key(world, *EVERY))

    assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
    assert world.client.get("/api/audit/head", headers=bearer(made["key"])).status_code == 401
    assert [e.entity_id for e in _entries(world, "staff.api_key_revoked")] == [made["id"]]
    cli = _cli(world, "staff", "revoke-key", made["id"])
    assert cli.keys() == revoked.json().keys() and cli["revoked_at"] == revoked.json()["revoked_at"]


ROUTES = [
    ("GET", "/api/staff", None),
    ("POST", "/api/staff", {"email": "bob@example.test", "roles": ["auditor"]}),
    ("POST", "/api/staff/{staff_id}/grants", {"role": "engineer"}),
    ("DELETE", "/api/staff/{staff_id}/grants/auditor", None),
    ("POST", "/api/staff/{staff_id}/password", {"generate": True}),
    ("POST", "/api/staff/api-keys", {"name": "x", "scopes": ["audit:read"]}),
    ("DELETE", "/api/staff/api-keys/{key_id}", None),
]


def _paths(world: World) -> dict[str, str]:
    made = _cli(world, "staff", "api-key", "target", "--scope", "register:read")
    return {"staff_id": _ann(world)["id"], "key_id": made["id"]}


@pytest.mark.parametrize(("method", "path", "body"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES])
def test_each_staff_route_needs_staff_manage_and_the_refusal_is_audited(
    world: World, method: str, path: str, body: dict[str, Any] | None
) -> None:
    url = path.format(**_paths(world))

    refused = world.client.request(
        method, url, json=body, headers=_key(world, "audit:read", "register:write")
    )

    assert refused.status_code == 403 and "staff:manage" in refused.text
    [entry] = _entries(world, "access.refused")
    assert entry.data["permission"] == "staff:manage"
    assert _ann(world)["roles"] == ["auditor"] and _user(world, "bob@example.test") is None


BY_ID = [route for route in ROUTES if "{" in route[1]]


@pytest.mark.parametrize(("method", "path", "body"), BY_ID, ids=[f"{m} {p}" for m, p, _ in BY_ID])
def test_another_organisations_key_finds_none_of_our_staff_or_keys(
    world: World, method: str, path: str, body: dict[str, Any] | None
) -> None:
    ids = _paths(world)
    before = _ann(world)
    theirs = _theirs(world, sorted(staff.PERMISSIONS))

    answer = world.client.request(method, path.format(**ids), json=body, headers=theirs)
    listed = world.client.get("/api/staff", headers=theirs)

    assert answer.status_code == 404, answer.text
    assert listed.status_code == 200 and listed.json() == []
    assert _cli(world, "staff", "list", "--org", "acme") == [before]
    with world.sessions() as db:
        assert db.get_one(staff.ApiKey, uuid.UUID(ids["key_id"])).revoked_at is None


def test_another_organisation_adding_one_of_our_staff_emails_is_refused_without_changing_them(
    world: World,
) -> None:
    before = _ann(world)
    theirs = _theirs(world, EVERY)

    refused = world.client.post("/api/staff", json={"email": ANN, "roles": ["admin"]}, headers=theirs)

    assert refused.status_code == 409 and refused.json()["error"] == "staff_exists"
    assert ANN not in refused.text
    assert _cli(world, "staff", "list", "--org", "acme") == [before]
    assert len(_entries(world, "staff.added")) == 1  # Ann's own, from the fixture


def test_nobody_gives_a_role_with_rights_they_do_not_hold_by_the_api_or_with_as(world: World) -> None:
    """An admin's rights (staff:manage, register:read, audit:read) cannot make a privacy officer and log in
    as one: refused, audited, nothing written; the operator at the shell can."""
    admin = _key(world, "staff:manage", "register:read", "audit:read")
    body = {"email": "bea@example.test", "roles": ["privacy_officer"], "training_on": "2026-01-05",
            "confidentiality_on": "2026-01-05"}  # fmt: skip
    added = world.client.post("/api/staff", json=body, headers=admin)
    ann = _ann(world)
    granted = world.client.post(
        f"/api/staff/{ann['id']}/grants", json={"role": "privacy_officer"}, headers=admin
    )
    fellow = world.client.post("/api/staff", json=body | {"roles": ["admin"]}, headers=admin)

    assert added.status_code == 403 and "personal_data:read" in added.json()["detail"]
    assert granted.status_code == 403 and "bea@example.test" not in added.text
    assert fellow.status_code == 201  # a role within the admin's own rights
    refusals = [e.data["operation"] for e in _entries(world, "access.refused")]
    assert refusals == ["add a staff member", "grant a role"]
    listed = {s["email"]: s["roles"] for s in _cli(world, "staff", "list", "--org", "acme")}
    assert listed == {ANN: ann["roles"], "bea@example.test": ["admin"]}
    by_operator = world.lawful("staff", "grant", "bea@example.test", "--role", "auditor")
    assert by_operator.exit_code == 0, by_operator.output
