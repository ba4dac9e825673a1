"""The console's disclosure log (R-89): legal staff see the requests, approve and disclose with forms that
POST then redirect, and download what went; support staff see and do none of it."""

import json
import uuid
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lawful import keystore, staff
from lawful.dsr import disclosures
from tests.dsr.disclosures.documents import ORDER, asked, person, register
from tests.factories import log_in, make_register

NOW = datetime.now(UTC).isoformat(timespec="seconds")
HEADERS = {"X-Lawful-Now": NOW}


@pytest.fixture
def org(db: Session) -> uuid.UUID:
    return make_register(db, register()).organisation_id


@pytest.fixture
def requested(db: Session, keys: keystore.Keys, org: uuid.UUID) -> disclosures.Disclosure:
    anne = person(db, keys, org, email="anne@example.test")
    return asked(db, org, anne.id, prohibited=True, prohibition_ref="secrecy of the investigation")


def _state(db: Session, row: disclosures.Disclosure) -> tuple[str, bool]:
    found = db.get_one(disclosures.Disclosure, row.id)
    return found.status, found.prohibition_lifted_at is None


def test_legal_staff_approve_disclose_and_download_from_the_list(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, requested: disclosures.Disclosure
) -> None:
    log_in(client, db, keys, org, staff.Role.LEGAL, now=NOW)
    base = f"/console/disclosures/{requested.id}"

    listed = client.get("/console/disclosures", headers=HEADERS)
    early = client.get(f"{base}/data", headers=HEADERS)
    approved = client.post(f"{base}/approve", headers=HEADERS, follow_redirects=False)
    disclosed = client.post(f"{base}/disclose", headers=HEADERS, follow_redirects=False)
    page = client.get("/console/disclosures?status=disclosed", headers=HEADERS).text
    data = client.get(f"{base}/data", headers=HEADERS)
    lifted = client.post(f"{base}/lift-prohibition", headers=HEADERS, follow_redirects=False)

    assert listed.status_code == 200 and ORDER in listed.text and 'data-status="requested"' in listed.text
    assert early.status_code == 409
    assert approved.status_code == disclosed.status_code == lifted.status_code == 303
    assert approved.headers["location"] == f"/console/disclosures#d-{requested.id}"
    assert 'data-status="disclosed"' in page and 'data-prohibition="in-force"' in page
    assert "Anne Martin" not in page  # categories only on the page
    assert data.headers["content-disposition"].startswith("attachment")
    [subject_id] = disclosures.subject_ids(db, disclosure_id=requested.id)
    assert json.loads(data.content)[str(subject_id)]["user.name"] == ["Anne Martin"]
    assert _state(db, requested) == ("disclosed", False)


@pytest.mark.parametrize("role", [staff.Role.SUPPORT, staff.Role.MARKETING])
def test_a_role_without_the_permission_neither_sees_nor_approves(
    client: TestClient,
    db: Session,
    keys: keystore.Keys,
    org: uuid.UUID,
    requested: disclosures.Disclosure,
    role: staff.Role,
) -> None:
    log_in(client, db, keys, org, role, now=NOW)

    listed = client.get("/console/disclosures", headers=HEADERS)
    approved = client.post(
        f"/console/disclosures/{requested.id}/approve", headers=HEADERS, follow_redirects=False
    )

    assert listed.status_code == approved.status_code == 403
    assert _state(db, requested) == ("requested", True)


@pytest.mark.parametrize(("role", "shown"), [(staff.Role.LEGAL, True), (staff.Role.SUPPORT, False)])
def test_the_console_links_the_log_for_those_who_may_open_it(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, role: staff.Role, shown: bool
) -> None:
    log_in(client, db, keys, org, role, now=NOW)

    page = client.get("/console", headers=HEADERS)

    assert page.status_code == 200 and ('href="/console/disclosures"' in page.text) is shown
