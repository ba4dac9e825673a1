"""`lawful` starts light: a domain's commands, and the database libraries, load only when a command needs them."""

import re
import subprocess
import sys

from lawful.cli import DOMAINS
from tests.conftest import Lawful


def _loaded_after(code: str) -> set[str]:
    probe = f"import sys; {code}; print(' '.join(sorted(sys.modules)))"
    found = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(found.stdout.split())


def test_importing_the_cli_loads_no_domain_and_no_database_library() -> None:
    loaded = _loaded_after("import lawful.cli")

    heavy = {"sqlalchemy", "alembic", "fastapi", "huey", "httpx", "babel", "rich", "lawful.db", "lawful.dsr"}
    assert not heavy & loaded
    assert not {name for name in loaded if name.endswith(".commands")}


def test_help_lists_every_domain_in_order(lawful: Lawful) -> None:
    result = lawful("--help")

    listed = re.findall(r"^│ ([a-z][a-z0-9-]*)\s{2,}", result.output, flags=re.MULTILINE)
    assert result.exit_code == 0
    assert [name for name in listed if name in DOMAINS] == list(DOMAINS)
    assert listed[:3] == ["serve", "worker", "demo"]


def test_a_domain_command_runs_and_a_typo_is_answered_with_a_suggestion(lawful: Lawful) -> None:
    listed = lawful("staff", "--help")
    typo = lawful("regster")

    assert listed.exit_code == 0 and "Staff accounts" in listed.output
    assert typo.exit_code == 2 and "register" in typo.output
