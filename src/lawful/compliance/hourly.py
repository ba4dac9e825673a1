"""The hourly compliance run in one unit of work, as `lawful compliance run` and POST /api/compliance/run
do it: transfer suspensions recorded and lifted (R-114), the Art. 14 notices due sent (R-09), and the day's
count of overdue items kept for the trend (R-125); over every organisation, or over one (its key's)."""

import uuid
from datetime import datetime

from pydantic import BaseModel
from sqlalchemy.orm import Session

from lawful import processing
from lawful.actor import Actor
from lawful.keystore import Keys

from . import art14, transfers, trends


class RunRead(BaseModel):
    """What one organisation's run did: recipients suspended, alerted of (their lapse lets flows go on) and
    resumed, notices mailed and letters due."""

    suspended: list[str]
    alerted: list[str]
    resumed: list[str]
    art14_emailed: int
    art14_letters: int


def run(
    db: Session,
    actor: Actor,
    keys: Keys,
    *,
    now: datetime,
    base_url: str,
    organisation_id: uuid.UUID | None = None,
) -> dict[str, RunRead]:
    """Each organisation's run, by its slug; an organisation without a register sends and counts nothing."""
    report = {}
    for org in processing.list_organisations(db):
        if organisation_id not in (None, org.id):
            continue
        swept = transfers.sweep(db, actor, organisation_id=org.id, now=now)
        sent = art14.Sent(0, 0)
        if processing.find_current(db, organisation_id=org.id) is not None:
            sent = art14.send_due(db, actor, keys, organisation_id=org.id, now=now, base_url=base_url)
            trends.snapshot(db, keys, organisation_id=org.id, now=now)
        report[org.slug] = RunRead(
            suspended=swept.suspended,
            alerted=swept.alerted,
            resumed=swept.resumed,
            art14_emailed=sent.emailed,
            art14_letters=sent.letters,
        )
    return report
