"""POST /api/connectors/check, /find, /events/import and /retention/run (R-123): the route and its `lawful
connectors …` command on the same databases (lawful's and Chinook), giving the same facts, refusing alike."""

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from lawful import subjects
from lawful.app import create_app
from lawful.audit import AuditEntry
from lawful.config import Settings
from tests.conftest import Lawful, served_settings
from tests.connectors.conftest import EMAIL, INVOICE, Chinook, count, invoice_and_lines
from tests.connectors.test_events import _customer
from tests.registers import as_yaml, minimal


@dataclass
class Shop:
    lawful: Lawful
    chinook: Chinook
    client: TestClient
    sessions: "sessionmaker[Session]"
    tmp_path: Path

    def key(self, *scopes: str, org: str | None = None) -> dict[str, str]:
        args = [arg for scope in scopes for arg in ("--scope", scope)] + (["--org", org] if org else [])
        made = self.lawful("staff", "api-key", f"k-{uuid.uuid4().hex[:6]}", *args, "--json")
        assert made.exit_code == 0, made.output
        return {"Authorization": f"Bearer {json.loads(made.stdout)['key']}"}

    def audit(self, action: str) -> list[AuditEntry]:
        with self.sessions() as db:
            return list(db.scalars(select(AuditEntry).where(AuditEntry.action == action)))

    def entries(self) -> int:
        with self.sessions() as db:
            return db.scalar(select(func.count()).select_from(AuditEntry)) or 0

    def register_file(self, document: dict[str, Any]) -> str:
        path = self.tmp_path / f"register-{uuid.uuid4().hex[:6]}.yaml"
        path.write_text(as_yaml(document), encoding="utf-8")
        return str(path)


def _app_settings(shop: Chinook, fresh_url: str, tmp_path: Path, *, test_mode: bool = True) -> Settings:
    return served_settings(
        tmp_path, fresh_url, test_mode=test_mode, datastores={"chinook": SecretStr(shop.url)}
    )


@pytest.fixture
def world(lawful: Lawful, shop: Chinook, fresh_url: str, tmp_path: Path) -> Iterator[Shop]:
    """The CLI and the API on one lawful database whose register maps Chinook, its URL set for both."""
    app = create_app(_app_settings(shop, fresh_url, tmp_path))
    with TestClient(app) as client:
        yield Shop(lawful, shop, client, app.state.sessionmaker, tmp_path)
    app.state.engine.dispose()


def _other_org(world: Shop) -> dict[str, str]:
    """A key of a second organisation, which maps no datastore."""
    other = minimal()
    other["organisation"] = other["organisation"] | {"slug": "other", "legal_name": "Other SRL"}
    assert world.lawful("register", "apply", world.register_file(other)).exit_code == 0
    return world.key("register:read", "personal_data:read", "retention:run", org="other")


def test_check_answers_what_connectors_check_prints(world: Shop) -> None:
    api = world.client.post("/api/connectors/check", json={}, headers=world.key("register:read"))
    cli = world.lawful("connectors", "check", "--json")

    assert api.status_code == 200 and cli.exit_code == 0, api.text + cli.output
    assert api.json() == json.loads(cli.stdout) == {"ok": True, "datastores": ["chinook"], "problems": []}


def test_a_map_that_does_not_fit_is_a_finding_not_an_error_and_the_cli_exits_1(world: Shop) -> None:
    world.chinook.document["datastores"][0]["tables"][1]["columns"][0]["name"] = "InvoiceDay"
    text = as_yaml(world.chinook.document)

    api = world.client.post(
        "/api/connectors/check",
        json={"yaml": text, "datastore": "chinook"},
        headers=world.key("register:read"),
    )
    cli = world.lawful(
        "connectors", "check", "--register", world.register_file(world.chinook.document), "--json"
    )

    assert api.status_code == 200, api.text
    assert api.json()["ok"] is False and cli.exit_code == 1
    assert api.json() == json.loads(cli.stdout)
    assert [p["path"] for p in api.json()["problems"]] == ["datastores[0].tables[1].columns[0].name"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"datastore": "crm"}, "datastore"),
        ({"yaml": "format: 1\norganisation: {}\n"}, "yaml"),
        ({"yaml": "x", "extra": 1}, "extra"),
        ({"datastore": ""}, "datastore"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_writes_nothing(
    world: Shop, body: dict[str, Any], field: str
) -> None:
    headers = world.key("register:read")
    before = world.entries()

    response = world.client.post("/api/connectors/check", json=body, headers=headers)

    assert response.status_code == 422, response.text
    assert field in response.text
    assert world.entries() == before


def test_another_organisations_register_is_not_checked_with_this_key(world: Shop) -> None:
    other = minimal() | {"organisation": minimal()["organisation"] | {"slug": "other"}}

    response = world.client.post(
        "/api/connectors/check", json={"yaml": as_yaml(other)}, headers=world.key("register:read")
    )

    assert response.status_code == 422 and "yaml.organisation.slug" in response.text


def test_check_and_find_need_the_permissions_their_commands_need_and_the_refusals_are_audited(
    world: Shop,
) -> None:
    headers = world.key("subjects:read")

    check = world.client.post("/api/connectors/check", json={}, headers=headers)
    find = world.client.post(
        "/api/connectors/find", json={"email": EMAIL}, headers=world.key("register:read")
    )

    assert (check.status_code, find.status_code) == (403, 403)
    operations = [e.data["operation"] for e in world.audit("access.refused")]
    assert operations == ["POST /api/connectors/check", "POST /api/connectors/find"]
    assert EMAIL not in json.dumps([e.data for e in world.audit("access.refused")])


def test_find_answers_what_connectors_find_prints_without_a_personal_value(world: Shop) -> None:
    api = world.client.post(
        "/api/connectors/find", json={"email": EMAIL}, headers=world.key("personal_data:read")
    )
    cli = world.lawful("connectors", "find", "--email", EMAIL, "--json")

    assert api.status_code == 200 and cli.exit_code == 0, api.text + cli.output
    assert api.json() == json.loads(cli.stdout)
    [preview] = api.json()
    assert preview["found"] is True and len(preview["fields"]) == 21
    for value in (EMAIL, "Tremblay", "François", "Montréal", "1498 rue Bélanger"):
        assert value not in api.text
    assert invoice_and_lines(world.chinook, INVOICE) == (1, 14)  # a dry run


def test_a_find_is_audited_as_a_search_found_or_not_without_the_address(world: Shop) -> None:
    headers = world.key("personal_data:read")

    world.client.post("/api/connectors/find", json={"email": EMAIL}, headers=headers)
    world.client.post("/api/connectors/find", json={"email": "nobody@example.test"}, headers=headers)
    world.lawful("connectors", "find", "--email", EMAIL)

    entries = world.audit("connectors.searched")
    assert [(e.actor_kind, e.outcome) for e in entries] == [
        ("api_key", "found"),
        ("api_key", "not_found"),
        ("cli", "found"),
    ]
    assert entries[0].data == {"datastores": ["chinook"], "fields": 21}
    assert len({e.organisation_id for e in entries}) == 1 and entries[0].organisation_id is not None
    assert "tremblay" not in json.dumps([e.data for e in entries]).lower()


def test_find_of_someone_unknown_and_of_a_datastore_not_mapped(world: Shop) -> None:
    headers = world.key("personal_data:read")

    nobody = world.client.post("/api/connectors/find", json={"email": "nobody@example.test"}, headers=headers)
    unmapped = world.client.post(
        "/api/connectors/find", json={"email": EMAIL, "datastore": "crm"}, headers=headers
    )

    assert nobody.status_code == 200 and nobody.json()[0]["found"] is False
    assert unmapped.status_code == 422 and "datastore" in unmapped.text and EMAIL not in unmapped.text


@pytest.mark.parametrize("email", ["not-an-address@", "no at sign", "ab"])
def test_a_malformed_email_is_refused_naming_the_field_without_echoing_it(world: Shop, email: str) -> None:
    response = world.client.post(
        "/api/connectors/find", json={"email": email}, headers=world.key("personal_data:read")
    )

    assert response.status_code == 422 and "email" in response.text
    assert email not in response.text


def test_find_of_another_organisation_sees_none_of_this_ones_datastores(world: Shop) -> None:
    response = world.client.post("/api/connectors/find", json={"email": EMAIL}, headers=_other_org(world))

    assert response.status_code == 200 and response.json() == []


def _run(world: Shop, day: str, headers: dict[str, str]) -> Any:
    response = world.client.post("/api/connectors/retention/run", json={"now": day}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_a_retention_run_ends_the_invoices_as_the_command_does_and_is_audited(world: Shop) -> None:
    headers = world.key("retention:run")

    before = _run(world, "2034-12-31", headers)
    after = _run(world, "2035-01-01", headers)
    again = world.lawful("connectors", "retention", "run", "--now", "2035-01-01", "--json")

    assert invoice_and_lines(world.chinook, INVOICE) == (0, 0)
    assert sum(d["rows"] for d in before["done"]) == 1600 and before["today"] == "2034-12-31"
    assert count(world.chinook, "SELECT count(*) FROM {invoice}") == 412 - 332
    assert (
        again.exit_code == 0
        and json.loads(again.stdout)["done"] == [] == _run(world, "2035-01-01", headers)["done"]
    )
    assert set(before) == set(json.loads(again.stdout))
    entries = world.audit("connectors.retention_executed")
    assert len(entries) == len(before["done"]) + len(after["done"])
    assert {e.actor_kind for e in entries} == {"api_key"}
    assert EMAIL not in json.dumps([before, after])


def test_a_retention_run_of_another_organisation_leaves_this_ones_datastore_alone(world: Shop) -> None:
    done = _run(world, "2035-01-01", _other_org(world))

    assert done["done"] == [] and done["problems"] == []
    assert invoice_and_lines(world.chinook, INVOICE) == (1, 14)
    assert world.audit("connectors.retention_executed") == []


@pytest.mark.parametrize(
    ("body", "field"), [({"now": "2035-02-30"}, "now"), ({"now": "1999-12-31"}, "now"), ({"day": 1}, "day")]
)
@pytest.mark.parametrize("path", ["/api/connectors/retention/run", "/api/connectors/events/import"])
def test_a_day_that_is_not_one_is_refused_naming_the_field(
    world: Shop, path: str, body: dict[str, Any], field: str
) -> None:
    response = world.client.post(path, json=body, headers=world.key("retention:run"))

    assert response.status_code == 422 and field in response.text
    assert invoice_and_lines(world.chinook, INVOICE) == (1, 14)


@pytest.mark.parametrize("path", ["/api/connectors/retention/run", "/api/connectors/events/import"])
def test_a_later_day_is_refused_outside_test_mode_and_nothing_changes(
    lawful: Lawful, shop: Chinook, fresh_url: str, tmp_path: Path, path: str
) -> None:
    app = create_app(_app_settings(shop, fresh_url, tmp_path, test_mode=False))
    with TestClient(app) as client:
        world = Shop(lawful, shop, client, app.state.sessionmaker, tmp_path)

        response = client.post(path, json={"now": "2999-01-01"}, headers=world.key("retention:run"))

        assert response.status_code == 422 and "now" in response.text, response.text
        assert invoice_and_lines(shop, INVOICE) == (1, 14)
        assert world.audit("connectors.retention_executed") == []
    app.state.engine.dispose()


@pytest.mark.parametrize("path", ["/api/connectors/retention/run", "/api/connectors/events/import"])
def test_runs_and_imports_need_retention_run(world: Shop, path: str) -> None:
    response = world.client.post(path, json={}, headers=world.key("retention:read", "subjects:write"))

    assert response.status_code == 403
    assert [e.data["permission"] for e in world.audit("access.refused")] == ["retention:run"]


def test_an_import_records_the_last_invoice_once_as_the_command_would(
    world: Shop, fresh_url: str, tmp_path: Path
) -> None:
    sid = _customer(fresh_url, tmp_path)
    headers = world.key("retention:run")

    first = world.client.post("/api/connectors/events/import", json={"now": "2026-01-01"}, headers=headers)
    again = world.lawful("connectors", "events", "import", "--now", "2026-01-01", "--json")

    assert first.status_code == 200 and again.exit_code == 0, first.text + again.output
    [line] = first.json()["lines"]
    [cli_line] = json.loads(again.stdout)["lines"]
    assert (line["recorded"], line["known"], line["not_held"]) == (1, 0, 58)
    assert (cli_line["recorded"], cli_line["known"]) == (0, 1)
    assert first.json().keys() == json.loads(again.stdout).keys() and first.json()["problems"] == []
    with world.sessions() as db:
        [event] = db.scalars(select(subjects.LifecycleEvent).where(subjects.LifecycleEvent.subject_id == sid))
    assert (event.kind, event.activity, event.channel) == ("contract_end", "sales", "datastore")
    [entry] = world.audit("subjects.event_recorded")
    assert entry.actor_kind == "api_key" and entry.data["subject_id"] == str(sid)
    assert EMAIL not in first.text


def test_an_import_for_another_organisation_records_nothing_here(
    world: Shop, fresh_url: str, tmp_path: Path
) -> None:
    _customer(fresh_url, tmp_path)

    response = world.client.post("/api/connectors/events/import", json={}, headers=_other_org(world))

    assert response.status_code == 200 and response.json()["lines"] == []
    assert world.audit("subjects.event_recorded") == []
