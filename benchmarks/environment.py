"""A throwaway lawful installation per benchmark: a temp data dir, its own database, the demo applied."""

import base64
import os
import secrets
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
LAWFUL = Path(sys.executable).parent / "lawful"
REGISTER = ROOT / "examples" / "crms.yaml"
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432"
DATABASES = ("sqlite", "postgresql")


@dataclass(frozen=True)
class Installation:
    database: str
    data_dir: Path
    env: dict[str, str]
    register: str


@contextmanager
def installation(database: str, name: str) -> Iterator[Installation]:
    """Everything `lawful serve` needs, prepared once with `lawful demo`; removed on exit."""
    with (
        tempfile.TemporaryDirectory(prefix=f"lawful-bench-{name}-") as tmp,
        database_url(database, name, Path(tmp) / "lawful.db") as url,
    ):
        env = {key: value for key, value in os.environ.items() if not key.startswith("LAWFUL_")}
        env |= {
            "LAWFUL_DATA_DIR": tmp,
            "LAWFUL_DATABASE_URL": url,
            "LAWFUL_MASTER_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
            "LAWFUL_TRUSTED_PROXIES": "127.0.0.1",  # wrk plays the proxy: "many visitors" send X-Forwarded-For
        }
        register = _apply_demo(env, Path(tmp))
        yield Installation(database=database, data_dir=Path(tmp), env=env, register=register)


@contextmanager
def database_url(database: str, name: str, sqlite_file: Path) -> Iterator[str]:
    """A fresh database for one benchmark run: a SQLite file, or a PostgreSQL database dropped afterwards."""
    if database == "sqlite":
        yield f"sqlite:///{sqlite_file}"
        return
    # the process id keeps two runs apart (a benchmark started while CI runs the same one at its smoke
    # size): with a shared name, each run's DROP … WITH (FORCE) cut the other's connections
    dbname = f"lawful_bench_{name}_{os.getpid()}"
    admin = create_engine(f"{POSTGRES}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{dbname}"'))
        yield f"{POSTGRES}/{dbname}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)'))
        admin.dispose()


def _apply_demo(env: dict[str, str], data_dir: Path) -> str:
    """`lawful demo` with the CRMS example; the tests' minimal register if the example does not apply."""
    first = _demo(env, data_dir, REGISTER)
    if first.returncode == 0:
        return str(REGISTER.relative_to(ROOT))
    from tests.registers import as_yaml, minimal

    fallback = data_dir / "minimal.yaml"
    fallback.write_text(as_yaml(minimal()), encoding="utf-8")
    second = _demo(env, data_dir, fallback)
    if second.returncode != 0:
        raise RuntimeError(f"lawful demo failed:\n{second.stderr}")
    reason = (first.stderr.strip() or first.stdout.strip()).splitlines()[
        -1:
    ]  # the exception, not "Traceback"
    return f"tests/registers.py minimal() (examples/crms.yaml did not apply: {' '.join(reason)})"


def _demo(env: dict[str, str], data_dir: Path, register: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LAWFUL), "demo", "--register", str(register)],
        env=env,
        cwd=data_dir,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
