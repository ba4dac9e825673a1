"""`lawful stats`: the dashboard's figures, as GET /api/stats/* answers them (R-80, R-123): counts only,
small cells suppressed."""

from typing import Annotated

import typer

from lawful import terminal

from . import service
from .schemas import BreakdownRead, StatsRead

cli = typer.Typer(
    help="Aggregate figures without identifiers, small cells suppressed (R-80).", no_args_is_help=True
)
Org = Annotated[str | None, typer.Option("--org", help="the organisation's slug (default: the only one)")]
GroupBy = Annotated[service.Dimension, typer.Option("--group-by", help="the dimension to count by")]


@cli.command("subjects")
def subjects(group_by: GroupBy = service.Dimension.CATEGORY, org: Org = None) -> None:
    """The people by category, activity, language or country (JSON), as GET /api/stats/subjects."""
    k = terminal.settings().stats_min_cell
    with terminal.session() as db:
        organisation_id = terminal.organisation_id(db, org)
        table = service.subject_figures(db, organisation_id=organisation_id, group_by=group_by, k=k)
    read = StatsRead(k=k, dimensions=[group_by], breakdowns=[BreakdownRead.of(table)])
    terminal.emit(read.model_dump(mode="json"), as_json=True)


@cli.command("consents")
def consents(org: Org = None) -> None:
    """Per purpose, the people by the state of their consent (JSON), as GET /api/stats/consents."""
    k = terminal.settings().stats_min_cell
    with terminal.session() as db:
        tables = service.consent_figures(db, organisation_id=terminal.organisation_id(db, org), k=k)
    terminal.emit(StatsRead.rows(["purpose", "state"], tables, k).model_dump(mode="json"), as_json=True)


@cli.command("requests")
def requests(org: Org = None) -> None:
    """Per right, the rights requests by outcome (JSON), as GET /api/stats/requests."""
    k = terminal.settings().stats_min_cell
    with terminal.session() as db:
        tables = service.request_figures(db, organisation_id=terminal.organisation_id(db, org), k=k)
    terminal.emit(StatsRead.rows(["right", "outcome"], tables, k).model_dump(mode="json"), as_json=True)
