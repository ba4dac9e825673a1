"""A small typed client of lawful's JSON API, for the company's own services.

It imports nothing else of lawful, so it can be vendored on its own; it needs only httpx. Identities
always travel in JSON bodies, never in URLs (R-92): URLs end up in access logs and proxies.
"""

import dataclasses
import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, TypedDict, TypeVar, Unpack
from urllib.parse import quote

import httpx

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

BATCH_LIMIT = 10_000  # the server's largest batch; longer lists go in slices
_D = TypeVar("_D", bound="DataclassInstance")


class Identity(TypedDict, total=False):
    email: str
    phone: str
    external_id: str


class SubjectRef(Identity, total=False):
    """Exactly one key: who the question is about."""

    subject_id: str


class LawfulAPIError(Exception):
    """A 4xx or 5xx answer with lawful's JSON error body; `problems` name the fields that are wrong."""

    def __init__(self, status: int, code: str, detail: str, problems: list[dict[str, Any]]) -> None:
        super().__init__(f"{status} {code}: {detail}")
        self.status, self.code, self.detail, self.problems = status, code, detail, problems


@dataclasses.dataclass(frozen=True)
class Decision:
    allowed: bool
    reasons: tuple[str, ...]
    fields: tuple[str, ...]
    basis: str | None


@dataclasses.dataclass(frozen=True)
class Value:
    """One value with its provenance: when, for which activity, by which channel, under which notice."""

    category: str
    value: str
    version: int
    collected_at: datetime
    activity: str
    channel: str
    source: str
    form_key: str | None
    notice_number: int | None
    language: str | None


@dataclasses.dataclass(frozen=True)
class Reading:
    subject_id: uuid.UUID
    purpose: str
    values: tuple[Value, ...]


@dataclasses.dataclass(frozen=True)
class FormField:
    key: str
    label: str
    type: str
    required: bool
    max_length: int


@dataclasses.dataclass(frozen=True)
class Form:
    key: str
    language: str
    name: str
    intro: str
    fields: tuple[FormField, ...]
    marketing_consent: str | None  # label of the separate, unticked checkbox
    notice: str  # the just-in-time notice, shown with the form
    notice_url: str


@dataclasses.dataclass(frozen=True)
class Recorded:
    subject_id: uuid.UUID
    created: bool
    changed: tuple[str, ...]


class LawfulClient:
    """Synchronous. Transport failures and timeouts stay httpx exceptions; `http` goes to httpx.Client."""

    def __init__(
        self, base_url: str, *, api_key: str | None = None, timeout: float | httpx.Timeout = 10.0, **http: Any
    ) -> None:
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._http = httpx.Client(base_url=base_url, headers=headers, timeout=timeout, **http)

    def decide(self, *, purpose: str, fields: Sequence[str] = (), **subject: Unpack[SubjectRef]) -> Decision:
        """May `purpose` use this person's data now, and which of `fields`?"""
        body = {"subject": subject, "purpose": purpose, "fields": list(fields)}
        return _decision(self._post("/api/decisions", body))

    def decide_many(
        self, subjects: Iterable[str | SubjectRef], *, purpose: str, fields: Sequence[str] = ()
    ) -> list[Decision]:
        """One decision per subject (an email or a SubjectRef), in the order given."""
        refs = [{"email": s} if isinstance(s, str) else dict(s) for s in subjects]
        decisions: list[Decision] = []
        for start in range(0, len(refs), BATCH_LIMIT):
            body = {"subjects": refs[start : start + BATCH_LIMIT], "purpose": purpose, "fields": list(fields)}
            decisions += [_decision(r) for r in self._post("/api/decisions/batch", body)["results"]]
        return decisions

    def read(self, *, purpose: str, fields: Sequence[str] = (), **subject: Unpack[SubjectRef]) -> Reading:
        """The person's values that `purpose` may use, with their provenance; the server audits the read."""
        ask = {"subject": subject, "purpose": purpose, "fields": list(fields)}
        body = self._post("/api/subjects/read", ask)
        values = (
            _build(Value, v, collected_at=datetime.fromisoformat(v["collected_at"])) for v in body["values"]
        )
        return Reading(uuid.UUID(body["subject_id"]), body["purpose"], tuple(values))

    def form(self, key: str, *, language: str | None = None) -> Form:
        """A form's fields and labels with its notice, to render on the website."""
        body = self._send(
            "GET", f"/api/forms/{quote(key, safe='')}", params={"lang": language} if language else {}
        )
        return _build(Form, body, fields=tuple(_build(FormField, f) for f in body["fields"]))

    def submit_form(
        self, key: str, fields: Mapping[str, str], *, language: str = "en", marketing_consent: bool = False
    ) -> None:
        """A visitor's submission; the answer never says whether the person was known."""
        body = {"fields": dict(fields), "language": language, "marketing_consent": marketing_consent}
        self._post(f"/api/forms/{quote(key, safe='')}/submissions", body)

    def record(
        self,
        *,
        subject_category: str,
        collection: Mapping[str, Any],
        values: Mapping[str, str] | None = None,
        language: str | None = None,
        **identity: Unpack[Identity],
    ) -> Recorded:
        """Staff intake of data received by email, phone, post… (`collection`: activity, channel, source…)."""
        where = {k: v.isoformat() if isinstance(v, datetime) else v for k, v in collection.items()}
        body = {
            "subject_category": subject_category,
            **identity,
            "values": dict(values or {}),
            "collection": where,
        }
        answer = self._post("/api/subjects", body | ({"language": language} if language else {}))
        return Recorded(uuid.UUID(answer["subject_id"]), answer["created"], tuple(answer["changed"]))

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _post(self, path: str, body: Mapping[str, Any]) -> Any:
        return self._send("POST", path, json=body)

    def _send(self, method: str, path: str, **options: Any) -> Any:
        response = self._http.request(method, path, **options)
        if response.is_error:
            raise _error(response)
        return response.json()


def _error(response: httpx.Response) -> LawfulAPIError:
    try:
        body = response.json()
    except ValueError:  # not lawful's answer: a proxy or load balancer in front of it
        body = None
    body = body if isinstance(body, dict) else {"detail": response.reason_phrase}
    code = str(body.get("error", f"http_{response.status_code}"))
    return LawfulAPIError(response.status_code, code, str(body.get("detail")), list(body.get("problems", [])))


def _decision(body: Mapping[str, Any]) -> Decision:
    return Decision(
        body["decision"] == "allow", tuple(body["reasons"]), tuple(body["fields"]), body.get("basis")
    )


def _build(cls: type[_D], data: Mapping[str, Any], **converted: Any) -> _D:
    """Only the keys this client knows, so fields a newer server adds do not break it."""
    names = {f.name for f in dataclasses.fields(cls)}
    return cls(**{k: v for k, v in data.items() if k in names} | converted)
