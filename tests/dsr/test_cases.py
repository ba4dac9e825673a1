"""Questions and complaints as cases (R-70): acknowledged once confirmed, owned by a staff member (R-45)."""

import re
import uuid
from datetime import datetime
from pathlib import Path

import pyotp
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy.orm import Session

from lawful import audit, db, dsr, i18n, keystore, mail, staff
from lawful.actor import Actor
from lawful.config import Settings
from tests.conftest import MASTER_KEY, Lawful, Mailbox
from tests.factories import PASSWORD, bearer, make_api_key, make_notice, make_register, make_staff, run_steps
from tests.registers import people

NOW = "2026-03-02T10:00:00+00:00"


@pytest.fixture
def org(db: Session) -> uuid.UUID:
    org = make_register(db, people()).organisation_id
    make_notice(db, org)
    return org


def _complaint(db: Session, actor: Actor, keys: keystore.Keys, org: uuid.UUID, **kw: object) -> dsr.Request:
    return dsr.open_request(
        db,
        actor,
        keys,
        organisation_id=org,
        kinds=["complaint"],
        email=f"plainte-{uuid.uuid4().hex[:6]}@example.test",
        language="fr",
        channel="web_form",
        base_url="https://x.test",
        details={"message": "Vous m'écrivez encore."},
        **kw,  # type: ignore[arg-type]
    )


def test_a_complaint_is_acknowledged_in_the_persons_language_once_the_code_is_confirmed(
    db: Session, keys: keystore.Keys, settings: Settings, smtp: Mailbox, org: uuid.UUID, actor: Actor
) -> None:
    request = _complaint(db, actor, keys, org)
    mail.deliver_due(db, keys, settings)
    emailed = re.search(r"\b(\d{6})\b", smtp.wait_for(1)[-1].get_content())
    assert (
        emailed is not None
        and dsr.steps.run_next(db, actor, keys, request_id=request.id, base_url="") is None
    )

    dsr.verify(db, actor, keys, request_id=request.id, code=emailed.group(1))
    run_steps(db, actor, keys, request, base_url="https://x.test")

    mail.deliver_due(db, keys, settings)
    ack = smtp.wait_for(2)[-1]
    assert str(ack["Subject"]) == f"Nous avons bien reçu votre message, demande {request.reference}"
    assert f"au plus tard le {i18n.long_date(request.due_on, 'fr')}" in ack.get_content()
    assert request.status == "in_progress"  # a person still answers it


def test_an_owner_is_set_over_the_api_audited_and_shown_in_the_queue(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    request = _complaint(db, actor, keys, org, identity_verified=True)
    owner = make_staff(db, keys, org, [staff.Role.PRIVACY_OFFICER], display_name="Sofie Peeters")
    other_org = make_register(db, people() | {"organisation": people()["organisation"] | {"slug": "other"}})
    stranger = make_staff(db, keys, other_org.organisation_id, [staff.Role.SUPPORT])
    writer = bearer(make_api_key(db, org, ["dsr:read", "dsr:write"]))
    url = f"/api/dsr/{request.id}/assignee"

    foreign = client.put(url, json={"staff_id": str(stranger.user.id)}, headers=writer)
    assigned = client.put(url, json={"staff_id": str(owner.user.id)}, headers=writer)
    code = pyotp.TOTP(owner.totp_secret).at(datetime.fromisoformat(NOW))
    headers = {"X-Lawful-Now": NOW}
    client.post(
        "/console/login",
        data={"email": owner.user.email, "password": PASSWORD, "code": code},
        headers=headers,
    )
    queue = client.get("/console/requests", headers=headers)

    assert foreign.status_code == 422 and foreign.json()["problems"][0]["path"] == "staff_id"
    assert assigned.status_code == 200 and assigned.json()["assignee_id"] == str(owner.user.id)
    entry = audit.latest(db, entity=request, action="dsr.assigned")
    assert entry is not None and entry.data == {"before": None, "after": str(owner.user.id)}
    assert queue.status_code == 200 and "<td>Sofie Peeters</td>" in queue.text


def test_the_assign_command_sets_and_clears_the_owner(
    lawful: Lawful, fresh_url: str, tmp_path: Path, actor: Actor
) -> None:
    keys = keystore.open_keys(
        Settings(database_url=fresh_url, data_dir=tmp_path, master_key=SecretStr(MASTER_KEY))
    )
    with db.open_session(fresh_url) as session:
        org = make_register(session, people()).organisation_id
        request = _complaint(session, actor, keys, org, identity_verified=True)
        owner = make_staff(session, keys, org, [staff.Role.SUPPORT])
        session.commit()

    assigned = lawful("dsr", "assign", request.reference, owner.user.email)
    with db.open_session(fresh_url) as session:
        after_assign = dsr.get(session, request_id=request.id).assignee_id
    cleared = lawful("dsr", "assign", request.reference)
    unknown = lawful("dsr", "assign", request.reference, "nobody@example.test")

    assert assigned.exit_code == 0 and after_assign == owner.user.id
    assert cleared.exit_code == 0 and "unassigned" in cleared.stdout
    assert unknown.exit_code == 1
    with db.open_session(fresh_url) as session:
        assert dsr.get(session, request_id=request.id).assignee_id is None
