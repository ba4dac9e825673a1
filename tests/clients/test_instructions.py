"""R-100: a client's data only on its documented instructions. A processor activity names the instructions
it follows (register check refuses an unknown one, naming the path); the gate refuses a client purpose that
follows none, and one whose instruction an officer flagged as appearing to infringe the law, until the
client confirms or corrects it; the client is told by mail (real SMTP on loopback); every step audited."""

import copy
import uuid
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import audit, keystore, mail, processing
from lawful.config import Settings
from lawful.subjects import Subject
from tests.conftest import Mailbox
from tests.factories import bearer, make_api_key, make_notice, make_register
from tests.registers import example

ENTRY = {"first_name": "Anne", "email": "anne@example.test", "answer": "Blue"}
FLAG = "/api/clients/acme_brands/instructions/2/flag"
REASONS = ["no retention limit: the entries would be kept indefinitely"]


def _register(**changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(example("qualifio"))
    campaigns = next(a for a in document["activities"] if a["key"] == "client_campaigns")
    campaigns.update(changes)
    return document


@pytest.fixture
def org(db: Session) -> uuid.UUID:
    document = _register()
    campaigns = next(a for a in document["activities"] if a["key"] == "client_campaigns")
    stray = copy.deepcopy(campaigns) | {"key": "acme_profiling", "instructions": []}  # follows no instruction
    stray["name"] = {"en": "Profiling", "fr": "Profilage", "nl": "Profilering"}
    document["activities"].append(stray)
    organisation_id = make_register(db, document).organisation_id
    make_notice(db, organisation_id)
    return organisation_id


@pytest.fixture
def officer(db: Session, org: uuid.UUID) -> str:
    return make_api_key(db, org, ["register:read", "register:write", "decisions:ask", "subjects:read"])


def _participant(client: TestClient, db: Session) -> uuid.UUID:
    response = client.post("/api/forms/acme_contest/submissions", json={"fields": ENTRY, "language": "en"})
    assert response.status_code == 201, response.text
    db.expire_all()
    found: uuid.UUID = db.scalars(select(Subject.id).where(Subject.client == "acme_brands")).one()
    return found


def _decide(client: TestClient, token: str, subject_id: uuid.UUID, purpose: str) -> dict[str, Any]:
    body = {"subject": {"subject_id": str(subject_id)}, "purpose": purpose}
    response = client.post("/api/decisions", json=body, headers=bearer(token))
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def test_an_unknown_instruction_is_an_error_of_the_register_naming_the_path() -> None:
    text = yaml.safe_dump(_register(instructions=[1, 3]), allow_unicode=True)

    _, problems = processing.check(text)

    [problem] = [p for p in problems if p.rule == "known_instruction"]
    assert problem.path.endswith(".instructions[1]") and problem.path.startswith("activities[")
    assert "acme_brands" in problem.message and "3" in problem.message


def test_a_client_purpose_following_no_instruction_is_refused_at_the_gate(
    client: TestClient, db: Session, officer: str
) -> None:
    person = _participant(client, db)

    covered = _decide(client, officer, person, "client_campaigns")
    stray = _decide(client, officer, person, "acme_profiling")

    assert covered["decision"] == "allow"
    assert stray["decision"] == "deny" and stray["reasons"] == ["outside_client_instructions"]


def test_a_flagged_instruction_suspends_the_processing_tells_the_client_and_is_audited(
    client: TestClient, db: Session, officer: str, keys: keystore.Keys, settings: Settings, smtp: Mailbox
) -> None:
    person = _participant(client, db)

    flagged = client.post(FLAG, json={"reasons": REASONS}, headers=bearer(officer))
    during = _decide(client, officer, person, "client_campaigns")
    with db.begin():
        mail.deliver(db, keys, settings)
    [letter] = [m for m in smtp.wait_for(1) if "instruction 2" in str(m["Subject"])]
    resolved = client.post(
        f"/api/clients/instruction-flags/{flagged.json()['id']}/resolve",
        json={"resolution": "Acme set a 24-month retention limit on 7 December"},
        headers=bearer(officer),
    )
    after = _decide(client, officer, person, "client_campaigns")

    assert flagged.status_code == 201 and flagged.json()["status"] == "suspended"
    assert during["decision"] == "deny" and during["reasons"] == ["client_instruction_suspended"]
    assert letter["To"] == "privacy@acme-brands.example.test"
    assert "no retention limit" in letter.get_content()
    assert resolved.status_code == 200 and after["decision"] == "allow"
    db.expire_all()
    actions = db.scalars(
        select(audit.AuditEntry.action).where(audit.AuditEntry.action.like("clients.instruction%"))
    )
    assert sorted(actions) == ["clients.instruction_flag_resolved", "clients.instruction_flagged"]


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("/api/clients/acme_brands/instructions/9/flag", {"reasons": REASONS}, "instruction"),
        (FLAG, {"reasons": []}, "reasons"),
        (FLAG, {"reasons": [" "]}, "reasons"),
    ],
)
def test_a_bad_flag_is_refused_naming_the_field_with_nothing_written(
    client: TestClient, db: Session, officer: str, url: str, body: dict[str, Any], field: str
) -> None:
    refused = client.post(url, json=body, headers=bearer(officer))

    assert refused.status_code == 422 and field in refused.json()["detail"]
    db.expire_all()
    assert client.get("/api/clients/acme_brands/instructions/flags", headers=bearer(officer)).json() == []


def test_an_unknown_client_is_not_found(client: TestClient, officer: str) -> None:
    refused = client.post(
        "/api/clients/nobody/instructions/1/flag", json={"reasons": REASONS}, headers=bearer(officer)
    )

    assert refused.status_code == 404 and "client" in refused.json()["detail"]


def test_another_organisations_key_cannot_resolve_a_flag(
    client: TestClient, db: Session, officer: str
) -> None:
    flagged = client.post(FLAG, json={"reasons": REASONS}, headers=bearer(officer)).json()
    other = make_register(db, yaml.safe_load(example("kresoft"))).organisation_id
    theirs = make_api_key(db, other, ["register:read", "register:write"])

    resolved = client.post(
        f"/api/clients/instruction-flags/{flagged['id']}/resolve",
        json={"resolution": "not theirs to resolve at all"},
        headers=bearer(theirs),
    )

    assert resolved.status_code == 404
