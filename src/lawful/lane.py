"""Fast lanes: ASGI middleware that answers the common case of one hot endpoint without FastAPI.

Some endpoints are called thousands of times a second (the purpose gate, the banner's choices). Through
the full stack (dependencies, worker-thread hops, validation of the response model) a call costs a few
milliseconds of CPU, most of it not the work itself. A lane reads the body, and either answers with the
same service code as the route, or hands the request, body and all, to the route, which answers exactly
as before (errors included). A lane hands over before it writes anything, so handing over is safe.

Tests run each request in their own rolled-back transaction by overriding the session dependency; a
lane honours that override, so the same tests exercise the lane and the route.
"""

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any, ClassVar

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

Answer = tuple[int, bytes]


class Lane:
    PATHS: ClassVar[dict[str, int]]  # path → the largest body the lane reads
    METHOD: ClassVar[str] = "POST"

    def __init__(self, app: ASGIApp, owner: Any, session_dependency: Callable[..., Any]) -> None:
        self.app, self.owner, self._dependency = app, owner, session_dependency

    def limit(self, path: str) -> int | None:
        """The largest body the lane reads on this path; None: not the lane's path."""
        return self.PATHS.get(path)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = self.limit(scope["path"]) if scope["type"] == "http" else None
        if limit is None or scope["method"] != self.METHOD:
            await self.app(scope, receive, send)
            return
        body, complete = await read_body(receive, limit)
        # in a worker thread: while one call waits on the database, others run
        answer = await run_in_threadpool(self.answer, scope, body) if complete else None
        if answer is None:
            await self.app(scope, replay(body, complete, receive), send)
            return
        status, payload = answer
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": payload})

    def answer(self, scope: Scope, body: bytes) -> Answer | None:
        """The status and JSON body, or None to hand the request to the route."""
        raise NotImplementedError

    def _override(self) -> Callable[[], Session] | None:
        found: Callable[[], Session] | None = self.owner.dependency_overrides.get(self._dependency)
        return found

    def session(self) -> AbstractContextManager[Session]:
        override = self._override()
        if override is not None:
            return nullcontext(override())
        sessions: Callable[[], AbstractContextManager[Session]] = self.owner.state.sessionmaker
        return sessions()

    @contextmanager
    def writer(self) -> Iterator[Connection]:
        """A connection for one write that commits when the block ends. On PostgreSQL it is in
        autocommit, so a write made as one statement costs one round trip (no BEGIN, no COMMIT)."""
        override = self._override()
        if override is not None:
            db = override()
            yield db.connection()
            db.commit()  # in tests: releases the test's savepoint
            return
        engine: Engine = self.owner.state.engine
        if engine.dialect.name == "postgresql":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                yield connection
        else:
            with engine.begin() as connection:
                yield connection

    @contextmanager
    def driver_connection(self) -> Iterator[Any]:
        """A DB-API connection for one read: the test's own, or a pooled one in autocommit (PostgreSQL)
        so that a single SELECT needs neither BEGIN nor ROLLBACK."""
        override = self._override()
        if override is not None:
            yield override().connection().connection.driver_connection
            return
        engine: Engine = self.owner.state.engine
        pooled = engine.raw_connection()
        driver = pooled.driver_connection
        switch = engine.dialect.name == "postgresql"
        try:
            if switch:
                driver.autocommit = True  # type: ignore[union-attr]
            yield driver
        finally:
            if switch:
                driver.autocommit = False  # type: ignore[union-attr]
            pooled.close()


def header(scope: Scope, name: bytes) -> str:
    return next((v for k, v in scope["headers"] if k == name), b"").decode("latin-1")


async def read_body(receive: Receive, limit: int) -> tuple[bytes, bool]:
    """The body, unless it is longer than `limit` (then what was read, and False)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), False
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            return b"".join(chunks), False
        if not message.get("more_body", False):
            return b"".join(chunks), True


def replay(body: bytes, complete: bool, receive: Receive) -> Receive:
    """A `receive` that hands over what the lane read, then the rest of the stream."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            message: dict[str, Any] = {"type": "http.request", "body": body, "more_body": not complete}
            return message
        return await receive()

    return replayed
