"""POST /api/register/scans starts a Chromium for seconds: two at a time per process, a third caller is
answered 429 (naming no URL) instead of a browser more; once one ends, the next is served."""

import importlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Lawful
from tests.registers import minimal
from tests.served import World, served

scanning = importlib.import_module("lawful.processing.scan")  # the package exports the function `scan`
SITE = {"url": "http://127.0.0.1:9/private-page", "accept_all": False}


@pytest.fixture
def world(lawful: Lawful, fresh_url: str, tmp_path: Path) -> Iterator[World]:
    for made in served(lawful, fresh_url, tmp_path):
        made.apply(minimal())
        yield made


def test_a_third_scan_at_once_is_answered_429_and_the_next_after_one_ends_is_served(world: World) -> None:
    headers = world.key("register:read")
    assert scanning.RUNNING.acquire(blocking=False) and scanning.RUNNING.acquire(
        blocking=False
    )  # two running
    try:
        busy = world.client.post("/api/register/scans", json=SITE, headers=headers)
    finally:
        scanning.RUNNING.release()
    served_again = world.client.post("/api/register/scans", json=SITE, headers=headers)
    scanning.RUNNING.release()

    assert busy.status_code == 429 and "private-page" not in busy.text
    assert served_again.status_code != 429
