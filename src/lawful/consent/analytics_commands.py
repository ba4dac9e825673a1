"""`lawful analytics …`: the analytics tools' minimisation settings, shown and set (R-30)."""

from typing import Annotated

import typer

from lawful import processing, terminal

from . import analytics

cli = typer.Typer(help="Analytics tools: their settings and consent category (R-30).", no_args_is_help=True)
Org = Annotated[str | None, typer.Option("--org", help="organisation slug (default: the only one)")]
Json = Annotated[bool, typer.Option("--json", help="machine-readable output")]


@cli.command("show")
def show(org: Org = None, as_json: Json = False) -> None:
    """What GET /api/analytics/config answers: each tool, its settings and the category it fires under."""
    with terminal.session() as db:
        register = processing.current_register(db, organisation_id=terminal.organisation_id(db, org))[1]
        found = analytics.config(register)
    if terminal.emit(found, as_json=as_json):
        return
    for tool in found["analytics"]:
        _print(tool)
    if not found["analytics"]:
        terminal.out.print("no analytics tool in the register")


@cli.command("set")
def set_(
    recipient: Annotated[
        str | None, typer.Option(help="the tool's recipient key (default: the only analytics tool)")
    ] = None,
    ip_anonymisation: Annotated[
        bool | None, typer.Option("--ip-anonymisation/--no-ip-anonymisation", help="IP truncation")
    ] = None,
    vendor_sharing: Annotated[
        bool | None, typer.Option("--vendor-sharing/--no-vendor-sharing", help="the vendor's own use")
    ] = None,
    advertising_features: Annotated[
        bool | None, typer.Option("--advertising-features/--no-advertising-features")
    ] = None,
    retention_months: Annotated[
        int | None, typer.Option(min=1, max=600, help="the tool's data retention")
    ] = None,
    org: Org = None,
    as_json: Json = False,
) -> None:
    """Record the tool's settings as a new register version; settings that are not minimised are refused,
    naming each one, and nothing is stored."""
    change = analytics.Change(ip_anonymisation, vendor_sharing, advertising_features, retention_months)
    with terminal.session() as db:
        tool = analytics.set_settings(
            db,
            terminal.operator(),
            organisation_id=terminal.organisation_id(db, org),
            recipient=recipient,
            change=change,
        )
    if not terminal.emit(tool, as_json=as_json):
        _print(tool)


def _print(tool: dict[str, object]) -> None:
    settings = tool["settings"]
    shown = (
        "settings not recorded"
        if not isinstance(settings, dict)
        else ", ".join(f"{k} {v}" for k, v in settings.items() if k != "retention")
    )
    under = ", ".join(str(c) for c in tool["fires_under"]) if isinstance(tool["fires_under"], list) else ""
    terminal.out.print(f"{tool['recipient']} ({tool['tool'] or tool['name']}), under {under}: {shown}")
