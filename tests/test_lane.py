"""What a fast lane hands to its route: the body it read, marked complete exactly when the stream ended."""

import asyncio
from collections.abc import Iterator
from typing import Any

from starlette.types import Message

from lawful.bodies import replay
from lawful.lane import read_body


def _stream(*chunks: bytes) -> Any:
    """An ASGI `receive` sending `chunks` as one body, then a disconnect."""
    messages: Iterator[Message] = iter(
        [
            *(
                {"type": "http.request", "body": chunk, "more_body": n < len(chunks) - 1}
                for n, chunk in enumerate(chunks)
            ),
            {"type": "http.disconnect"},
        ]
    )

    async def receive() -> Message:
        return next(messages)

    return receive


def _handed_over(limit: int, *chunks: bytes) -> list[Message]:
    async def run() -> list[Message]:
        receive = _stream(*chunks)
        body, ended = await read_body(receive, limit)
        route = replay(body, ended, receive)
        first = await route()
        return [first] if not first["more_body"] else [first, await route()]

    return asyncio.run(run())


def test_a_body_one_byte_over_the_limit_in_one_message_is_handed_over_complete() -> None:
    handed = _handed_over(10, b"x" * 11)

    assert handed == [{"type": "http.request", "body": b"x" * 11, "more_body": False}]


def test_a_body_exactly_at_the_limit_is_handed_over_complete() -> None:
    handed = _handed_over(10, b"x" * 4, b"x" * 6)

    assert handed == [{"type": "http.request", "body": b"x" * 10, "more_body": False}]


def test_a_body_growing_over_the_limit_is_handed_over_with_the_rest_still_to_read() -> None:
    handed = _handed_over(10, b"x" * 8, b"x" * 8, b"x" * 8)

    assert handed == [
        {"type": "http.request", "body": b"x" * 16, "more_body": True},
        {"type": "http.request", "body": b"x" * 8, "more_body": False},
    ]
