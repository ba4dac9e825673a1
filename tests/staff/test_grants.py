"""Staff grants (R-84): each role given until a date and reviewed by a date; the permissions of the staff
member use only the grants in force (the day of: yes; the day after: no); a review extends it; the access
review lists every grant through the API (JSON, CSV) and the CLI; the compliance check flags what is due."""

import csv
import io
import json
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lawful import clock, compliance, keystore, staff
from lawful.staff import rules
from tests.conftest import Lawful
from tests.factories import ACTOR, bearer, make_api_key, make_register, make_staff
from tests.registers import as_yaml, minimal

NOW = datetime(2026, 5, 20, 9, 0, tzinfo=UTC)
EXPIRES, REVIEW = date(2026, 9, 30), date(2026, 7, 31)


@pytest.fixture(autouse=True)
def _pinned_clock() -> object:
    with clock.pinned(NOW):
        yield


@pytest.mark.parametrize(
    ("today", "revoked", "state"),
    [
        (date(2026, 7, 31), False, rules.GrantState.IN_FORCE),  # the review date itself
        (date(2026, 8, 1), False, rules.GrantState.REVIEW_OVERDUE),
        (date(2026, 9, 30), False, rules.GrantState.REVIEW_OVERDUE),
        (date(2026, 10, 1), False, rules.GrantState.EXPIRED),
        (date(2026, 6, 1), True, rules.GrantState.REVOKED),
    ],
)
def test_a_grant_works_up_to_its_dates(today: date, revoked: bool, state: rules.GrantState) -> None:
    assert rules.grant_state(expires_on=EXPIRES, review_due=REVIEW, revoked=revoked, today=today) is state


@pytest.mark.parametrize(
    ("expires", "review", "problem"),
    [
        (date(2026, 5, 19), date(2026, 5, 19), "expires_on 2026-05-19 is in the past"),
        (EXPIRES, date(2026, 5, 19), "review_due 2026-05-19 is in the past"),
        (REVIEW, EXPIRES, "review_due 2026-09-30 falls after expires_on 2026-07-31"),
        (EXPIRES, REVIEW, None),
        (date(2026, 5, 20), date(2026, 5, 20), None),
    ],
)
def test_grant_dates(expires: date, review: date, problem: str | None) -> None:
    assert rules.grant_dates_problem(expires_on=expires, review_due=review, today=NOW.date()) == problem


@pytest.mark.parametrize(("day", "can"), [(date(2026, 9, 30), True), (date(2026, 10, 1), False)])
def test_an_expired_grant_gives_no_permission(db: Session, keys: keystore.Keys, day: date, can: bool) -> None:
    org = make_register(db).organisation_id
    user = make_staff(db, keys, org, [staff.Role.AUDITOR], expires_on=EXPIRES, review_due=EXPIRES).user
    staff.grant(db, ACTOR, staff_id=user.id, role=staff.Role.SALES, expires_on=date(2027, 5, 1))

    with clock.pinned(datetime.combine(day, datetime.min.time(), tzinfo=clock.BRUSSELS).replace(hour=12)):
        actor = staff.actor_for_email(db, email=user.email)

    assert actor.can("audit:read") is can
    assert actor.can("marketing:write") or actor.can("subjects:read")  # the other role still works


def test_a_review_extends_the_grant_and_is_audited(db: Session, keys: keystore.Keys) -> None:
    org = make_register(db).organisation_id
    user = make_staff(db, keys, org, [staff.Role.AUDITOR], expires_on=EXPIRES, review_due=REVIEW).user
    [row] = staff.access_review(db, organisation_id=org)

    with clock.pinned(datetime(2026, 7, 30, 9, tzinfo=UTC)):
        grant = staff.review_grant(db, ACTOR, grant_id=uuid.UUID(row["id"]), review_due=date(2026, 9, 1))
    with clock.pinned(datetime(2026, 8, 2, 9, tzinfo=UTC)):
        assert staff.actor_for_email(db, email=user.email).can("audit:read")

    assert (grant.review_due, grant.last_reviewed_by) == (date(2026, 9, 1), ACTOR.label)


def test_grant_dates_in_the_past_are_refused_and_nothing_is_written(db: Session, keys: keystore.Keys) -> None:
    org = make_register(db).organisation_id
    user = make_staff(db, keys, org, [staff.Role.AUDITOR]).user

    with pytest.raises(staff.GrantRefused, match="expires_on 2026-01-01 is in the past"):
        staff.grant(db, ACTOR, staff_id=user.id, role=staff.Role.SALES, expires_on=date(2026, 1, 1))

    assert [r["role"] for r in staff.access_review(db, organisation_id=org)] == ["auditor"]


def test_the_access_review_lists_every_grant_as_json_and_csv(
    client: TestClient, db: Session, keys: keystore.Keys
) -> None:
    org = make_register(db).organisation_id
    user = make_staff(db, keys, org, [staff.Role.AUDITOR], expires_on=EXPIRES, review_due=REVIEW).user
    staff.grant(db, ACTOR, staff_id=user.id, role=staff.Role.SALES)
    staff.revoke(db, ACTOR, staff_id=user.id, role=staff.Role.SALES)
    token = make_api_key(db, org, ["audit:read"])

    as_json = client.get("/api/staff/access-review", headers=bearer(token)).json()
    as_csv = client.get("/api/staff/access-review?format=csv", headers=bearer(token))
    other = make_api_key(db, make_register(db, _other()).organisation_id, ["audit:read"])

    assert [(r["role"], r["state"], r["granted_by"]) for r in as_json] == [
        ("auditor", "in_force", ACTOR.label), ("sales", "revoked", ACTOR.label),
    ]  # fmt: skip
    assert (as_json[0]["expires_on"], as_json[0]["review_due"], as_json[0]["last_reviewed_at"]) == (
        "2026-09-30", "2026-07-31", None,
    )  # fmt: skip
    assert as_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert [(r["email"], r["role"], r["review_due"]) for r in rows[:1]] == [
        (user.email, "auditor", "2026-07-31")
    ]
    assert client.get("/api/staff/access-review", headers=bearer(other)).json() == []


@pytest.mark.parametrize(("day", "severity"), [(31, "due_soon"), (1, "overdue")])
def test_the_compliance_check_flags_a_grant_due_for_review(
    db: Session, keys: keystore.Keys, day: int, severity: str
) -> None:
    org = make_register(db).organisation_id
    make_staff(db, keys, org, [staff.Role.AUDITOR], expires_on=EXPIRES, review_due=REVIEW)
    [row] = staff.access_review(db, organisation_id=org)
    when = datetime(2026, 7 if day == 31 else 8, day, 12, tzinfo=clock.BRUSSELS)

    with clock.pinned(when):
        items = [i for i in compliance.check(db, keys, organisation_id=org) if i.check == "staff_grant"]

    assert [(str(i.severity), i.concerns, i.due) for i in items] == [
        (severity, f"staff/grants/{row['id']} (auditor)", REVIEW)
    ]


def test_the_cli_grants_with_dates_and_exports_the_review(lawful: Lawful, tmp_path: Path) -> None:
    lawful.apply_register(tmp_path, as_yaml(minimal()))
    added = lawful(
        "staff", "add", "ann@example.test", "--role", "auditor", "--training", "2026-01-05", "--confidentiality",
        "2026-01-05", "--json",
    )  # fmt: skip
    granted = lawful(
        "staff",
        "grant",
        "ann@example.test",
        "--role",
        "sales",
        "--expires",
        "2099-12-31",
        "--review-due",
        "2099-06-30",
    )
    exported = lawful("staff", "access-review", "--format", "csv")
    listed = json.loads(lawful("staff", "access-review").output)
    reviewed = lawful("staff", "review-grant", listed[1]["id"], "--review-due", "2099-07-31", "--json")
    refused = lawful("staff", "grant", "ann@example.test", "--role", "finance", "--expires", "2000-01-01")

    assert added.exit_code == 0 and granted.exit_code == 0, granted.output
    assert exported.output.splitlines()[0].startswith(
        "id,email,display_name,role,state,granted_by,granted_at"
    )
    assert [(r["role"], r["expires_on"]) for r in listed][1] == ("sales", "2099-12-31")
    assert json.loads(reviewed.output)["review_due"] == "2099-07-31"
    assert refused.exit_code != 0 and "expires_on 2000-01-01 is in the past" in refused.output


def _other() -> dict[str, Any]:
    document = minimal()
    document["organisation"]["slug"] = "other"
    return document
