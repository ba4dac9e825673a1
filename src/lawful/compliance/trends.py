"""The trend the console's home shows (R-125): overdue and due-soon items per day, from the snapshot the
hourly task keeps (the last run of a day stands for it), and how long closed rights requests took, by
month of closing, computed from the requests themselves. Counts only: no reference, no person."""

import statistics
import uuid
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import clock, dsr, keystore

from . import service
from .models import ComplianceSnapshot
from .rules import Severity

DAYS = 90
MONTHS = 12


def snapshot(
    db: Session, keys: keystore.Keys, *, organisation_id: uuid.UUID, now: datetime
) -> ComplianceSnapshot:
    """Today's counts for the organisation, written or brought up to date."""
    with clock.pinned(now):
        items = service.check(db, keys, organisation_id=organisation_id)
    overdue = sum(1 for i in items if i.severity is Severity.OVERDUE)
    soon = sum(1 for i in items if i.severity is Severity.DUE_SOON)
    day = clock.brussels_date(now)
    row = db.scalars(
        select(ComplianceSnapshot).where(
            ComplianceSnapshot.organisation_id == organisation_id, ComplianceSnapshot.day == day
        )
    ).first()
    if row is None:
        row = ComplianceSnapshot(organisation_id=organisation_id, day=day, overdue=overdue, due_soon=soon)
        db.add(row)
    else:
        row.overdue, row.due_soon = overdue, soon
    db.flush()
    return row


def data(db: Session, *, organisation_id: uuid.UUID, today: date) -> dict[str, Any]:
    """What the chart draws: {"overdue": [{day, overdue, due_soon}], "handling": [{month, requests,
    mean_days, median_days, max_days}]}, oldest first."""
    since = today - timedelta(days=DAYS - 1)
    rows = db.execute(
        select(ComplianceSnapshot.day, ComplianceSnapshot.overdue, ComplianceSnapshot.due_soon)
        .where(ComplianceSnapshot.organisation_id == organisation_id, ComplianceSnapshot.day >= since,
               ComplianceSnapshot.day <= today)
        .order_by(ComplianceSnapshot.day)
    )  # fmt: skip
    overdue = [{"day": day.isoformat(), "overdue": o, "due_soon": s} for day, o, s in rows]
    return {"overdue": overdue, "handling": handling(db, organisation_id=organisation_id, today=today)}


def handling(db: Session, *, organisation_id: uuid.UUID, today: date) -> list[dict[str, Any]]:
    """Days from receipt to completion of the requests completed in each of the last 12 months."""
    first = _month_start(today, MONTHS - 1)
    request = dsr.Request
    rows = db.execute(
        select(request.received_at, request.completed_at).where(
            request.organisation_id == organisation_id,
            request.completed_at.is_not(None),
            request.completed_at >= datetime.combine(first, datetime.min.time(), tzinfo=clock.BRUSSELS),
        )
    )
    by_month: dict[str, list[float]] = defaultdict(list)
    for received_at, completed_at in rows:
        if completed_at is None:  # excluded by the query; the column is nullable
            continue
        month = clock.brussels_date(completed_at).strftime("%Y-%m")
        by_month[month].append((completed_at - received_at).total_seconds() / 86400)
    found = []
    for index in range(MONTHS):
        month = _month_start(today, MONTHS - 1 - index).strftime("%Y-%m")
        days = by_month.get(month, [])
        found.append({
            "month": month,
            "requests": len(days),
            "mean_days": round(statistics.fmean(days), 1) if days else None,
            "median_days": round(statistics.median(days), 1) if days else None,
            "max_days": round(max(days), 1) if days else None,
        })  # fmt: skip
    return found


def _month_start(today: date, back: int) -> date:
    index = today.year * 12 + today.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)
