"""JSON API of the compliance check: GET /api/compliance (R-125), the hourly run for the key's organisation;
and the legal calendar its deadlines are counted in: GET /api/calendar/working-days/{day} (R-122)."""

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from lawful import clock, i18n
from lawful.actor import Actor
from lawful.errors import Forbidden
from lawful.web import ApiActor, AppKeys, AppSettings, Db, language, require

from . import hourly, service, transfers, trends
from .schemas import ComplianceRead, TransferSuspensionRead

router = APIRouter(prefix="/api/compliance", tags=["compliance"])
calendar = APIRouter(prefix="/api/calendar", tags=["calendar"])
Reader = Annotated[Actor, Depends(require("compliance:read"))]
Runner = Annotated[
    Actor, Depends(require("subjects:write"))
]  # it sends the Art. 14 notices due, as /art14/send


@calendar.get("/working-days/{day}")
def working_day(day: date, actor: ApiActor) -> dict[str, object]:
    """Whether `day` (YYYY-MM-DD) is a Belgian working day and, if not, why (as `lawful calendar working-day`)."""
    return clock.working_day(day)


@router.get("")
def compliance_check(request: Request, db: Db, keys: AppKeys, actor: Reader) -> ComplianceRead:
    """What is overdue or soon due for the key's organisation; `overdue` is true when anything is late.
    The fixes are in the language of `?lang=` or Accept-Language (en, fr, nl)."""
    if actor.organisation_id is None:
        raise Forbidden("this key belongs to no organisation")
    items = service.check(db, keys, organisation_id=actor.organisation_id)
    return ComplianceRead.of(items, language(request, list(i18n.LANGUAGES), "en"))


@router.get("/transfers")
def suspended_transfers(db: Db, actor: Reader, all: bool = False) -> list[TransferSuspensionRead]:
    """Recipients whose transfer mechanism lapsed (R-114): nothing flows to them until the register renews
    it; each with the notice draft the officer reviews. `?all=true` includes the lifted ones."""
    if actor.organisation_id is None:
        raise Forbidden("this key belongs to no organisation")
    read = transfers.history if all else transfers.current
    return [TransferSuspensionRead.of(row) for row in read(db, organisation_id=actor.organisation_id)]


@router.get("/trend")
def trend(db: Db, actor: Reader) -> dict[str, Any]:
    """What the console's home charts: overdue and due-soon items per day over 90 days (the hourly task's
    snapshots) and the handling time of the rights requests completed in each of the last 12 months."""
    if actor.organisation_id is None:
        raise Forbidden("this key belongs to no organisation")
    return trends.data(db, organisation_id=actor.organisation_id, today=clock.today())


@router.post("/run")
def run(db: Db, keys: AppKeys, settings: AppSettings, actor: Runner) -> dict[str, hourly.RunRead]:
    """What the worker does every hour, for the key's organisation only and as of now (another moment only
    in test mode, through the app's X-Lawful-Now, as `--now` of the command): transfer suspensions recorded
    and lifted, the Art. 14 notices due sent, the day's count kept for the trend. Keyed by the slug."""
    if actor.organisation_id is None:
        raise Forbidden("this key belongs to no organisation")
    return hourly.run(
        db, actor, keys, now=clock.now(), base_url=settings.base_url, organisation_id=actor.organisation_id
    )
