"""Fast lanes: ASGI middleware that answers the common case of one hot endpoint without FastAPI.

Some endpoints are called thousands of times a second (the purpose gate, the banner's choices). Through
the full stack (dependencies, worker-thread hops, validation of the response model) a call costs a few
milliseconds of CPU, most of it not the work itself. A lane reads the body, and either answers with the
same service code as the route, or hands the request, body and all, to the route, which answers exactly
as before (errors included). A lane hands over before it writes anything, so handing over is safe.

A lane is its own unit of work: a write is one statement on a connection that commits when the block
ends (`writer`), so nothing is left uncommitted when it answers. Tests reach lanes as clients do, through
the app's own connections, and call `forget` between tests so no cached register outlives its test.
"""

import asyncio
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any, ClassVar

import anyio.to_thread
import psycopg
from anyio import CapacityLimiter
from sqlalchemy import Connection, Engine, Table
from sqlalchemy.orm import Session
from starlette.types import ASGIApp, Receive, Scope, Send

from lawful import bodies
from lawful.bodies import replay
from lawful.db import Guard, together

Answer = tuple[int, bytes]
THREADS = 40  # per lane and process, for calls answered in a worker thread
CONNECTIONS = 8  # per lane and process, for writes made from the event loop


class Lane:
    PATHS: ClassVar[frozenset[str]] = frozenset()  # the paths it answers; their limits are lawful.bodies'
    METHOD: ClassVar[str] = "POST"

    def __init__(self, app: ASGIApp, owner: Any) -> None:
        self.app, self.owner = app, owner
        self._threads = CapacityLimiter(THREADS)
        self._idle: list[psycopg.AsyncConnection[Any]] = []
        self._all: list[psycopg.AsyncConnection[Any]] = []  # every one opened, to close at the end
        self._open = 0
        self._freed: asyncio.Condition | None = None
        if not hasattr(owner.state, "lanes"):
            owner.state.lanes = []
        owner.state.lanes.append(self)  # the app's lifespan closes their connections

    def handles(self, path: str) -> bool:
        return path in self.PATHS

    def limit(self, path: str) -> int | None:
        """The largest body the lane reads on this path (its route's); None: not the lane's path."""
        return bodies.limit(path) if self.handles(path) else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = self.limit(scope["path"]) if scope["type"] == "http" else None
        if limit is None or scope["method"] != self.METHOD:
            await self.app(scope, receive, send)
            return
        body, ended = await read_body(receive, limit)
        answer = await self.answer_async(scope, body) if ended and len(body) <= limit else None
        if answer is None:
            await self.app(scope, replay(body, ended, receive), send)
            return
        status, payload = answer
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": payload})

    def answer(self, scope: Scope, body: bytes) -> Answer | None:
        """The status and JSON body, or None to hand the request to the route."""
        raise NotImplementedError

    async def answer_async(self, scope: Scope, body: bytes) -> Answer | None:
        """`answer` in a worker thread: while one call waits on the database, others run. A lane whose
        write is one statement may instead write from the event loop (`write_direct`)."""
        return await anyio.to_thread.run_sync(self.answer, scope, body, limiter=self._threads)

    def direct(self) -> bool:
        """May this lane write from the event loop: PostgreSQL, and not a test's rolled-back session."""
        engine: Engine = self.owner.state.engine
        return engine.dialect.name == "postgresql"

    async def write_direct(
        self, groups: list[tuple[Table, list[dict[str, Any]]]], only_if: Guard | None = None
    ) -> bool:
        """insert_together on one of this process's asynchronous autocommit connections: one round trip,
        awaited without a thread."""
        row = await self.fetch_direct(*together(self.owner.state.engine.dialect, groups, only_if=only_if))
        return bool(row and row[0])

    async def fetch_direct(self, sql: str, params: Any) -> Any:
        """The first row of one statement, on one of this process's asynchronous autocommit connections.
        A connection that failed is closed, not reused."""
        connection = await self._take()
        try:
            cursor = await connection.execute(sql, params)
            row = await cursor.fetchone()
        except BaseException:
            self._open -= 1
            await connection.close()
            raise
        await self._give(connection)
        return row

    async def aclose(self) -> None:
        while self._all:
            await self._all.pop().close()
        self._idle.clear()
        self._open = 0

    def discard(self) -> None:
        """Close the idle connections from outside their event loop (a server stopped without its lifespan)."""
        while self._all:
            self._all.pop().pgconn.finish()
        self._idle.clear()
        self._open = 0

    async def _take(self) -> "psycopg.AsyncConnection[Any]":
        if self._freed is None:
            self._freed = asyncio.Condition()
        async with self._freed:
            while not self._idle and self._open >= CONNECTIONS:
                await self._freed.wait()
            if self._idle:
                return self._idle.pop()
            self._open += 1
        url = self.owner.state.engine.url.set(drivername="postgresql")
        try:
            connection = await psycopg.AsyncConnection.connect(
                url.render_as_string(hide_password=False), autocommit=True
            )
        except BaseException:
            self._open -= 1
            raise
        self._all.append(connection)
        return connection

    async def _give(self, connection: "psycopg.AsyncConnection[Any]") -> None:
        assert self._freed is not None
        async with self._freed:
            self._idle.append(connection)
            self._freed.notify()

    def forget(self) -> None:
        """Drop what the lane remembers of the register (it re-reads it within seconds anyway)."""
        return

    def session(self) -> AbstractContextManager[Session]:
        sessions: Callable[[], AbstractContextManager[Session]] = self.owner.state.sessionmaker
        return sessions()

    @contextmanager
    def writer(self) -> Iterator[Connection]:
        """A connection for one write that commits when the block ends. On PostgreSQL it is in
        autocommit, so a write made as one statement costs one round trip (no BEGIN, no COMMIT)."""
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
    """What the client sent, up to a little past `limit`, and whether that was all of it (the stream
    ended). A body over the limit is handed over without being answered; "ended" says whether the
    route is still to read the rest, so it never waits for a body that already came."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":  # the client left: the route meets the disconnect itself
            return b"".join(chunks), False
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks), True
        if size > limit:
            return b"".join(chunks), False
