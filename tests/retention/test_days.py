"""The plan counts whole days of people at once (days.py): it must count exactly what asking the rule about
each person counts, on month ends, at day boundaries and for each kind of trigger."""

import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from lawful import keystore, retention
from lawful.retention import rules
from tests.factories import make_register
from tests.registers import label
from tests.retention import world as worlds

NOW = datetime(2026, 2, 28, 9, 30, tzinfo=UTC)


def _oracle(rule: rules.Rule, starts: list[datetime]) -> Counter[str]:
    """Where each person lands when asked one by one."""
    months = set(rules.months_ahead(NOW))
    found: Counter[str] = Counter()
    for start in starts:
        step = rules.next_step(rule, start, NOW, archived=False)
        month = rules.month_of(step.due)
        found["due" if step.due <= NOW else month if month in months else "later"] += 1
    return found


def _counted(plan: retention.Plan, activity: str) -> Counter[str]:
    found: Counter[str] = Counter()
    for group in plan.groups:
        if group.activity == activity:
            found["due"] += group.due
            found["later"] += group.later
            found.update({m: n for m, n in group.months.items() if n})
    return +found


# starts around a month's end and its days, and around the plan's own moment, at several times of day
BASES = [datetime(2023, 1, day, tzinfo=UTC) for day in (27, 28, 29, 30, 31)] + [
    datetime(2023, 2, 27, tzinfo=UTC),
    datetime(2023, 2, 28, tzinfo=UTC),
    datetime(2023, 3, 1, tzinfo=UTC),
    datetime(2023, 3, 31, tzinfo=UTC),
    datetime(2023, 10, 29, tzinfo=UTC),
    datetime(2024, 2, 29, tzinfo=UTC),
]
HOURS = [0, 9, 9.5, 22.99, 23.5]


@pytest.mark.parametrize("activity", ["request_followup", "contracts"])
def test_the_grouped_plan_counts_what_each_person_would(
    db: Session, keys: keystore.Keys, activity: str
) -> None:
    document = worlds.register()
    document["retention_rules"].append(
        {
            "key": "one_month",
            "label": label("x"),
            "trigger": "collection",
            "duration": "P3Y1M",
            "action": "delete",
        }
    )
    document["retention_rules"].append(
        {
            "key": "contract_3y",
            "label": label("x"),
            "trigger": "contract_end",
            "duration": "P3Y",
            "action": "delete",
        }
    )
    target = "one_month" if activity == "request_followup" else "contract_3y"
    next(a for a in document["activities"] if a["key"] == activity)["retention"] = target
    org = make_register(db, document).organisation_id
    starts = [base + timedelta(hours=hours) for base in BASES for hours in HOURS]
    for start in starts:
        email = f"d-{uuid.uuid4().hex[:8]}@example.test"
        sid = worlds.collect(
            db, keys, org, email=email, activity=activity, category="customer", at=start - timedelta(days=400)
        )
        if activity == "request_followup":
            worlds.collect(db, keys, org, email=email, activity=activity, category="customer", at=start)
        else:
            retention.record_event(
                db,
                worlds.ACTOR,
                organisation_id=org,
                subject_id=sid,
                kind="contract_end",
                at=start,
                channel="staff",
            )

    plan = retention.plan(db, organisation_id=org, now=NOW)

    trigger, period = ("collection", "P3Y1M") if activity == "request_followup" else ("contract_end", "P3Y")
    rule = rules.Rule(activity, target, trigger, period, "delete")
    assert _counted(plan, activity) == _oracle(rule, starts)
    assert sum(_oracle(rule, starts).values()) == len(starts)
