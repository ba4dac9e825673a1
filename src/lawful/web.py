"""Shared web dependencies: the session, the settings, who is calling, languages and HTML responses.

Only routes.py and pages.py import this module. Resolving credentials needs the staff domain, which
the kernel cannot import: app.py hands the resolvers over on `app.state` instead.
"""

import uuid
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from threading import Lock
from time import monotonic
from typing import Annotated, Any, Protocol

from fastapi import Depends, HTTPException, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from lawful import crypto, i18n, render, work
from lawful.actor import Actor
from lawful.config import Settings
from lawful.db import MAX_INTEGER, scope
from lawful.errors import LawfulError
from lawful.keystore import Keys

SESSION_COOKIE = "lawful_session"


class Resolvers(Protocol):
    def api_key(self, db: Session, token: str) -> Actor: ...
    def session(self, db: Session, session_id: uuid.UUID) -> Actor: ...
    def refused(self, actor: Actor, permission: str, operation: str, detail: str) -> LawfulError: ...


async def get_db(request: Request) -> AsyncIterator[Session]:
    """The request's unit of work (lawful.work): committed once the handler has returned and before the
    response is sent (the dependency's scope is the function), rolled back when it raised. Opening does
    no I/O; the commit and the rollback run in a worker thread, off the event loop."""
    db: Session = request.app.state.sessionmaker()
    try:
        yield db
    except BaseException as exc:
        await run_in_threadpool(work.fail, db, exc)
        raise
    else:
        if db.in_transaction() or db.info:
            await run_in_threadpool(work.finish, db)
    finally:
        db.close()


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_keys(request: Request) -> Keys:
    keys: Keys = request.app.state.keys
    return keys


Db = Annotated[Session, Depends(get_db, scope="function")]
AppSettings = Annotated[Settings, Depends(get_settings)]
AppKeys = Annotated[Keys, Depends(get_keys)]


class ApiKeyCache:
    """Actors of recently seen API keys, per process, for `seconds` (a revoked key stops working within it).

    Every API call would otherwise pay a query for its key; the gate answers in about a millisecond, so
    that query was a large part of each decision. Keys are held by their digest, never in clear.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._actors: dict[str, tuple[float, Actor]] = {}
        self._lock = Lock()

    def get(self, digest: str) -> Actor | None:
        found = self._actors.get(digest)
        if found is None or found[0] < monotonic():
            return None
        return found[1]

    def put(self, digest: str, actor: Actor) -> None:
        if self.seconds <= 0:
            return
        with self._lock:
            if len(self._actors) > 10_000:
                self._actors.clear()
            self._actors[digest] = (monotonic() + self.seconds, actor)


async def get_api_actor(request: Request, db: Db) -> Actor:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise HTTPException(
            401,
            detail="send an API key as 'Authorization: Bearer <key>'",
            headers={"WWW-Authenticate": "Bearer"},
        )
    cache: ApiKeyCache = request.app.state.api_keys
    digest = crypto.token_digest(token)
    actor = cache.get(digest)
    if actor is None:
        resolvers: Resolvers = request.app.state.resolvers
        try:
            actor = await run_in_threadpool(resolvers.api_key, db, token)
        except LawfulError as exc:
            raise HTTPException(401, detail=exc.detail, headers={"WWW-Authenticate": "Bearer"}) from exc
        cache.put(digest, actor)
    scope(db, actor.organisation_id)  # this request sees and changes only the key's organisation
    if actor.client is not None:
        only_its_client(request, actor.client)
    return actor


CLIENT_ROUTES = "/api/clients/"


def only_its_client(request: Request, client: str) -> None:
    """A client controller's key acts on its own client's routes only (R-106): another client's are not
    found, as if they did not exist; the rest of the API is refused."""
    if not request.url.path.startswith(CLIENT_ROUTES):
        raise HTTPException(
            403, detail=f"this key acts for the client {client!r} only, on /api/clients/{client}/"
        )
    named = request.path_params.get("key", request.path_params.get("client"))
    if named != client:
        raise HTTPException(404, detail="no such client")


ApiActor = Annotated[Actor, Depends(get_api_actor)]


def require(permission: str) -> Callable[..., Awaitable[Actor]]:
    """A dependency that lets the call through only for actors holding `permission`."""

    async def dependency(request: Request, actor: ApiActor) -> Actor:
        if not actor.can(permission):  # refused and audited as the CLI's `--as` refusal is
            route = getattr(request.scope.get("route"), "path", request.url.path)
            resolvers: Resolvers = request.app.state.resolvers
            detail = f"this key lacks the {permission!r} scope"
            raise resolvers.refused(actor, permission, f"{request.method} {route}", detail)
        return actor

    return dependency


class LoginRequired(Exception):
    """Raised for console pages without a valid session; app.py turns it into a redirect."""


def session_serializer(keys: Keys) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(keys.session, salt="console-session")


def get_console_actor(request: Request, db: Db, keys: AppKeys, settings: AppSettings) -> Actor:
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        raise LoginRequired
    try:
        session_id = uuid.UUID(session_serializer(keys).loads(cookie, max_age=settings.session_hours * 3600))
    except (BadSignature, ValueError) as exc:
        raise LoginRequired from exc
    resolvers: Resolvers = request.app.state.resolvers
    try:
        actor = resolvers.session(db, session_id)
    except LawfulError as exc:
        raise LoginRequired from exc
    scope(db, actor.organisation_id)  # this page sees and changes only the staff member's organisation
    return actor


ConsoleActor = Annotated[Actor, Depends(get_console_actor)]


def console_permission(actor: Actor, permission: str) -> None:
    if not actor.can(permission):
        raise HTTPException(403, detail=f"your role does not allow {permission!r}")


def ensure_same_origin(request: Request) -> None:
    """Console forms must come from the console itself (CSRF), besides the SameSite=Strict cookie.

    The Origin decides when the browser sent one, else the Referer; a form naming neither is refused,
    since a forged one can be made to send neither (Referrer-Policy: no-referrer, a data: page)."""
    expected = f"{request.url.scheme}://{request.url.netloc}"
    origin = request.headers.get("origin")
    if origin is not None:
        same = origin == expected
    else:
        referer = request.headers.get("referer", "")
        same = referer == expected or referer.startswith(expected + "/")
    if not same:
        raise HTTPException(403, detail="cross-site form submission refused")


SameOrigin = Depends(ensure_same_origin)


def language(request: Request, enabled: list[str], default: str) -> str:
    return i18n.negotiate(
        request.query_params.get("lang"), request.headers.get("accept-language"), enabled, default
    )


def html(template: str, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(render.render(template, **context), status_code=status_code)


# Row numbers in URLs: positive and within a 32-bit signed range, so no database ever overflows.
MAX_NUMBER = MAX_INTEGER
Number = Annotated[int, Path(ge=1, le=MAX_NUMBER)]
OptionalNumber = Annotated[int | None, Query(ge=1, le=MAX_NUMBER)]


class RateLimiter:
    """A sliding window per client and route, in this process (enough to blunt abuse of public forms).

    Several processes each keep their own window; the limit per client is then at most N times higher,
    which is acceptable for a brake (the database-backed login limit is the strict one).
    """

    def __init__(self, limit: int, seconds: int) -> None:
        self.limit, self.seconds = limit, seconds
        self._hits: dict[str, deque[float]] = {}
        self._lock = Lock()

    def __call__(self, request: Request) -> None:
        if not self.allow(request.client.host if request.client else None, request.url.path):
            raise HTTPException(429, detail="too many requests; try again in a minute")

    def allow(self, client: str | None, path: str) -> bool:
        """Counts one call of `client` on `path`; False (and not counted) when over the limit."""
        key = f"{client or '-'}:{path}"
        now = monotonic()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self.seconds:
                hits.popleft()
            if len(hits) >= self.limit:
                return False
            hits.append(now)
            if len(self._hits) > 50_000:
                self._hits.clear()
        return True

    def forget(self, client: str | None, path: str) -> None:
        """Take back the last call counted by `allow` (a fast lane that handed the call over)."""
        with self._lock:
            hits = self._hits.get(f"{client or '-'}:{path}")
            if hits:
                hits.pop()

    def reset(self) -> None:
        with self._lock:
            self._hits.clear()
