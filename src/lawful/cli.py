"""The `lawful` command: serve, the demo, migrations, the calendar, and each domain's commands.

A domain's sub-commands are imported only when one of them runs (or `--help` lists them), and each
command imports what it needs when it runs: `lawful serve` pays for no other command, nor for the
domains it does not serve.
"""

import dataclasses
import gc
import importlib
import sys
from collections.abc import Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup
from typer.models import TyperInfo

from lawful import acting, demo, terminal
from lawful.errors import LawfulError

if TYPE_CHECKING:
    import uuid

    from sqlalchemy.orm import Session

# name → (module, attribute) of each domain's Typer sub-app, in the order `--help` lists them
DOMAINS = {
    "register": ("lawful.processing.commands", "cli"),
    "notice": ("lawful.notices.commands", "cli"),
    "i18n": ("lawful.notices.commands", "i18n_cli"),
    "staff": ("lawful.staff.commands", "cli"),
    "audit": ("lawful.audit.commands", "cli"),
    "subjects": ("lawful.intake.commands", "cli"),
    "flags": ("lawful.subjects.commands", "cli"),
    "decide": ("lawful.decisions.commands", "cli"),
    "dsr": ("lawful.dsr.commands", "cli"),
    "connectors": ("lawful.connectors.commands", "cli"),
    "marketing": ("lawful.marketing.commands", "cli"),
    "consent": ("lawful.consent.commands", "cli"),
    "breaches": ("lawful.breaches.commands", "cli"),
    "breach": ("lawful.breaches.commands", "cli"),  # `lawful breach open …`, as R-93 writes it
    "compliance": ("lawful.compliance.commands", "cli"),
    "clients": ("lawful.clients.commands", "cli"),
    "analytics": ("lawful.consent.analytics_commands", "cli"),
    "retention": ("lawful.retention.commands", "cli"),
    "stats": ("lawful.stats.commands", "cli"),
}
# groups mounted inside a domain's group by a package above it, which the domain itself cannot import
NESTED = {
    "clients": {"end": ("lawful.retention.contracts.commands", "cli")},  # `lawful clients end …`
}
# every package that declares tables; a command that loads only its own domain would meet foreign keys
# to tables nobody declared (NoReferencedTableError), so each process loads them all before a session
MODEL_PACKAGES = (
    "audit",
    "staff",
    "processing",
    "clients",
    "notices",
    "subjects",
    "consent",
    "intake",
    "decisions",
    "marketing",
    "connectors",
    "dsr",
    "breaches",
    "retention",
    "breaches.scope",  # the scope's and the letters' tables (breach_scopes, breach_letters)
    "breaches.clients",  # the notices to client controllers (breach_client_notices)
    "mail",
    "compliance",
)


def load_models() -> None:
    """Import every domain's models, so that every table a foreign key names is known."""
    for package in MODEL_PACKAGES:
        importlib.import_module(f"lawful.{package}")


class _Commands(MutableMapping[str, Any]):
    """The root's sub-commands: a domain's group is built, and its module imported, when first looked up."""

    def __init__(self, eager: Mapping[str, Any]) -> None:
        plain = [name for name, command in eager.items() if not isinstance(command, TyperGroup)]
        groups = [name for name in eager if name not in plain]
        self._order = [*plain, *DOMAINS, *groups]  # the order add_typer gave: commands, then groups
        self._built: dict[str, Any] = dict(eager)

    def __getitem__(self, name: str) -> Any:
        if name not in self._built:
            if name not in DOMAINS:
                raise KeyError(name)
            module, attribute = DOMAINS[name]
            sub_app = getattr(importlib.import_module(module), attribute)
            for nested, (inner, inner_attribute) in NESTED.get(name, {}).items():
                if not any(group.name == nested for group in sub_app.registered_groups):
                    sub_app.add_typer(getattr(importlib.import_module(inner), inner_attribute), name=nested)
            self._built[name] = typer.main.get_group_from_info(
                TyperInfo(sub_app, name=name),
                pretty_exceptions_short=app.pretty_exceptions_short,
                suggest_commands=app.suggest_commands,
                rich_markup_mode=app.rich_markup_mode,
            )
        return self._built[name]

    def __setitem__(self, name: str, command: Any) -> None:
        if name not in self._order:
            self._order.append(name)
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        self._order.remove(name)
        self._built.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._order)

    def __len__(self) -> int:
        return len(self._order)


class _Group(TyperGroup):
    """The root group: its domains' commands load on demand (`_Commands`), and a LawfulError anywhere
    below becomes a clear message and a non-zero exit (no traceback)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands = _Commands(self.commands)

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.commands)  # names only: listing builds nothing

    def invoke(self, ctx: Any) -> Any:  # typer vendors click; its Context type is private
        terminal.running(self._path([*getattr(ctx, "_protected_args", []), *ctx.args]))
        try:
            return super().invoke(ctx)
        except LawfulError as exc:
            terminal.err.print(f"error ({exc.code}): {exc.detail}", style="red")
            for problem in exc.problems:
                where = problem.get("path") or problem.get("element", "")
                terminal.err.print(f"  - {where}: {problem.get('message', '')}")
            raise typer.Exit(2 if exc.status >= 500 else 1) from None
        except Exception as exc:
            behind = _schema_behind(exc)
            if behind is None:
                raise
            terminal.err.print(f"error (not_migrated): {behind}; run `lawful db upgrade` first", style="red")
            raise typer.Exit(1) from None

    def _path(self, words: list[str]) -> str:
        """The command the arguments name, without its own arguments: `dsr tombstones apply`."""
        path: list[str] = []
        group: Any = self
        for word in words:
            command = group.commands.get(word) if hasattr(group, "commands") else None
            if command is None:
                break
            path.append(word)
            group = command
        return " ".join(path)


def _schema_behind(exc: Exception) -> str | None:
    """Why a failed statement's database is not at lawful's newest migration; None when it is (or when
    the database cannot be asked), so that the original error is shown."""
    from sqlalchemy.exc import OperationalError, ProgrammingError

    if not isinstance(exc, OperationalError | ProgrammingError):
        return None
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from lawful import db

    try:
        engine = db.make_engine(terminal.settings().resolved_database_url())
        try:
            with engine.connect() as connection:
                current = set(MigrationContext.configure(connection).get_current_heads())
        finally:
            engine.dispose()
    except Exception:  # the database cannot be asked: the original error says more
        return None
    heads = set(ScriptDirectory.from_config(db.alembic_config()).get_heads())
    if current == heads:
        return None
    if not current:
        return "the database has no lawful schema"
    return f"the database is at migration {', '.join(sorted(current))}; this lawful needs {', '.join(sorted(heads))}"


def _organisation_id(db: "Session", slug: str | None) -> "uuid.UUID":
    from lawful import processing

    return processing.get_organisation(db, slug=slug).id


terminal.resolve_organisations_with(_organisation_id)
terminal.resolve_staff_with(acting.staff_actor)
terminal.before_sessions(load_models)
app = typer.Typer(
    cls=_Group,
    pretty_exceptions_enable=False,
    help="lawful: a company's privacy policy, kept true in software.",
    no_args_is_help=True,
)


@app.callback()
def _root(
    as_staff: Annotated[
        str | None,
        typer.Option(
            "--as",
            envvar="LAWFUL_AS",
            help="act as this staff member (email): their roles limit what the command may do, and the "
            "audit names them; default: the operator of the data directory, with every right",
        ),
    ] = None,
) -> None:
    terminal.act_as(as_staff)


keys_cli = typer.Typer(help="The key store: master-key rotation (R-86).", no_args_is_help=True)
app.add_typer(keys_cli, name="keys")


@keys_cli.command("rotate")
def rotate_keys() -> None:
    """Re-wrap every data key under LAWFUL_MASTER_KEY (old keys in LAWFUL_PREVIOUS_MASTER_KEYS); data untouched."""
    from lawful import keystore

    keys = keystore.open_keys(terminal.settings())
    done = keys.store.rotate()
    left = keys.store.count_not_current()
    terminal.out.print(f"{done} key(s) re-wrapped; {left} left under an older master key")
    if left:
        raise typer.Exit(1)


db_cli = typer.Typer(help="The database schema.", no_args_is_help=True)
calendar_cli = typer.Typer(help="The Belgian legal calendar (R-122).", no_args_is_help=True)
app.add_typer(db_cli, name="db")
app.add_typer(calendar_cli, name="calendar")


@db_cli.command("upgrade")
def upgrade() -> None:
    """Apply every pending migration."""
    from lawful import db

    engine = db.make_engine(terminal.settings().resolved_database_url())
    db.upgrade_to_head(engine)
    engine.dispose()
    terminal.out.print("database schema is up to date")


@calendar_cli.command("working-day")
def working_day(
    day: str, as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False
) -> None:
    """Say whether DAY (YYYY-MM-DD) is a Belgian working day; exit 1 when it is not."""
    from lawful import clock

    try:
        parsed = date.fromisoformat(day)
    except ValueError as exc:
        raise typer.BadParameter("use YYYY-MM-DD", param_hint="DAY") from exc
    found = clock.working_day(parsed)
    if not terminal.emit(found, as_json=as_json):
        why = f" ({found['why']})" if found["why"] else ""
        typer.echo(f"{parsed} {'is' if found['working_day'] else 'is not'} a working day{why}")
    if not found["working_day"]:
        raise typer.Exit(1)


@app.command()
def serve(
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
    workers: Annotated[int, typer.Option(help="processes (PostgreSQL only)")] = 1,
) -> None:
    """Migrate the database, then serve the API, the public pages and the console."""
    settings = terminal.settings()
    if workers > 1 and settings.resolved_database_url().startswith("sqlite"):
        raise typer.BadParameter(
            "several processes need PostgreSQL: set LAWFUL_DATABASE_URL=postgresql+psycopg://…, "
            "or serve with one process",
            param_hint="--workers",
        )
    with _collector_paused():
        import uvicorn

        from lawful import db, jobs
        from lawful.dsr import tasks as dsr_tasks
        from lawful.notices.changes import tasks as notice_change_tasks  # noqa: F401  (change mail, hourly)
        from lawful.retention import tasks as retention_tasks  # noqa: F401  (the embedded worker runs it hourly)

        engine = db.make_engine(settings.resolved_database_url())
        db.upgrade_to_head(engine)
        engine.dispose()
        load_models()
        dsr_tasks.reapply_tombstones.call_local()  # a restored backup is erased again before it is served
        if workers <= 1:
            from lawful.app import create_app

            jobs.configure(settings)
            application = create_app(settings)
    if workers > 1:
        uvicorn.run(
            "lawful.wsgi:app",
            host=host,
            port=port,
            workers=workers,
            log_level="warning",
            **proxy_options(settings.trusted_proxies),
        )
        return
    background = jobs.consumer(workers=1) if settings.jobs_url != "immediate" else None
    if background is not None:
        background.start()  # embedded mode: the one process also runs the jobs
    try:
        uvicorn.run(
            application,
            host=host,
            port=port,
            log_level="warning",
            **proxy_options(settings.trusted_proxies),
        )
    finally:
        if background is not None:
            background.stop(graceful=True)


def proxy_options(trusted_proxies: str) -> dict[str, Any]:
    """uvicorn believes X-Forwarded-For/-Proto from loopback unless told otherwise: only from listed proxies."""
    if not trusted_proxies.strip():
        return {"proxy_headers": False}
    return {"proxy_headers": True, "forwarded_allow_ips": trusted_proxies}


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Start-up (the imports, the app's routes and models) makes a million objects that live as long as
    the process; meanwhile the cyclic collector would walk them again and again (0.2 s of the cold start).
    They are then frozen out of its sight, as the app's lifespan does with what it finds loaded."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


@app.command()
def worker(workers: Annotated[int, typer.Option(help="worker threads")] = 2) -> None:
    """Run background jobs (mail delivery, sweeps) until stopped; any number of workers may run."""
    from lawful import jobs, keystore
    from lawful.audit import tasks as audit_tasks
    from lawful.dsr import tasks as dsr_tasks  # noqa: F401  (declares the rights-request jobs on huey)
    from lawful.notices.changes import tasks as notice_change_tasks  # noqa: F401  (change mail, hourly)
    from lawful.retention import tasks as retention_tasks  # noqa: F401  (the hourly retention run)

    settings = terminal.settings()
    load_models()  # the jobs open their own sessions
    jobs.configure(settings)
    keystore.open_keys(settings)  # the sealer signs the audit log's head with the key store's audit key
    interval = settings.audit_seal_seconds
    sealer = (
        audit_tasks.Sealer(settings.resolved_database_url(), interval=interval).start() if interval else None
    )
    try:
        jobs.consumer(workers).run()
    finally:
        if sealer is not None:
            sealer.stop()


mail_cli = typer.Typer(help="Outgoing mail.", no_args_is_help=True)
app.add_typer(mail_cli, name="mail")


@mail_cli.command("deliver")
def deliver_mail(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Send every message that is due now (what the worker does every minute)."""
    from lawful import jobs, keystore

    settings = terminal.settings()
    load_models()  # as the worker: marketing's send-time screen registers with the mail on import
    done = jobs.deliver_units(settings, keystore.open_keys(settings))  # short units: opt-outs get in
    if terminal.emit(dataclasses.asdict(done), as_json=as_json):
        return
    terminal.out.print(f"{done.sent} message(s) sent, {done.retrying} to retry")
    if done.failed:
        reasons = ", ".join(f"{reason} {n}" for reason, n in sorted(done.failed.items()))
        terminal.err.print(f"{sum(done.failed.values())} message(s) given up: {reasons}", style="yellow")


app.command()(demo.demo)


def main() -> None:
    sys.exit(app())
