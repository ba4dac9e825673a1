"""What `lawful retention …` prints and emits as JSON: the plan, runs and their steps, as plain values."""

from typing import Any

from lawful import retention


def plan_dict(found: retention.Plan) -> dict[str, Any]:
    return {
        "now": found.now.isoformat(),
        "evaluated": found.people,
        "months": found.months,
        "by_month": found.by_month,
        "due": sum(g.due for g in found.groups),
        "groups": [
            {
                "activity": g.activity,
                "rule": g.rule,
                "trigger": g.trigger,
                "action": g.action,
                "step": g.step,
                "due": g.due,
                "skipped": dict(g.skipped),
                "months": {m: g.months.get(m, 0) for m in found.months},
                "later": g.later,
            }
            for g in found.groups
        ],
        "warnings": [
            {
                "activity": w.activity,
                "rule": w.rule,
                "warn_before": w.warn_before,
                "due": w.due,
                "sent": w.sent,
                "months": {m: w.months.get(m, 0) for m in found.months},
            }
            for w in found.warnings
        ],
    }


def summary(counts: list[dict[str, Any]]) -> str:
    """`deleted:3 archived:1 skipped:legal_hold:1`, per step over every rule."""
    totals: dict[str, int] = {}
    for entry in counts:
        if entry["done"]:
            totals[entry["step"]] = totals.get(entry["step"], 0) + entry["done"]
        for reason, number in entry["skipped"].items():
            held = "skipped:" + reason
            totals[held] = totals.get(held, 0) + number
    return " ".join(f"{name}:{number}" for name, number in sorted(totals.items())) or "nothing due"


def run_dict(row: retention.RetentionRun) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "as_of": row.as_of.isoformat(),
        "started_at": row.started_at.isoformat(),
        "finished_at": row.finished_at.isoformat() if row.finished_at else None,
        "status": row.status,
        "started_by": row.started_by,
        "counts": row.counts,
    }


def action_dict(row: retention.RetentionAction) -> dict[str, Any]:
    return {
        "subject_id": str(row.subject_id),
        "activity": row.activity,
        "rule": row.rule,
        "trigger": row.trigger,
        "action": row.action,
        "ends_at": row.ends_at.isoformat(),
        "items": row.items,
        "whole": row.whole,
        "done_at": row.done_at.isoformat(),
    }
