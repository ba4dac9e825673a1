"""The trend on the console's home (R-125): the hourly task's daily snapshot of overdue items, the handling
time of completed requests by month, the JSON behind the charts, and a page that loads Chart.js from lawful
itself (vendored, no CDN)."""

import re
import uuid
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session

from lawful import clock, compliance, dsr, keystore, staff, statics
from lawful.actor import Actor
from tests.compliance import worlds
from tests.compliance.worlds import Made, at
from tests.factories import bearer, log_in, make_api_key, make_register

DAY = date(2026, 6, 1)


@pytest.fixture
def org(db: Session) -> uuid.UUID:
    return make_register(db, worlds.clean_register()).organisation_id


def completed(
    db: Session, actor: Actor, keys: keystore.Keys, org: uuid.UUID, opened: date, days: int
) -> None:
    with clock.pinned(at(opened)):
        request = worlds.request(db, actor, keys, org, Made())
    db.execute(update(dsr.Request).where(dsr.Request.id == request.id)
               .values(status="completed", completed_at=at(opened + timedelta(days=days))))  # fmt: skip


def test_a_snapshot_a_day_counts_what_became_overdue_and_the_hourly_rerun_updates_it(
    db: Session, actor: Actor, keys: keystore.Keys, org: uuid.UUID
) -> None:
    with clock.pinned(at(DAY)):
        request = worlds.request(db, actor, keys, org, Made())
    before, due = request.due_on - timedelta(days=11), request.due_on
    compliance.trends.snapshot(db, keys, organisation_id=org, now=at(before))
    compliance.trends.snapshot(db, keys, organisation_id=org, now=at(due, 9))  # the day of: due soon
    compliance.trends.snapshot(db, keys, organisation_id=org, now=at(due + timedelta(days=1), 9))
    compliance.trends.snapshot(db, keys, organisation_id=org, now=at(due + timedelta(days=1), 10))

    found = compliance.trends.data(db, organisation_id=org, today=due + timedelta(days=1))["overdue"]

    requests = [
        (row["day"], row["overdue"] - found[0]["overdue"], row["due_soon"] - found[0]["due_soon"])
        for row in found
    ]
    assert requests == [
        (before.isoformat(), 0, 0),
        (due.isoformat(), 0, 1),
        ((due + timedelta(days=1)).isoformat(), 1, 0),
    ]  # one row per day, the latest run standing for it


def test_handling_times_are_grouped_by_month_of_completion(
    db: Session, actor: Actor, keys: keystore.Keys, org: uuid.UUID
) -> None:
    completed(db, actor, keys, org, date(2026, 4, 1), 10)
    completed(db, actor, keys, org, date(2026, 4, 2), 20)
    completed(db, actor, keys, org, date(2026, 5, 3), 30)

    months = {
        m["month"]: m for m in compliance.trends.handling(db, organisation_id=org, today=date(2026, 6, 15))
    }

    assert len(months) == 12 and min(months) == "2025-07" and max(months) == "2026-06"
    assert (months["2026-04"]["requests"], months["2026-04"]["median_days"], months["2026-04"]["max_days"]) == (
        2, 15.0, 20.0,
    )  # fmt: skip
    assert (months["2026-06"]["requests"], months["2026-06"]["median_days"]) == (1, 30.0)
    assert months["2026-05"]["requests"] == 0 and months["2026-05"]["median_days"] is None


def test_the_api_and_the_home_page_give_the_trend_with_the_local_chart_library(
    client: TestClient, db: Session, actor: Actor, keys: keystore.Keys, org: uuid.UUID
) -> None:
    compliance.trends.snapshot(db, keys, organisation_id=org, now=at(DAY))
    reader = make_api_key(db, org, ["compliance:read"])
    now = at(DAY).isoformat()

    answer = client.get("/api/compliance/trend", headers=bearer(reader) | {"X-Lawful-Now": now})
    log_in(client, db, keys, org, staff.Role.PRIVACY_OFFICER, now=now)
    home = client.get("/console", headers={"X-Lawful-Now": now})
    library = client.get(statics.url("vendor/chart.umd.min.js"))

    assert answer.status_code == 200, answer.text
    assert [row["day"] for row in answer.json()["overdue"]] == [DAY.isoformat()]
    assert len(answer.json()["handling"]) == 12
    assert home.status_code == 200
    sources = re.findall(r'<script[^>]*src="([^"]+)"', home.text)
    assert statics.url("vendor/chart.umd.min.js") in sources and statics.url("compliance-trend.js") in sources
    assert all(src.startswith("/static/") for src in sources)  # nothing from another origin
    assert 'id="compliance-trend-data"' in home.text and "<canvas" in home.text
    assert library.status_code == 200 and library.headers["content-type"].startswith("text/javascript")
    assert b"Chart.js v4" in library.content[:200] or library.headers.get("content-encoding")
