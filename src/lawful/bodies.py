"""Request bodies, bounded before they are read: each route's largest body (one table), JSON nesting, and
JSON only on the public endpoints. One ASGI layer, just inside the security headers; the fast lanes read
their limits from the same table."""

import re
from dataclasses import dataclass
from functools import lru_cache

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lawful import refusals

KIB, MIB = 1024, 1024 * 1024
DEFAULT_LIMIT = 1 * MIB
MAX_JSON_DEPTH = 32


@dataclass(frozen=True)
class Limit:
    path: re.Pattern[str]
    largest: int  # bytes
    public_json: bool = False  # called from any web page: JSON only, so a browser always asks CORS first


def _path(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern.replace("{key}", "[^/]{1,200}"))


LIMITS = (
    Limit(_path("/api/decisions"), 64 * KIB),
    Limit(_path("/api/decisions/batch"), 4 * MIB),
    Limit(_path("/api/banner/consents"), 16 * KIB, public_json=True),
    Limit(_path("/api/newsletters/{key}/subscriptions"), 16 * KIB, public_json=True),
    Limit(_path("/api/forms/{key}/submissions"), 64 * KIB, public_json=True),
    Limit(_path("/api/register/(check|versions)"), 8 * MIB),  # a register of up to 2,000,000 characters
    Limit(_path("/api/connectors/check"), 8 * MIB),  # the same register, its dataset maps checked
    Limit(_path("/api/imports"), 32 * MIB),  # a CSV of up to 20,000,000 characters
    Limit(_path("/api/phone/dncm-imports"), 72 * MIB),  # the national list, 64,000,000 characters
)
NOT_JSON = (b"application/x-www-form-urlencoded", b"multipart/form-data", b"text/csv")
_HEADERS = frozenset({b"content-type", b"content-length", b"transfer-encoding"})
_TOKENS = re.compile(rb'"(?:[^"\\]++|\\.)*+"?|[\[\]{}]')  # a string (even unterminated), or a bracket


def limit(path: str) -> int:
    """The largest body, in bytes, that the route at `path` reads."""
    found = _find(path)
    return found.largest if found else DEFAULT_LIMIT


@lru_cache(maxsize=1024)  # the hot paths are a few literal ones
def _find(path: str) -> Limit | None:
    return next((entry for entry in LIMITS if entry.path.fullmatch(path)), None)


def too_deep(body: bytes, depth: int = MAX_JSON_DEPTH) -> bool:
    """Does this JSON nest deeper than `depth`? Brackets inside strings do not count; linear time."""
    if body.count(b"[") + body.count(b"{") <= depth:
        return False
    level = 0
    for token in _TOKENS.finditer(body):
        bracket = token[0]
        if bracket in (b"[", b"{"):
            level += 1
            if level > depth:
                return True
        elif bracket in (b"]", b"}"):
            level -= 1
    return False


class BodyLimits:
    """Refuses, before reading it, a body longer than its route takes (413, from Content-Length or as soon
    as a chunked body passes the limit); JSON nested too deep (422); anything but JSON on a public JSON
    endpoint (415). Whatever passes reaches the app as one complete body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        found = _find(scope["path"])
        largest = found.largest if found else DEFAULT_LIMIT
        headers = {k: v for k, v in scope["headers"] if k in _HEADERS}
        media = headers.get(b"content-type", b"").partition(b";")[0].strip().lower()
        writes = scope["method"] not in ("GET", "HEAD", "OPTIONS")
        if found and found.public_json and writes and media != b"application/json":
            await _not_json(scope, send)
            return
        declared = headers.get(b"content-length", b"")
        if declared.isdigit() and int(declared) > largest:
            await _too_large(scope, send, largest)
            return
        if not declared and b"chunked" not in headers.get(b"transfer-encoding", b"").lower():
            await self.app(scope, receive, send)  # no body
            return
        try:
            body = await _read(receive, largest)
        except _Gone:
            return  # nobody to answer
        if body is None:
            await _too_large(scope, send, largest)
            return
        if media not in NOT_JSON and too_deep(body):
            await _too_deep(scope, send)
            return
        await self.app(scope, replay(body, True, receive), send)


class _Gone(Exception):
    """The client left before its body was complete."""


async def _read(receive: Receive, largest: int) -> bytes | None:
    """The whole body, or None as soon as it is longer than `largest` (the rest is never read)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            raise _Gone
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > largest:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def replay(body: bytes, ended: bool, receive: Receive) -> Receive:
    """A `receive` that hands over the body read so far, then the rest of the stream (if it had not ended)."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": not ended}

    return replayed


async def _too_large(scope: Scope, send: Send, largest: int) -> None:
    """Told in the visitor's language on public routes (lawful.refusals); `detail` stays for programs."""
    detail = f"the request body is larger than {largest:,} bytes, the most this endpoint takes"
    problems = [{"path": "body", "message": detail, "rule": "too_long"}]
    await refusals.refuse(scope, send, 413, "body_too_large", detail, problems=problems)


async def _too_deep(scope: Scope, send: Send) -> None:
    message = f"JSON nested deeper than {MAX_JSON_DEPTH} levels"
    problems = [{"path": "body", "message": message, "rule": "json_depth"}]
    await refusals.refuse(
        scope, send, 422, "invalid_input", f"invalid input: body: {message}", problems=problems
    )


async def _not_json(scope: Scope, send: Send) -> None:
    detail = "send the body as application/json"
    problems = [{"path": "header.content-type", "message": detail, "rule": "media_type"}]
    await refusals.refuse(scope, send, 415, "unsupported_media_type", detail, problems=problems)
