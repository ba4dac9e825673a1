"""`lawful marketing campaign …` and `lawful marketing sends`: what the console does on campaigns (parity)."""

import uuid
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

from lawful import keystore, subjects, terminal

from . import campaigns, letters

cli = typer.Typer(help="Campaigns: check, queue, list, show, cancel (R-35, R-36).", no_args_is_help=True)
Json = Annotated[bool, typer.Option("--json", help="machine-readable output")]
Org = Annotated[str | None, typer.Option("--org", help="organisation slug (default: the only one)")]


@cli.command("queue")
def queue(
    campaign: Annotated[str, typer.Argument(help="the campaign's name, unique")],
    purpose: Annotated[str, typer.Option(help="a marketing activity of the register")],
    subject: Annotated[str, typer.Option(help="the mail's subject line")],
    text: Annotated[
        Path, typer.Option(exists=True, dir_okay=False, help="the mail's text, with {unsubscribe_url}")
    ],
    org: Org = None,
    as_json: Json = False,
) -> None:
    """Queue CAMPAIGN to everyone PURPOSE may reach now; each message is checked again when sent."""
    settings = terminal.settings()
    keys = keystore.open_keys(settings)
    with terminal.session() as db:
        result = campaigns.queue(
            db,
            terminal.operator(),
            keys,
            organisation_id=terminal.organisation_id(db, org),
            purpose=purpose,
            campaign=campaign,
            subject_line=subject,
            text=text.read_text(encoding="utf-8"),
            base_url=settings.base_url,
        )
    if not terminal.emit(asdict(result), as_json=as_json):
        terminal.out.print(f"{result.queued} message(s) queued for {campaign}")
        _counts("left out", result.excluded)


@cli.command("check")
def check(
    purpose: Annotated[str, typer.Option(help="a marketing activity of the register")],
    subject: Annotated[str, typer.Option(help="the mail's subject line")],
    text: Annotated[
        Path, typer.Option(exists=True, dir_okay=False, help="the mail's text, with {unsubscribe_url}")
    ],
    org: Org = None,
    as_json: Json = False,
) -> None:
    """Render the message in every language of the organisation as its readers will get it; exit 1 with
    each problem (field and language) that would refuse it when queued (R-35, R-08)."""
    settings = terminal.settings()
    with terminal.session() as db:
        problems = letters.check(
            db,
            keystore.open_keys(settings),
            organisation_id=terminal.organisation_id(db, org),
            purpose=purpose,
            subject_line=subject,
            text=text.read_text(encoding="utf-8"),
            base_url=settings.base_url,
        )
    if not terminal.emit({"publishable": not problems, "problems": problems}, as_json=as_json):
        for problem in problems:
            where = f"{problem['path']} ({problem['language']})" if "language" in problem else problem["path"]
            terminal.err.print(f"{where}: {problem['message']}", style="red")
        if not problems:
            terminal.out.print("every language version may be sent", style="green")
    if problems:
        raise typer.Exit(1)


@cli.command("list")
def list_all(org: Org = None, as_json: Json = False) -> None:
    """Every campaign, newest first, with what became of its messages."""
    with terminal.session() as db:
        found = campaigns.list_campaigns(db, organisation_id=terminal.organisation_id(db, org))
    if terminal.emit([asdict(c) for c in found], as_json=as_json):
        return
    for view in found:
        cancelled = " (cancelled)" if view.cancelled_at else ""
        outcomes = ", ".join(f"{k} {n}" for k, n in sorted(view.outcomes.items()))
        terminal.out.print(f"{view.key}{cancelled}: {view.purpose}, queued {view.queued}: {outcomes}")


@cli.command("show")
def show(campaign: str, org: Org = None, as_json: Json = False) -> None:
    """One campaign: who was left out when queued and when sent, by reason."""
    with terminal.session() as db:
        view = campaigns.show(db, organisation_id=terminal.organisation_id(db, org), key=campaign)
    _print(view, as_json)


@cli.command("cancel")
def cancel(campaign: str, org: Org = None, as_json: Json = False) -> None:
    """Take back every message of CAMPAIGN not sent yet."""
    with terminal.session() as db:
        view = campaigns.cancel(
            db, terminal.operator(), organisation_id=terminal.organisation_id(db, org), key=campaign
        )
    _print(view, as_json)


def sends(
    subject: Annotated[uuid.UUID, typer.Option(help="the person's id")],
    org: Org = None,
    as_json: Json = False,
) -> None:
    """The campaign messages queued for a person and what became of each (sent: it reached them)."""
    with terminal.session() as db:
        subjects.get(db, subject_id=subject, organisation_id=terminal.organisation_id(db, org))
        found = campaigns.sends_of(db, subject_id=subject)
    if terminal.emit([asdict(s) for s in found], as_json=as_json):
        return
    for send in found:
        why = f" ({send.reason})" if send.reason else ""
        terminal.out.print(
            f"{send.queued_at:%Y-%m-%d %H:%M} {send.campaign} [{send.purpose}]: {send.outcome}{why}"
        )


def _print(view: campaigns.CampaignView, as_json: bool) -> None:
    if terminal.emit(asdict(view), as_json=as_json):
        return
    cancelled = f", cancelled {view.cancelled_at:%Y-%m-%d %H:%M}" if view.cancelled_at else ""
    terminal.out.print(f"{view.key}: {view.purpose}, queued {view.queued} by {view.queued_by}{cancelled}")
    _counts("left out when queued", view.excluded_when_queued)
    _counts("messages", view.outcomes)
    _counts("left out when sent", view.dropped)
    _counts("taken back", view.cancelled)


def _counts(title: str, counts: dict[str, int]) -> None:
    if counts:
        terminal.out.print(f"{title}: " + ", ".join(f"{k} {n}" for k, n in sorted(counts.items())))
