"""Request bodies on a real server (uvicorn): every body at or over its route's limit gets an answer at once,
a body over the limit is refused before it is read, and deep JSON is refused before it is parsed."""

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from lawful.app import create_app
from lawful.config import Settings
from tests.conftest import MASTER_KEY, PG_URL, drop_database, fresh_database
from tests.live import serving

LANES = [
    ("/api/decisions", 65_536),
    ("/api/forms/contact/submissions", 65_536),
    ("/api/banner/consents", 16_384),
]
JSON = {"content-type": "application/json"}


@pytest.fixture(scope="module")
def origin(template_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    directory: Path = tmp_path_factory.mktemp("bodies")
    database_url = fresh_database(template_url, directory)
    settings = Settings(data_dir=directory, database_url=database_url, master_key=SecretStr(MASTER_KEY))
    with serving(create_app(settings)) as served:
        yield served
    if PG_URL:
        drop_database(database_url)


def _padded(size: int) -> bytes:
    """A JSON object of exactly `size` bytes."""
    return b'{"pad":"' + b"x" * (size - 10) + b'"}'


@pytest.mark.parametrize(("path", "limit"), LANES)
def test_a_body_exactly_at_a_fast_lanes_limit_is_answered(origin: str, path: str, limit: int) -> None:
    body = _padded(limit)

    answer = httpx.post(f"{origin}{path}", content=body, headers=JSON, timeout=3)

    assert len(body) == limit
    assert answer.status_code != 413
    assert answer.json()["error"]


@pytest.mark.parametrize(("path", "limit"), LANES)
def test_a_body_one_byte_over_a_fast_lanes_limit_is_413(origin: str, path: str, limit: int) -> None:
    answer = httpx.post(f"{origin}{path}", content=_padded(limit + 1), headers=JSON, timeout=3)

    assert answer.status_code == 413
    assert answer.json()["error"] == "body_too_large"
    assert (
        answer.json()["detail"]
        == f"the request body is larger than {limit:,} bytes, the most this endpoint takes"
    )
    assert answer.json()["problems"][0]["path"] == "body"


@pytest.mark.parametrize(("path", "limit"), LANES)
def test_a_chunked_body_growing_over_a_lanes_limit_is_413(origin: str, path: str, limit: int) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"pad":"'
        for _ in range(limit // 4096 + 1):
            yield b"x" * 4096

    answer = httpx.post(f"{origin}{path}", content=chunks(), headers=JSON, timeout=3)

    assert answer.status_code == 413


@pytest.mark.parametrize("path", ["/api/decisions", "/api/forms/contact/submissions", "/api/register/check"])
def test_60_kb_of_deeply_nested_json_is_422_within_a_second(origin: str, path: str) -> None:
    body = b"[" * 30_000 + b"]" * 30_000
    started = time.monotonic()

    answer = httpx.post(f"{origin}{path}", content=body, headers=JSON, timeout=3)

    assert time.monotonic() - started < 1
    assert answer.status_code == 422
    assert answer.json()["detail"] == "invalid input: body: JSON nested deeper than 32 levels"


def test_deeply_nested_json_to_the_banner_is_refused_within_a_second(origin: str) -> None:
    body = b'{"choices":' + b"[" * 30_000 + b"]" * 30_000 + b"}"
    started = time.monotonic()

    answer = httpx.post(f"{origin}/api/banner/consents", content=body, headers=JSON, timeout=3)

    assert time.monotonic() - started < 1
    assert answer.status_code in (413, 422)


def test_a_declared_50_mb_body_is_413_before_any_of_it_is_sent(origin: str) -> None:
    host, port = origin.removeprefix("http://").split(":")
    head = (
        f"POST /api/decisions HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {50 * 1024 * 1024}\r\n\r\n"
    )

    with socket.create_connection((host, int(port)), timeout=2) as connection:
        connection.sendall(head.encode())
        status_line = connection.recv(4096).split(b"\r\n", 1)[0]

    assert status_line == b"HTTP/1.1 413 Request Entity Too Large"


def _rss_kib() -> int:
    """This process's resident memory; the live server runs in one of its threads."""
    status = Path("/proc/self/status").read_text(encoding="ascii")
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")))


def test_a_chunked_50_mb_body_is_413_after_reading_little_more_than_the_limit(origin: str) -> None:
    host, port = origin.removeprefix("http://").split(":")
    head = (
        f"POST /api/banner/consents HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\n\r\n"
    )
    chunk = b"10000\r\n" + b"x" * 0x10000 + b"\r\n"
    before, sent = _rss_kib(), 0

    with socket.create_connection((host, int(port)), timeout=2) as connection:
        connection.sendall(head.encode())
        try:
            while sent < 50 * 1024 * 1024:
                connection.sendall(chunk)
                sent += len(chunk)
        except OSError:  # the server answered and closed: it reads no more
            pass
        status_line = connection.recv(4096).split(b"\r\n", 1)[0]

    assert status_line == b"HTTP/1.1 413 Request Entity Too Large"
    assert sent < 10 * 1024 * 1024
    assert _rss_kib() - before < 5 * 1024


def test_the_server_still_answers_after_refusing_bodies(origin: str) -> None:
    for path, limit in LANES:
        httpx.post(f"{origin}{path}", content=_padded(limit + 1), headers=JSON, timeout=3)

    assert httpx.get(f"{origin}/healthz", timeout=1).status_code == 200
