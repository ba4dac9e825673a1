"""`lawful breaches scope B-1 …` (compute who and what a breach reached, R-98) and `lawful breaches
forget-affected` (destroy the lists of cases closed long enough, R-82: what the hourly job does)."""

from datetime import timedelta
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.table import Table

from lawful import clock, keystore, terminal
from lawful.actor import SYSTEM, Actor, ActorKind

from . import service
from .errors import ScopeRefused
from .schemas import ListForgotten, ScopeCreate

cli = typer.Typer()
Many = Annotated[list[str] | None, typer.Option()]


@cli.command("scope")
def scope(
    reference: str,
    system: Annotated[
        list[str] | None, typer.Option(help="`lawful` (its own people) or a datastore key")
    ] = None,
    datastore: Annotated[list[str] | None, typer.Option(help="a datastore of the register")] = None,
    table: Annotated[
        list[str] | None, typer.Option(help="TABLE of the one --datastore, or DATASTORE.TABLE")
    ] = None,
    category: Annotated[
        list[str] | None, typer.Option(help="narrow every source to these data categories")
    ] = None,
    activity: Many = None,
    purpose: Annotated[list[str] | None, typer.Option(help="consent to it in force in the window")] = None,
    recipient: Annotated[
        list[str] | None, typer.Option(help="what this processor or platform received")
    ] = None,
    export: Annotated[list[str] | None, typer.Option(help="a marketing export's id")] = None,
    actor: Annotated[
        list[str] | None, typer.Option(help="a staff member's or API key's id (audit log)")
    ] = None,
    since: Annotated[str | None, typer.Option(help="ISO 8601 with its offset")] = None,
    until: Annotated[
        str | None,
        typer.Option(help="ISO 8601 with its offset, or `now` (still going on); default: awareness"),
    ] = None,
    org: Annotated[str | None, typer.Option("--org", help="the organisation's slug")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """R-98: list the people the breach reached (kept sealed with the case) and count them per category."""
    body = _body(
        since=since,
        until=clock.now().isoformat() if until == "now" else until,
        systems=system or [],
        datastores=_datastores(datastore or [], table or []),
        categories=category or [],
        activities=activity or [],
        purposes=purpose or [],
        recipients=recipient or [],
        exports=export or [],
        actors=actor or [],
    )
    settings = terminal.settings()
    keys = keystore.open_keys(settings)
    with terminal.session() as db:
        made = service.compute(
            db,
            terminal.operator(),
            keys,
            settings,
            organisation_id=terminal.organisation_id(db, org),
            reference=reference,
            scope=body,
        )
        shown = service.read(made.breach, made.scope).model_dump(mode="json")
    if terminal.emit(shown, as_json=as_json):
        return
    terminal.out.print(f"{shown['reference']}: {shown['people']} people, {shown['records']} records affected")
    counts = Table("data category", "people")
    for row in shown["data_categories"]:
        counts.add_row(row["key"], str(row["approx"]))
    terminal.out.print(counts)
    for source, people in shown["sources"].items():
        terminal.out.print(f"  {source}: {people} people")


@cli.command("scope-show")
def scope_show(
    reference: str, org: Annotated[str | None, typer.Option("--org", help="the organisation's slug")] = None
) -> None:
    """The case's latest computed scope (JSON), as GET /api/breaches/{reference}/scope; `scope` computes it."""
    from .. import service as cases
    from .errors import ScopeNotComputed

    with terminal.session() as db:
        breach = cases.get(db, organisation_id=terminal.organisation_id(db, org), reference=reference)
        made = service.latest(db, breach_id=breach.id)
        if made is None:
            raise ScopeNotComputed(f"{breach.reference} has no computed scope yet")
        shown = service.read(breach, made).model_dump(mode="json")
    terminal.emit(shown, as_json=True)


def _datastores(stores: list[str], tables: list[str]) -> list[dict[str, Any]]:
    """`--datastore chinook --table Customer`, or `--table chinook.Customer` with several datastores."""
    chosen: dict[str, list[str]] = {store: [] for store in stores}
    for name in tables:
        store, dot, table = name.rpartition(".")
        if not dot:
            if len(stores) != 1:
                raise ScopeRefused(
                    "--table: name it DATASTORE.TABLE, or give exactly one --datastore",
                    problems=[{"path": "--table", "message": "which datastore?"}],
                )
            store = stores[0]
        chosen.setdefault(store, []).append(table)
    return [{"key": key, "tables": names} for key, names in chosen.items()]


def _body(**values: Any) -> ScopeCreate:
    try:
        return ScopeCreate.model_validate({k: v for k, v in values.items() if v is not None})
    except ValidationError as exc:
        problems = [{"path": "--" + ".".join(map(str, e["loc"])), "message": e["msg"]} for e in exc.errors()]
        raise ScopeRefused(
            "invalid input: " + ", ".join(p["path"] for p in problems), problems=problems
        ) from None


@cli.command("forget-affected")
def forget_affected(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """R-82: destroy the list of the people affected of each case closed for longer than the period."""
    settings = terminal.settings()
    keys = keystore.open_keys(settings)
    keep = timedelta(days=settings.breach_affected_keep_days)
    with terminal.session() as db:
        done = service.forget_due(db, _runner(), keys, now=clock.now(), keep=keep)
        rows = [ListForgotten(reference=b.reference, people=b.affected_count) for b in done]
    if not terminal.emit([r.model_dump(mode="json") for r in rows], as_json=as_json):
        for row in rows:
            terminal.out.print(f"{row.reference}: list of {row.people} people destroyed")
        terminal.out.print(f"{len(rows)} list(s) destroyed")


def _runner() -> Actor:
    """The system for the operator, as the worker runs it; with `--as` the staff member, whose session sees
    their organisation only."""
    actor = terminal.operator()
    return SYSTEM if actor.kind is ActorKind.CLI else actor
