"""Every `lawful` command answers --help, and no command process meets a table it did not load."""

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
from sqlalchemy import inspect

from lawful import db
from lawful.cli import app
from tests.conftest import Lawful
from tests.registers import as_yaml, minimal


def _commands(command: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    if not hasattr(command, "list_commands"):
        return [path]
    found: list[tuple[str, ...]] = [path] if path else []
    for name in command.list_commands(None):
        found += _commands(command.commands[name], (*path, name))
    return found


COMMANDS = _commands(typer.main.get_command(app))

# read-only (or idempotent) commands that need no argument beyond a stored register
CHEAP = [
    ("register", "versions"),
    ("notice", "list"),
    ("staff", "list", "--json"),
    ("audit", "verify"),
    ("audit", "list"),
    ("flags", "art14-pending"),
    ("dsr", "list"),
    ("dsr", "tombstones", "status"),
    ("dsr", "deletions", "list"),
    ("connectors", "check"),
    ("mail", "deliver"),
]


def test_the_command_tree_is_walked() -> None:
    assert len(COMMANDS) > 50 and ("staff", "revoke-key") in COMMANDS


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_answers_help(lawful: Lawful, command: tuple[str, ...]) -> None:
    result = lawful(*command, "--help")

    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output


def test_a_command_process_knows_every_table_before_its_first_session(lawful: Lawful, fresh_url: str) -> None:
    probe = (
        "from lawful import cli, terminal\n"
        "from lawful.db import Base\n"
        "with terminal.session():\n"
        "    print(' '.join(sorted(Base.metadata.tables)))\n"
    )

    found = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)

    engine = db.make_engine(fresh_url)
    migrated = set(inspect(engine).get_table_names()) - {"alembic_version"}
    engine.dispose()
    assert set(found.stdout.split()) == migrated


@pytest.fixture
def with_register(lawful: Lawful, tmp_path: Path) -> Lawful:
    lawful.apply_register(tmp_path, as_yaml(minimal()))
    return lawful


@pytest.mark.parametrize("command", CHEAP, ids=" ".join)
def test_a_cheap_command_runs_in_its_own_process_without_a_traceback(
    with_register: Lawful, command: tuple[str, ...]
) -> None:
    result = with_register.process(*command)

    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 0, result.stderr
