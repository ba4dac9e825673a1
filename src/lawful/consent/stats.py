"""Figures for the privacy officer: consent rates per purpose over time, banner choices, the exclusion list."""

import uuid
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .models import ConsentEvent, ConsentState, CookieChoice, Suppression


@dataclass(frozen=True)
class Month:
    month: str
    given: int
    withdrawn: int


@dataclass(frozen=True)
class Figures:
    in_force: dict[str, int]
    months: dict[str, list[Month]]
    banner: dict[str, tuple[int, int]]
    excluded: int


def figures(db: Session, *, organisation_id: uuid.UUID) -> Figures:
    in_force = dict(
        db.execute(
            select(ConsentState.purpose, func.count())
            .where(ConsentState.organisation_id == organisation_id, ConsentState.state == "given")
            .group_by(ConsentState.purpose)
        ).all()
    )
    per_month: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    rows = db.execute(
        select(ConsentEvent.purpose, ConsentEvent.kind, ConsentEvent.occurred_at).where(
            ConsentEvent.organisation_id == organisation_id, ConsentEvent.subject_id.is_not(None)
        )
    )
    for purpose, kind, at in rows:
        bucket = per_month[purpose][at.strftime("%Y-%m")]
        bucket[0 if kind == "given" else 1] += kind in ("given", "withdrawn")
    months = {p: [Month(m, g, w) for m, (g, w) in sorted(b.items())] for p, b in per_month.items()}
    banner: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for (choices,) in db.execute(
        select(CookieChoice.choices).where(CookieChoice.organisation_id == organisation_id)
    ):
        for category, accepted in choices.items():
            banner[category][0 if accepted else 1] += 1
    excluded = (
        db.scalar(
            select(func.count())
            .select_from(Suppression)
            .where(Suppression.organisation_id == organisation_id)
        )
        or 0
    )
    return Figures(in_force, months, {k: (v[0], v[1]) for k, v in banner.items()}, excluded)
