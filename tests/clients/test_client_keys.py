"""R-106, R-102: a key given to a brand's systems acts for that brand only. Asked from outside, another
brand's requests do not exist for it, and the rest of the API (the gate, people, rights) refuses it."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lawful import audit, staff
from tests.clients.forwarding_world import ACME, BETA, WORKER, World, ask, enter, forwardings, world
from tests.conftest import Lawful, Receiver
from tests.factories import bearer

ANNE = "anne@example.test"


@pytest.fixture
def site(db: Session, receiver: Receiver) -> World:
    return world(db, receiver.url)


def _key(db: Session, site: World, client: str) -> str:
    _, token = staff.create_api_key(
        db, WORKER, organisation_id=site.org, name=client, scopes=["clients:instruct"], client=client
    )
    db.commit()
    return token


def test_a_brands_key_lists_its_own_requests_and_not_the_other_brands(
    client: TestClient, db: Session, site: World
) -> None:
    enter(client, "acme_contest", ANNE)
    enter(client, "beta_contest", ANNE)
    ask(client, site.staff, ANNE, ["erasure"])
    acme = _key(db, site, ACME)

    own = client.get(f"/api/clients/{ACME}/requests", headers=bearer(acme))
    other = client.get(f"/api/clients/{BETA}/requests", headers=bearer(acme))

    assert own.status_code == 200 and [r["client"] for r in own.json()] == [ACME]
    assert other.status_code == 404 and ANNE not in other.text


def test_a_brands_key_cannot_instruct_on_the_other_brands_request(
    client: TestClient, db: Session, site: World
) -> None:
    enter(client, "beta_contest", ANNE)
    ask(client, site.staff, ANNE, ["erasure"])
    [beta_request] = forwardings(db, BETA)
    acme = _key(db, site, ACME)

    response = client.post(
        f"/api/clients/{BETA}/requests/{beta_request.request_id}/instruction",
        json={"instruction": "carry_out"},
        headers=bearer(acme),
    )

    db.expire_all()
    assert response.status_code == 404
    assert forwardings(db, BETA)[0].state == "forwarded"  # nothing carried out


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/api/decisions", {"subject": {"email": ANNE}, "purpose": "newsletter"}),
        ("GET", "/api/dsr", None),
        ("GET", "/api/clients", None),
        ("GET", "/api/register/versions", None),
    ],
)
def test_a_brands_key_is_refused_everywhere_else_even_with_the_scope(
    client: TestClient, db: Session, site: World, method: str, path: str, body: object
) -> None:
    _, token = staff.create_api_key(
        db,
        WORKER,
        organisation_id=site.org,
        name="wide",
        scopes=["clients:instruct", "decisions:ask", "dsr:read", "register:read"],
        client=ACME,
    )
    db.commit()

    response = client.request(method, path, json=body, headers=bearer(token))

    assert response.status_code == 403 and ACME in response.json()["detail"]


def test_a_key_for_a_malformed_client_is_refused_and_the_cli_names_the_client(
    lawful: Lawful, tmp_path: Path
) -> None:
    lawful.apply_register(tmp_path, (Path(__file__).parents[2] / "examples" / "qualifio.yaml").read_text())

    bad = lawful("staff", "api-key", "brand", "--scope", "clients:instruct", "--client", "Acme Brands")
    good = lawful("staff", "api-key", "brand", "--scope", "clients:instruct", "--client", ACME, "--json")

    assert bad.exit_code != 0 and "client" in bad.output
    assert good.exit_code == 0 and f'"client": "{ACME}"' in good.output


def test_the_key_and_its_client_are_audited(db: Session, site: World) -> None:
    _key(db, site, ACME)

    entry = audit.latest(db, action="staff.api_key_created")

    assert entry is not None and entry.data == {"scopes": ["clients:instruct"], "client": ACME}
