"""JSON API of staff grants (R-84): the access review (JSON or CSV) and the review of one grant."""

import uuid
from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, ConfigDict

from lawful.actor import Actor
from lawful.errors import Forbidden
from lawful.web import Db, require

from . import grants
from .errors import StaffNotFound

router = APIRouter(prefix="/api/staff", tags=["staff"])
Auditor = Annotated[Actor, Depends(require("audit:read"))]
Manager = Annotated[Actor, Depends(require("staff:manage"))]


class ReviewFormat(StrEnum):
    JSON = "json"
    CSV = "csv"


class GrantReview(BaseModel):
    model_config = ConfigDict(extra="forbid")

    expires_on: date | None = None
    review_due: date | None = None


@router.get("/access-review", response_model=None)
def access_review(db: Db, actor: Auditor, format: ReviewFormat = ReviewFormat.JSON) -> Any:
    """Every grant of the organisation: role, granted by and at, expiry, review dates, last review, state."""
    rows = grants.access_review(db, organisation_id=_org(actor))
    if format is ReviewFormat.CSV:
        return Response(
            grants.as_csv(rows),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="access-review.csv"'},
        )
    return rows


@router.post("/grants/{grant_id}/review")
def review_grant(grant_id: uuid.UUID, body: GrantReview, db: Db, actor: Manager) -> dict[str, Any]:
    """The grant is still needed: record the review and the next review (and expiry) dates."""
    org = _org(actor)
    found = grants.access_review(db, organisation_id=org)
    if not any(row["id"] == str(grant_id) for row in found):
        raise StaffNotFound("no such grant in force")
    grant = grants.review(
        db, actor, grant_id=grant_id, expires_on=body.expires_on, review_due=body.review_due
    )
    return next(row for row in grants.access_review(db, organisation_id=org) if row["id"] == str(grant.id))


def _org(actor: Actor) -> uuid.UUID:
    if actor.organisation_id is None:
        raise Forbidden("this key belongs to no organisation")
    return actor.organisation_id
