"""`lawful audit …`: verify the chain, list entries, print the head for anchoring elsewhere."""

from typing import Annotated

import typer
from rich.progress import Progress
from rich.table import Table
from sqlalchemy.orm import Session

from lawful import keystore, terminal

from . import service
from .schemas import HeadRead

cli = typer.Typer(help="The tamper-evident audit log (R-88).", no_args_is_help=True)
Json = Annotated[bool, typer.Option("--json", help="machine-readable output")]


@cli.command("verify")
def verify(
    expect_head: Annotated[
        str | None, typer.Option(help="SEQ:HASH recorded earlier; detects a cut-off tail")
    ] = None,
    as_json: Json = False,
) -> None:
    """Check every entry; exit 1 naming the first altered, removed or reordered one."""
    keystore.open_keys(terminal.settings())  # the audit key: seals sign the head, verify checks it
    with terminal.session() as db, Progress(transient=True, console=terminal.err) as progress:
        progress.add_task("verifying the audit chain", total=None)
        checked, broken = service.verify(db)
        head = service.head(db)
        anchor_problem = _anchor_problem(db, expect_head) if expect_head else None
    ok = broken is None and anchor_problem is None
    result = {
        "ok": ok,
        "checked": checked,
        "broken_seq": broken.seq if broken else None,
        "reason": broken.reason if broken else anchor_problem,
        "head": f"{head[0]}:{head[1]}" if head else None,
    }
    if not terminal.emit(result, as_json=as_json):
        if broken is not None:
            terminal.err.print(f"audit entry {broken.seq} is broken: {broken.reason}", style="red")
        elif anchor_problem:
            terminal.err.print(f"{anchor_problem}", style="red")
        else:
            terminal.out.print(f"{checked} audit entries verified; head {result['head']}", style="green")
    if not ok:
        raise typer.Exit(1)


def _anchor_problem(db: Session, expect_head: str) -> str | None:
    seq_text, _, digest = expect_head.partition(":")
    if not seq_text.isdigit() or len(digest) != 64:
        raise typer.BadParameter("use SEQ:HASH as printed by `lawful audit head`", param_hint="--expect-head")
    entries = service.list_entries(db, limit=1, before_seq=int(seq_text) + 1)
    if not entries or entries[0].seq != int(seq_text) or entries[0].hash != digest:
        return f"the recorded head {seq_text} is missing or different: entries were removed from the end"
    return None


@cli.command("head")
def head(as_json: Json = False) -> None:
    """Print SEQ:HASH of the newest entry, to keep outside the database."""
    keystore.open_keys(terminal.settings())
    with terminal.session() as db:
        found = HeadRead.of(service.head(db))
    if not terminal.emit(found.model_dump(mode="json"), as_json=as_json):
        typer.echo(found.head or "empty")


@cli.command("accept-head")
def accept_head(
    yes: Annotated[
        bool, typer.Option("--yes", help="the main database was restored from a backup on purpose")
    ] = False,
) -> None:
    """After restoring the main database from a backup: sign the log's end as it now stands.

    Until then `verify` reports the entries after the backup as cut off and no new entry is sealed. The
    loss stays on record: the head the key store held and the accepted one go into an audit entry."""
    keystore.open_keys(terminal.settings())
    if not yes:
        terminal.err.print(
            "this accepts the loss of every entry after the log's current end: add --yes", style="red"
        )
        raise typer.Exit(1)
    with terminal.session() as db:
        previous, accepted = service.accept_head(db, terminal.operator())
    before = f"{previous.seq}:{previous.hash}" if previous else "none"
    after = f"{accepted[0]}:{accepted[1]}" if accepted else "empty"
    terminal.out.print(f"head {after} accepted in place of {before}; recorded as audit.head_accepted")


@cli.command("list")
def list_entries(
    action: Annotated[str | None, typer.Option(help="action prefix, e.g. register.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10000)] = 50,
    as_json: Json = False,
) -> None:
    """Show the newest entries."""
    keystore.open_keys(terminal.settings())
    with terminal.session() as db:
        entries = service.list_entries(db, action=action, limit=limit)
        rows = [
            {
                "seq": e.seq,
                "at": e.at,
                "actor": e.actor_label,
                "action": e.action,
                "entity": f"{e.entity_type}:{e.entity_id}",
                "outcome": e.outcome,
            }
            for e in entries
        ]
    if not terminal.emit(rows, as_json=as_json):
        table = Table("#", "at", "actor", "action", "entity", "outcome")
        for row in rows:
            table.add_row(*(str(row[k]) for k in ("seq", "at", "actor", "action", "entity", "outcome")))
        terminal.out.print(table)
