"""The error tree: every expected failure is a LawfulError with an HTTP status and a stable code."""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

Record = Callable[["Session"], object]


class LawfulError(Exception):
    """`record`: what a refusal keeps on record although the refused work is rolled back (lawful.work)."""

    status: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"

    def __init__(
        self, detail: str, *, problems: list[dict[str, Any]] | None = None, record: Record | None = None
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.problems = problems or []
        self.record = record


class NotFound(LawfulError):
    status = 404
    code = "not_found"


class Unauthorised(LawfulError):
    status = 401
    code = "unauthorised"


class Forbidden(LawfulError):
    status = 403
    code = "forbidden"


class Conflict(LawfulError):
    status = 409
    code = "conflict"


class RuleViolation(LawfulError):
    status = 422
    code = "rule_violation"


class TooManyRequests(LawfulError):
    status = 429
    code = "too_many_requests"
