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
from lawful.errors import Forbidden

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
    """The command's unit of work (lawful.work): committed when the block ends or exits with status 0,
    rolled back when it fails."""
    from click.exceptions import Exit

    from lawful import db, work  # the engine's modules load with the first command that needs the database

    for prepare in _before_sessions:
        prepare()
    engine = db.make_engine(settings().resolved_database_url())
    opened = db.make_sessionmaker(engine)()
    try:
        if _acting_as and not _acting:
            _acting.append(_staff[0](opened, _acting_as[0], _command()))
        if _acting:
            db.scope(opened, _acting[0].organisation_id)  # a staff member sees their organisation only
        yield opened
    except Exit as exc:  # typer.Exit(0) ends a command that succeeded
        if exc.exit_code == 0:
            work.finish(opened)
        else:
            work.fail(opened, exc)
        raise
    except BaseException as exc:
        work.fail(opened, exc)
        raise
    else:
        work.finish(opened)
    finally:
        opened.close()
        engine.dispose()


def operator() -> Actor:
    """Who the command acts as: the person at the server's shell (full rights, recorded under their
    account name), or with `lawful --as EMAIL` that staff member, with their roles' rights only."""
    if _acting:
        return _acting[0]
    if _acting_as:  # fail closed: never the operator's rights for a command that asked for a staff member's
        raise Forbidden("the staff member is known only once the command has opened the database")
    return Actor(ActorKind.CLI, label=f"cli:{getpass.getuser()}")


StaffResolver = Callable[["Session", str, str], Actor]
_staff: list[StaffResolver] = []
_acting_as: list[str] = []
_acting: list[Actor] = []


def act_as(email: str | None) -> None:
    """`lawful --as EMAIL`: the commands run as that staff member (resolved and checked at the first session)."""
    _acting_as[:] = [email] if email else []
    _acting.clear()


def resolve_staff_with(resolver: StaffResolver) -> None:
    """cli.py plugs in the staff look-up and the command's permission check (staff is above the kernel)."""
    _staff[:] = [resolver]


_running: list[str] = [""]


def running(command: str) -> None:
    """The root group names the command about to run (`register apply`), for the rights of `--as`."""
    _running[0] = command


def _command() -> str:
    return _running[0]


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
