"""The breach register through its API, from outside: each request in the app's own session, read back
through another (R-93, R-94, R-95; T-25, T-26)."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawful import audit
from lawful.breaches import Breach, BreachDecision
from tests.breaches.conftest import Orgs
from tests.factories import bearer

NOW = "2026-05-04T09:00:00+02:00"  # 71 hours after the awareness below
AWARE = "2026-05-01T10:00:00+02:00"


def _open(client: TestClient, token: str, now: str = NOW, **facts: Any) -> Any:
    body = {"title": "Laptop stolen", "aware_at": AWARE} | facts
    return client.post("/api/breaches", json=body, headers=bearer(token) | {"X-Lawful-Now": now})


def _count(db: Session, model: type[Any]) -> int:
    return int(db.scalar(select(func.count()).select_from(model)) or 0)


def test_a_case_opens_as_b_1_with_the_deadline_72_hours_after_awareness(
    client: TestClient, db: Session, orgs: Orgs
) -> None:
    response = _open(client, orgs.officer)

    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["reference"], body["status"], body["reported_by_kind"]) == ("B-1", "open", "system")
    assert body["deadline_at"].startswith("2026-05-04T08:00:00")  # 10:00+02:00 three days on, in UTC
    stored = db.scalars(select(Breach)).one()
    assert (stored.reference, stored.aware_recorded_by) == ("B-1", body["aware_recorded_by"])


def test_cases_are_numbered_per_organisation(client: TestClient, orgs: Orgs) -> None:
    _open(client, orgs.officer)
    _open(client, orgs.officer)

    theirs = _open(client, orgs.their_officer)

    assert theirs.json()["reference"] == "B-1"
    assert _open(client, orgs.officer).json()["reference"] == "B-3"


def test_a_case_without_an_awareness_time_is_refused_naming_the_field_and_nothing_is_written(
    client: TestClient, db: Session, orgs: Orgs
) -> None:
    response = client.post("/api/breaches", json={"title": "Laptop stolen"}, headers=bearer(orgs.officer))

    assert response.status_code == 422
    assert [p["path"] for p in response.json()["problems"]] == ["body.aware_at"]
    assert _count(db, Breach) == 0


def test_an_awareness_time_without_its_zone_is_refused(client: TestClient, db: Session, orgs: Orgs) -> None:
    response = _open(client, orgs.officer, aware_at="2026-05-01T10:00:00")

    assert (response.status_code, response.json()["problems"][0]["path"]) == (422, "body.aware_at")
    assert _count(db, Breach) == 0


@pytest.mark.parametrize(
    ("field", "path"),
    [
        ({"approx_records": 2**63}, "body.approx_records"),  # found by the API fuzzer: a 500 before
        ({"approx_subjects": 2_147_483_648}, "body.approx_subjects"),
        ({"data_categories": [{"key": "user.name", "approx": 2**31}]}, "body.data_categories.0.approx"),
    ],
)
def test_a_count_beyond_what_a_column_holds_is_refused_naming_it(
    client: TestClient, db: Session, orgs: Orgs, field: dict[str, Any], path: str
) -> None:
    response = _open(client, orgs.officer, **field)

    assert (response.status_code, [p["path"] for p in response.json()["problems"]]) == (422, [path])
    assert _count(db, Breach) == 0


def test_the_largest_count_a_column_holds_is_kept(client: TestClient, orgs: Orgs) -> None:
    response = _open(client, orgs.officer, approx_records=2_147_483_647)

    assert response.status_code == 201 and response.json()["approx_records"] == 2_147_483_647


def test_a_decision_without_reasons_is_refused_and_nothing_is_written(
    client: TestClient, db: Session, orgs: Orgs
) -> None:
    _open(client, orgs.officer)

    response = client.post(
        "/api/breaches/B-1/decisions",
        json={"audience": "authority", "notify": True},
        headers=bearer(orgs.officer) | {"X-Lawful-Now": NOW},
    )
    blank = client.post(
        "/api/breaches/B-1/decisions",
        json={"audience": "authority", "notify": True, "reasons": "   "},
        headers=bearer(orgs.officer) | {"X-Lawful-Now": NOW},
    )

    assert (response.status_code, response.json()["problems"][0]["path"]) == (422, "body.reasons")
    assert (blank.status_code, blank.json()["problems"][0]["path"]) == (422, "reasons")
    assert _count(db, BreachDecision) == 0


def test_a_notification_after_72_hours_needs_the_reason_for_the_delay(
    client: TestClient, db: Session, orgs: Orgs
) -> None:
    _open(client, orgs.officer)
    late = {"X-Lawful-Now": "2026-05-04T10:00:01+02:00"}  # one second after the deadline
    decision = {"audience": "authority", "notify": True, "reasons": "customer addresses exposed"}

    refused = client.post("/api/breaches/B-1/decisions", json=decision, headers=bearer(orgs.officer) | late)
    with_reason = client.post(
        "/api/breaches/B-1/decisions",
        json=decision | {"late_reason": "the supplier told us on day 3"},
        headers=bearer(orgs.officer) | late,
    )

    assert (refused.status_code, refused.json()["problems"][0]["path"]) == (422, "late_reason")
    assert with_reason.status_code == 201
    assert _count(db, BreachDecision) == 1
    assert db.scalars(select(Breach)).one().status == "notified"


def test_at_the_72nd_hour_itself_the_notification_is_in_time(client: TestClient, orgs: Orgs) -> None:
    _open(client, orgs.officer)

    response = client.post(
        "/api/breaches/B-1/decisions",
        json={"audience": "authority", "notify": True, "reasons": "customer addresses exposed"},
        headers=bearer(orgs.officer) | {"X-Lawful-Now": "2026-05-04T10:00:00+02:00"},
    )

    assert response.status_code == 201, response.text


def test_no_harm_proven_is_no_reason_to_skip_notifying_a_risk(
    client: TestClient, db: Session, orgs: Orgs
) -> None:
    _open(client, orgs.officer)
    headers = bearer(orgs.officer) | {"X-Lawful-Now": NOW}
    client.post(
        "/api/breaches/B-1/assessment",
        json={"risk": "risk", "rationale": "names and emails"},
        headers=headers,
    )

    response = client.post(
        "/api/breaches/B-1/decisions",
        json={"audience": "authority", "notify": False, "reasons": "no harm proven"},
        headers=headers,
    )

    assert (response.status_code, response.json()["problems"][0]["path"]) == (422, "notify")
    assert _count(db, BreachDecision) == 0


def test_a_breach_not_notified_stays_in_the_register_with_its_reasons(client: TestClient, orgs: Orgs) -> None:
    _open(client, orgs.officer)
    headers = bearer(orgs.officer) | {"X-Lawful-Now": NOW}
    client.post(
        "/api/breaches/B-1/assessment",
        json={"risk": "unlikely", "rationale": "the disk was encrypted"},
        headers=headers,
    )
    client.post(
        "/api/breaches/B-1/decisions",
        json={"audience": "authority", "notify": False, "reasons": "encrypted, the key was not taken"},
        headers=headers,
    )

    closed = client.post("/api/breaches/B-1/close", headers=headers)
    register = client.get("/api/breaches", headers=bearer(orgs.reader))
    case = client.get("/api/breaches/b-1", headers=bearer(orgs.reader)).json()

    assert closed.status_code == 200
    assert [(b["reference"], b["status"], b["risk"]) for b in register.json()] == [
        ("B-1", "closed", "unlikely")
    ]
    assert [(d["audience"], d["notify"], d["reasons"]) for d in case["decisions"]] == [
        ("authority", False, "encrypted, the key was not taken")
    ]


def test_closing_without_the_decision_on_the_authority_is_refused(client: TestClient, orgs: Orgs) -> None:
    _open(client, orgs.officer)
    headers = bearer(orgs.officer) | {"X-Lawful-Now": NOW}
    client.post("/api/breaches/B-1/assessment", json={"risk": "unlikely", "rationale": "x"}, headers=headers)

    response = client.post("/api/breaches/B-1/close", headers=headers)

    assert (response.status_code, response.json()["problems"][0]["path"]) == (422, "decision")


def test_every_write_is_audited(client: TestClient, db: Session, orgs: Orgs) -> None:
    _open(client, orgs.officer)
    headers = bearer(orgs.officer) | {"X-Lawful-Now": NOW}
    client.patch(
        "/api/breaches/B-1", json={"approx_subjects": 2000, "nature": ["confidentiality"]}, headers=headers
    )
    client.post(
        "/api/breaches/B-1/notes", json={"text": "the laptop had no disk encryption"}, headers=headers
    )
    client.post(
        "/api/breaches/B-1/assessment", json={"risk": "high", "rationale": "health data"}, headers=headers
    )
    client.post(
        "/api/breaches/B-1/decisions",
        json={"audience": "authority", "notify": True, "reasons": "health data"},
        headers=headers,
    )

    actions = [e.action for e in audit.list_entries(db, action="breach.", limit=10)]

    assert sorted(actions) == [
        "breach.assessed",
        "breach.decided",
        "breach.noted",
        "breach.opened",
        "breach.updated",
    ]


def test_a_closed_case_refuses_changes(client: TestClient, orgs: Orgs) -> None:
    _open(client, orgs.officer)
    headers = bearer(orgs.officer) | {"X-Lawful-Now": NOW}
    client.post("/api/breaches/B-1/assessment", json={"risk": "unlikely", "rationale": "x"}, headers=headers)
    client.post(
        "/api/breaches/B-1/decisions",
        json={"audience": "authority", "notify": False, "reasons": "y"},
        headers=headers,
    )
    client.post("/api/breaches/B-1/close", headers=headers)

    response = client.patch("/api/breaches/B-1", json={"title": "Changed"}, headers=headers)

    assert response.status_code == 409


def test_another_organisations_key_sees_nothing(client: TestClient, orgs: Orgs) -> None:
    _open(client, orgs.officer)

    listed = client.get("/api/breaches", headers=bearer(orgs.their_officer))
    shown = client.get("/api/breaches/B-1", headers=bearer(orgs.their_officer))
    noted = client.post("/api/breaches/B-1/notes", json={"text": "x"}, headers=bearer(orgs.their_officer))

    assert (listed.json(), shown.status_code, noted.status_code) == ([], 404, 404)


def test_a_processors_key_reports_and_sees_only_its_own_reports(client: TestClient, orgs: Orgs) -> None:
    mine = _open(client, orgs.processor, title="Our backup bucket was public")
    _open(client, orgs.officer, title="Mail to the wrong client")
    _open(client, orgs.other_processor, title="Another processor's incident")

    listed = client.get("/api/breaches", headers=bearer(orgs.processor)).json()
    others = [client.get(f"/api/breaches/B-{n}", headers=bearer(orgs.processor)).status_code for n in (2, 3)]
    register = client.get("/api/breaches", headers=bearer(orgs.reader)).json()

    assert (mine.status_code, mine.json()["reported_by_kind"]) == (201, "processor")
    assert [b["reference"] for b in listed] == ["B-1"]
    assert others == [404, 404]
    assert [b["reference"] for b in register] == ["B-3", "B-2", "B-1"]


def test_a_processors_key_cannot_assess_or_decide(client: TestClient, orgs: Orgs) -> None:
    _open(client, orgs.processor)

    response = client.post(
        "/api/breaches/B-1/assessment",
        json={"risk": "unlikely", "rationale": "x"},
        headers=bearer(orgs.processor),
    )

    assert response.status_code == 403


def test_a_reader_cannot_open_a_case(client: TestClient, db: Session, orgs: Orgs) -> None:
    response = _open(client, orgs.reader)

    assert response.status_code == 403
    assert _count(db, Breach) == 0
