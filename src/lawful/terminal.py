"""What every CLI command shares: settings, a session, the operator as actor, Rich output, --json."""

import getpass
import json
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import typer

from lawful.actor import Actor, ActorKind
from lawful.config import Settings, get_settings

if TYPE_CHECKING:
    from rich.console import Console
    from sqlalchemy.orm import Session

    out: Console  # standard output
    err: Console  # standard error


def __getattr__(name: str) -> "Console":
    """`out` and `err`, made on first use: Rich loads with the first command that prints through it."""
    if name not in ("out", "err"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from rich.console import Console

    console = Console(stderr=name == "err", soft_wrap=True, markup=False, highlight=False)
    globals()[name] = console
    return console


def settings() -> Settings:
    return get_settings()


_before_sessions: list[Callable[[], None]] = []


def before_sessions(prepare: Callable[[], None]) -> None:
    """cli.py plugs in the import of every domain's models, which the kernel cannot import."""
    _before_sessions[:] = [prepare]


@contextmanager
def session() -> "Iterator[Session]":
    from lawful import db  # the engine's modules load with the first command that needs the database

    for prepare in _before_sessions:
        prepare()
    with db.open_session(settings().resolved_database_url()) as opened:
        yield opened


def operator() -> Actor:
    """The person at the server's shell: full rights, recorded under their account name."""
    return Actor(ActorKind.CLI, label=f"cli:{getpass.getuser()}")


def emit(data: Any, *, as_json: bool) -> bool:
    """Print `data` as JSON when asked; returns whether it did."""
    if as_json:
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))
    return as_json


OrganisationResolver = Callable[["Session", str | None], uuid.UUID]
_resolver: list[OrganisationResolver] = []


def resolve_organisations_with(resolver: OrganisationResolver) -> None:
    """cli.py plugs in the register's lookup, which packages below the register cannot import."""
    _resolver[:] = [resolver]


def organisation_id(db: "Session", slug: str | None) -> uuid.UUID:
    return _resolver[0](db, slug)
