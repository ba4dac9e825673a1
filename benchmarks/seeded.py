"""A throwaway installation holding many people: its databases, its settings, the env for `lawful serve`.

Unlike environment.installation it does not run `lawful demo`: the register is `people()` from
tests/registers.py, applied by people.seed, which also bulk-inserts the people. The key store gets a
database of its own, as in production (a second PostgreSQL database, or keys.db next to SQLite's file).
"""

import base64
import os
import random
import secrets
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pydantic import SecretStr

import lawful
from lawful.config import Settings

from . import people
from .environment import Installation, database_url
from .server import Server, serving, wait_for_privacy

PEOPLE = 100_000
SMOKE_PEOPLE = 300  # with --smoke
REGISTER = "tests/registers.py people()"


@dataclass(frozen=True)
class Seeded:
    setup: Installation  # what server.serving needs
    settings: Settings  # the same installation, for calling the services in this process
    population: people.Population


@contextmanager
def seeded(database: str, name: str, count: int = PEOPLE, *, seed: int = 1) -> Iterator[Seeded]:
    """`count` people in fresh databases named after `name`; everything is removed on exit."""
    with (
        tempfile.TemporaryDirectory(prefix=f"lawful-bench-{name}-") as tmp,
        database_url(database, name, Path(tmp) / "lawful.db") as url,
        database_url(database, f"{name}_keys", Path(tmp) / "keys.db") as keys_url,
    ):
        master_key = base64.b64encode(secrets.token_bytes(32)).decode()
        env = {key: value for key, value in os.environ.items() if not key.startswith("LAWFUL_")}
        env |= {
            "LAWFUL_DATA_DIR": tmp,
            "LAWFUL_DATABASE_URL": url,
            "LAWFUL_KEYSTORE_URL": keys_url,
            "LAWFUL_MASTER_KEY": master_key,
            "LAWFUL_TRUSTED_PROXIES": "127.0.0.1",  # wrk plays the proxy: "many visitors" send X-Forwarded-For
        }
        settings = Settings(
            data_dir=Path(tmp), database_url=url, keystore_url=keys_url, master_key=SecretStr(master_key)
        )
        population = people.seed(settings, count, rng=random.Random(seed))
        setup = Installation(database=database, data_dir=Path(tmp), env=env, register=REGISTER)
        yield Seeded(setup=setup, settings=settings, population=population)


def describe(item: Seeded) -> None:
    """Print the code under test, how the people were seeded, and the checks made through the real services."""
    print(f"# code: {_revision()}")
    population = item.population
    print(
        f"seeded {len(population.subject_ids):,} people (register {REGISTER}): "
        f"{population.consented:,} with newsletter consent, {population.restricted:,} restricted"
    )
    for step, seconds in population.timings.items():
        print(f"  {step}: {seconds:.1f} s")
    print(f"  total: {sum(population.timings.values()):.1f} s")
    for check in people.verify(item.settings, population):
        print(f"  verified: {check}")


def _revision() -> str:
    """Which code ran: the commit, and whether the tree differed from it (others edit it while benchmarks run)."""
    checkout = Path(lawful.__file__).resolve().parents[2]
    git = ["git", "-C", str(checkout)]
    commit = subprocess.run(
        [*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    )
    if commit.returncode != 0:
        return f"lawful from {checkout} (an export, not a git checkout)"
    changed = subprocess.run(
        [*git, "status", "--porcelain", "--", "src"], capture_output=True, text=True, check=False
    )
    dirty = len(changed.stdout.splitlines())
    return f"commit {commit.stdout.strip()}" + (
        f" plus {dirty} uncommitted changes under src/" if dirty else ""
    )


@contextmanager
def answering(setup: Installation, workers: int = 1) -> Iterator[Server]:
    """`lawful serve`, answering /privacy; started a second time if the first one dies while starting.

    The first start fails now and then with KeyError: 'config' from Alembic: the embedded job consumer
    and create_app both open the key store, which runs its migrations, in two threads at once.
    """
    for attempt in (1, 2):
        with serving(setup, workers) as server:
            try:
                wait_for_privacy(server)
            except RuntimeError as exc:
                if attempt == 2 or server.process.poll() is None:
                    raise
                print(f"# lawful serve died while starting ({str(exc).splitlines()[-1]}); starting it again")
                continue
            yield server
            return
