"""What keeps a person's data past one activity's end: the other activities they were collected for, each
until its own end (a talent pool, R-78; the contract a customer's address serves, R-73), and what keeps the
whole record (rules.why_not_whole): a hold, a claim, an open request, a consent whose period still runs.
"""

import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import clock, consent, dsr, subjects
from lawful.db import among
from lawful.processing import retention_end

from . import endings, rules

CLOSED_REQUESTS = ("completed", "refused")


@dataclass
class Context:
    """What a batch needs of the register: every activity's rule, and the run's moment."""

    by_activity: dict[str, rules.Rule]
    now: datetime

    def claims(
        self, db: Session, organisation_id: uuid.UUID, people: list[uuid.UUID], *, exclude: str
    ) -> dict[uuid.UUID, dict[str, rules.Claim]]:
        """Per person, the other activities their data were collected for, each with its own end."""
        collected = db.execute(
            select(subjects.Collection.subject_id, subjects.Collection.activity)
            .where(_in(db, subjects.Collection.subject_id, people), subjects.Collection.activity != exclude)
            .distinct()
        ).all()
        wanted: dict[str, list[uuid.UUID]] = {}
        for sid, activity in collected:
            if activity in self.by_activity:
                wanted.setdefault(activity, []).append(sid)
        if not wanted:
            return {}
        holds = endings.held(db, organisation_id, people)
        consented = _consented(db, people, [a for a in wanted if self.by_activity[a].consent])
        found: dict[uuid.UUID, dict[str, rules.Claim]] = {}
        for activity, sids in wanted.items():
            rule = self.by_activity[activity]
            began = endings.starts(db, organisation_id, rule, sids)
            for sid in sids:
                start = began.get(sid)
                found.setdefault(sid, {})[activity] = rules.Claim(
                    end=None if start is None else retention_end(rule.trigger, start, rule.duration),
                    held=(sid, activity) in holds and rule.hold_suspends,
                    consent_in_force=not rule.consent or (sid, activity) in consented,
                )
        return found


def _consented(db: Session, people: list[uuid.UUID], purposes: list[str]) -> set[tuple[uuid.UUID, str]]:
    if not purposes:
        return set()
    state = consent.ConsentState
    rows = db.execute(
        select(state.subject_id, state.purpose).where(
            _in(db, state.subject_id, people),
            state.purpose.in_(purposes),
            state.state == str(consent.ConsentStatus.GIVEN),
        )
    )
    return {(sid, purpose) for sid, purpose in rows}


def nothing_left(
    db: Session,
    organisation_id: uuid.UUID,
    ending: set[tuple[uuid.UUID, str]],
    leaving: Counter[tuple[uuid.UUID, str]],
    context: "Context",
) -> set[uuid.UUID]:
    """The people of whom nothing is left to keep: their whole record and key may go (rules.why_not_whole).
    A consent still recorded as given keeps the person unless its activity's own period has ended (a talent
    pool's two years, R-78): consent to a purpose lasts no longer than the purpose's retention."""
    people = sorted({sid for sid, _ in ending})
    if not people:
        return set()
    data, hold, restriction = subjects.PersonalData, subjects.LegalHold, subjects.Restriction
    left = Counter(db.scalars(select(data.subject_id).where(_in(db, data.subject_id, people))))
    left.subtract(Counter({sid: n for (sid, _), n in leaving.items()}))  # what this batch is about to delete
    today = clock.today()
    held = {
        row.subject_id
        for row in db.execute(
            select(hold.subject_id, hold.lifted_at, hold.review_on).where(
                _in(db, hold.subject_id, people), hold.in_force()
            )
        )
        if subjects.hold_in_force(row, today)
    }
    claims = set(
        db.scalars(
            select(restriction.subject_id).where(
                _in(db, restriction.subject_id, people),
                restriction.ground == str(subjects.RestrictionGround.LEGAL_CLAIMS),
                restriction.lifted_at.is_(None),
            )
        )
    )
    request = dsr.Request
    open_requests = Counter(
        db.scalars(
            select(request.subject_id).where(
                _in(db, request.subject_id, people), request.status.not_in(CLOSED_REQUESTS)
            )
        )
    )
    state = consent.ConsentState
    given = [
        (sid, purpose)
        for sid, purpose in db.execute(
            select(state.subject_id, state.purpose).where(
                _in(db, state.subject_id, people),
                state.state == str(consent.ConsentStatus.GIVEN),
                ~state.purpose.startswith("cookies:"),
            )
        )
        if (sid, purpose) not in ending and not left[sid]
    ]
    ended = (
        context.claims(db, organisation_id, sorted({sid for sid, _ in given}), exclude="") if given else {}
    )
    consents = Counter(
        sid for sid, purpose in given if not _over(ended.get(sid, {}).get(purpose), context.now)
    )
    return {
        sid
        for sid in people
        if rules.why_not_whole(
            items_left=left[sid],
            held=sid in held,
            legal_claims=sid in claims,
            open_requests=open_requests[sid],
            consents=consents[sid],
        )
        is None
    }


def _in(db: Session, column: Any, values: Sequence[Any]) -> Any:
    return among(db.get_bind().dialect, column, values)


def _over(claim: rules.Claim | None, now: datetime) -> bool:
    return claim is not None and claim.end is not None and claim.end <= now
