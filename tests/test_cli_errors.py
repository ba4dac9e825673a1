"""Set-ups that cannot work are refused with a message naming the fix, and a non-zero exit, not a traceback."""

import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import PG_URL, Lawful, _pg_database, drop_database


@pytest.fixture
def empty_url(tmp_path: Path) -> Iterator[str]:
    """A database that was never migrated."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    url = _pg_database(PG_URL, f"lawful_e_{uuid.uuid4().hex[:10]}")
    yield url
    drop_database(url)


@pytest.mark.parametrize(
    "command",
    [
        ("staff", "list"),
        ("notice", "list", "--json"),
        ("register", "diff", "1"),
        ("mail", "deliver"),
        ("audit", "verify"),
    ],
)
def test_a_command_on_an_unmigrated_database_says_to_migrate(
    lawful: Lawful, empty_url: str, monkeypatch: pytest.MonkeyPatch, command: tuple[str, ...]
) -> None:
    monkeypatch.setenv("LAWFUL_DATABASE_URL", empty_url)

    result = lawful(*command)

    assert result.exit_code == 1
    assert "no lawful schema" in result.output and "lawful db upgrade" in result.output
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)


def test_after_the_migration_the_same_command_works(
    lawful: Lawful, empty_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LAWFUL_DATABASE_URL", empty_url)

    migrated = lawful("db", "upgrade")
    verified = lawful("audit", "verify")

    assert (
        migrated.exit_code == 0 and verified.exit_code == 0 and "0 audit entries verified" in verified.output
    )


def test_an_error_that_is_not_the_schema_is_not_hidden(
    lawful: Lawful, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LAWFUL_DATABASE_URL", "sqlite:////nonexistent-directory/lawful.db")

    result = lawful("staff", "list")

    assert result.exit_code != 0 and "lawful db upgrade" not in result.output
    assert result.exception is not None and not isinstance(result.exception, SystemExit)


def test_serve_with_several_workers_refuses_sqlite(
    lawful: Lawful, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LAWFUL_DATABASE_URL", f"sqlite:///{tmp_path / 'served.db'}")

    result = lawful("serve", "--workers", "2")

    assert result.exit_code == 2
    assert "--workers" in result.output and "PostgreSQL" in result.output
    assert not (tmp_path / "served.db").exists()  # refused before anything was migrated or started


def test_a_redis_queue_without_the_redis_package_names_the_setting_and_the_extra(
    lawful: Lawful, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LAWFUL_JOBS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setitem(sys.modules, "redis", None)  # as if it were not installed

    result = lawful("worker")

    assert result.exit_code == 2
    assert "LAWFUL_JOBS_URL" in result.output and "lawful[redis]" in result.output
