"""Public answers that could tell whether a person is known leave no sooner than a fixed time after the
request arrived, so their timing tells nothing (Art. 32; issue 14: a form submission from someone new is
one statement in the fast lane, a known person's takes the full route, ten times longer).

Only the waiting is added, on the event loop (no thread, no CPU): a visitor submitting a form does not
notice 40 ms, and throughput is unchanged while the connections outnumber rate × floor.
"""

import asyncio
import re
from time import monotonic

from starlette.types import ASGIApp, Message, Receive, Scope, Send

FLOOR_SECONDS = 0.04
PACED = re.compile(r"/api/forms/[^/]+/submissions|/forms/[^/]+|/api/newsletters/[^/]+/subscriptions|/rights")


class Pace:
    """ASGI layer: a POST to a public path that takes a person's identity is answered after FLOOR_SECONDS."""

    def __init__(self, app: ASGIApp, floor: float = FLOOR_SECONDS) -> None:
        self.app, self.floor = app, floor

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or not PACED.fullmatch(scope["path"]):
            await self.app(scope, receive, send)
            return
        due = monotonic() + self.floor

        async def paced(message: Message) -> None:
            if message["type"] == "http.response.start":
                await asyncio.sleep(max(0.0, due - monotonic()))
            await send(message)

        await self.app(scope, receive, paced)
