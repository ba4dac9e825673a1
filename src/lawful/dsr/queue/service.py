"""The console's list of requests: open and closed, filtered by state, right and due date, a page at a time
(R-45: staff see what is due first; closed requests stay findable while they are kept, R-82)."""

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import String, case, cast, func, select
from sqlalchemy.orm import Session

from ..models import Request
from ..rules import Status

CLOSED = (str(Status.COMPLETED), str(Status.REFUSED))
STATES = ("open", "closed", *(str(s) for s in Status))  # "open": any state but completed or refused
PER_PAGE = 50


@dataclass(frozen=True)
class Filters:
    state: str | None = None
    kind: str | None = None
    due_from: date | None = None
    due_to: date | None = None


@dataclass(frozen=True)
class Page:
    rows: list[Request]
    total: int
    number: int
    pages: int


def list_requests(
    db: Session, *, organisation_id: uuid.UUID, filters: Filters, page: int = 1, per_page: int = PER_PAGE
) -> Page:
    """Open requests first, earliest due date first; then closed ones, most recently due first."""
    query = select(Request).where(Request.organisation_id == organisation_id)
    if filters.state == "open":
        query = query.where(Request.status.not_in(CLOSED))
    elif filters.state == "closed":
        query = query.where(Request.status.in_(CLOSED))
    elif filters.state:
        query = query.where(Request.status == filters.state)
    if filters.kind:  # a known right (the route checks it), matched as a JSON string in the list
        query = query.where(cast(Request.kinds, String).like(f'%"{filters.kind}"%'))
    if filters.due_from:
        query = query.where(Request.due_on >= filters.due_from)
    if filters.due_to:
        query = query.where(Request.due_on <= filters.due_to)
    total = db.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // per_page))
    number = min(max(1, page), pages)
    is_closed = Request.status.in_(CLOSED)
    ordered = query.order_by(
        case((is_closed, 1), else_=0),
        case((is_closed, None), else_=Request.due_on),  # open: earliest due first
        case((is_closed, Request.due_on), else_=None).desc(),  # closed: latest first
        Request.reference,
    )
    rows = list(db.scalars(ordered.offset((number - 1) * per_page).limit(per_page)))
    return Page(rows, total, number, pages)
