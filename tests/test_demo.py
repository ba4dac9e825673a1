"""`lawful demo` (scripts/demo): a second run reuses the demo, --reset starts over, a busy port is named
with what to run instead before anything is written, and the demo serves lawful and the company website."""

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from lawful import db, processing, staff
from tests.conftest import MASTER_KEY, Lawful
from tests.live import free_port, wait_until_healthy

ROOT = Path(__file__).resolve().parent.parent
OFFICER = "privacy.officer@example.test"


def _counts(url: str) -> tuple[int, int, int]:
    """(organisations, register versions, staff accounts) in the database at `url`."""
    engine = db.make_engine(url)
    with db.make_sessionmaker(engine)() as session:
        found = tuple(
            session.scalar(select(func.count()).select_from(model)) or 0
            for model in (processing.Organisation, processing.RegisterVersion, staff.StaffUser)
        )
    engine.dispose()
    return found  # type: ignore[return-value]


def test_a_second_run_reuses_the_demo_and_says_how_to_get_back_in(lawful: Lawful, fresh_url: str) -> None:
    first = lawful("demo", "--no-serve")
    second = lawful("demo", "--no-serve")

    assert first.exit_code == 0, first.output
    assert "password: demo-" in first.output
    assert second.exit_code == 0, second.output
    assert "password: demo-" not in second.output and "kept from the previous run" in second.output
    assert f"lawful staff reset-password {OFFICER} --generate" in second.output
    assert _counts(fresh_url) == (1, 1, 1)


@pytest.fixture
def taken() -> Iterator[int]:
    """A loopback port some other program listens on."""
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen(1)
        yield other.getsockname()[1]


def test_a_busy_port_exits_1_naming_a_free_one_before_anything_is_written(
    lawful: Lawful, fresh_url: str, taken: int
) -> None:
    result = lawful("demo", "--serve", "--port", str(taken))

    assert result.exit_code == 1
    assert f"port {taken} is in use; run lawful demo --serve --port " in result.output
    suggested = int(result.output.split("--port ")[1].split()[0])
    assert suggested > taken
    assert "Traceback" not in result.output
    assert _counts(fresh_url) == (0, 0, 0)


def test_a_busy_website_port_is_named_as_the_websites(lawful: Lawful, fresh_url: str, taken: int) -> None:
    result = lawful("demo", "--serve", "--port", str(free_port()), "--site-port", str(taken))

    assert result.exit_code == 1
    assert (
        f"port {taken} is in use (the demo website's port); run lawful demo --serve --site-port "
        in result.output
    )
    assert _counts(fresh_url) == (0, 0, 0)


def test_the_port_comes_from_the_environment_too(
    lawful: Lawful, taken: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LAWFUL_DEMO_PORT", str(taken))
    monkeypatch.setenv("LAWFUL_DEMO_COMMAND", "scripts/demo")

    result = lawful("demo", "--serve")

    assert result.exit_code == 1 and f"port {taken} is in use; run scripts/demo --port " in result.output


def test_reset_refuses_a_database_it_did_not_create(lawful: Lawful, fresh_url: str) -> None:
    """--reset removes only the demo's own SQLite files; a configured database is the operator's."""
    assert lawful("demo", "--no-serve").exit_code == 0

    result = lawful("demo", "--no-serve", "--reset")

    assert result.exit_code == 1 and "LAWFUL_DATABASE_URL" in result.output
    assert _counts(fresh_url) == (1, 1, 1)


def _demo_env(data_dir: Path) -> dict[str, str]:
    """The demo as scripts/demo runs it: everything in the data directory (SQLite), nothing configured."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAWFUL_")}
    return {
        **env,
        "LAWFUL_DATA_DIR": str(data_dir),
        "LAWFUL_MASTER_KEY": MASTER_KEY,
        "PYTHONPATH": str(ROOT / "src"),
    }


def _run(data_dir: Path, *args: str) -> "subprocess.CompletedProcess[str]":
    return subprocess.run(
        [sys.executable, "-m", "lawful", "demo", *args],
        cwd=ROOT,
        env=_demo_env(data_dir),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_reset_starts_over_with_a_new_login(tmp_path: Path) -> None:
    first = _run(tmp_path, "--no-serve")
    assert first.returncode == 0, first.stderr

    again = _run(tmp_path, "--no-serve", "--reset")

    assert again.returncode == 0, again.stderr
    assert "Reset: " in again.stdout and "password: demo-" in again.stdout
    assert again.stdout.split("password: ")[1].split()[0] != first.stdout.split("password: ")[1].split()[0]
    assert _counts(f"sqlite:///{tmp_path / 'lawful.db'}") == (1, 1, 1)


def test_the_demo_serves_lawful_and_the_website_filled_in_and_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    port = free_port()
    site_port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "lawful",
            "demo",
            "--serve",
            "--port",
            str(port),
            "--site-port",
            str(site_port),
        ],
        cwd=ROOT,
        env=_demo_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until_healthy(f"http://127.0.0.1:{port}", server, seconds=60)  # type: ignore[arg-type]
        privacy = httpx.get(f"http://127.0.0.1:{port}/privacy")
        page = httpx.get(f"http://localhost:{site_port}/")
        asset = httpx.get(f"http://127.0.0.1:{site_port}/analytics.js")
        outside = httpx.get(f"http://127.0.0.1:{site_port}/../pyproject.toml")
    finally:
        server.send_signal(signal.SIGINT)
        out, err = server.communicate(timeout=30)

    assert privacy.status_code == 200
    assert page.status_code == 200 and "{{" not in page.text
    # lawful as the visitor reaches it: the host they typed for the website, on lawful's port
    assert (
        f'src="http://localhost:{port}/static/banner.js" data-lawful="http://localhost:{port}"' in page.text
    )
    assert f"script-src 'self' http://localhost:{port};" in page.headers["content-security-policy"]
    assert asset.status_code == 200 and "javascript" in asset.headers["content-type"]
    assert outside.status_code == 404
    assert server.returncode == 0, err
    assert "Traceback" not in err
    assert f"http://127.0.0.1:{site_port}/" in out


def test_setting_up_runs_from_any_folder_and_only_serving_needs_the_website(
    lawful: Lawful, fresh_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Benchmarks and scripts set the demo up from their own data folder, far from examples/website."""
    monkeypatch.chdir(tmp_path)
    register = str(ROOT / "examples" / "crms.yaml")

    made = lawful("demo", "--no-serve", "--register", register)
    served = lawful("demo", "--serve", "--register", register, "--port", str(free_port()))

    assert made.exit_code == 0, made.output
    assert served.exit_code == 1 and "--website" in served.output and "not a folder" in served.output
