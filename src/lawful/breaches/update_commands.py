"""`lawful breaches update B-1 …`: facts learnt since the case opened, as PATCH /api/breaches/{reference}
(R-123): only the options given change, each change audited by the service as the route's are."""

from typing import Annotated, Any

import typer

from lawful import terminal

from . import service
from .schemas import MAX_COUNT, BreachUpdate, read

cli = typer.Typer()
At = Annotated[str | None, typer.Option(help="ISO 8601 with its offset, e.g. 2026-05-01T10:00+02:00")]
Text = Annotated[str | None, typer.Option()]
Listed = Annotated[str | None, typer.Option(help="comma-separated; an empty string empties it")]
Counted = Annotated[str | None, typer.Option(help="key[:approx],… e.g. user.contact.email:2000")]
Count = Annotated[int | None, typer.Option(min=0, max=MAX_COUNT)]


@cli.command("update")
def update(
    reference: str,
    title: Text = None,
    summary: Text = None,
    aware_at: At = None,
    occurred_at: At = None,
    detected_at: At = None,
    nature: Listed = None,
    data_categories: Counted = None,
    subject_categories: Counted = None,
    approx_subjects: Count = None,
    approx_records: Count = None,
    systems: Listed = None,
    datastores: Listed = None,
    recipients: Listed = None,
    cause: Text = None,
    consequences: Text = None,
    measures_taken: Text = None,
    measures_proposed: Text = None,
    client: Annotated[str | None, typer.Option(help="the client controller whose data are concerned")] = None,
    org: Annotated[
        str | None, typer.Option("--org", help="the organisation's slug (default: the only one)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Record facts learnt since (Art. 33(4)): only the options given change; the case as JSON with --json."""
    from .commands import _counts, _names, _valid

    def listed(text: str | None) -> list[str] | None:
        return None if text is None else _names(text)

    def counted(text: str | None) -> list[dict[str, Any]] | None:
        return None if text is None else _counts(text)

    changes = _valid(
        BreachUpdate,
        title=title,
        summary=summary,
        aware_at=aware_at,
        occurred_at=occurred_at,
        detected_at=detected_at,
        nature=listed(nature),
        data_categories=counted(data_categories),
        subject_categories=counted(subject_categories),
        approx_subjects=approx_subjects,
        approx_records=approx_records,
        systems=listed(systems),
        datastores=listed(datastores),
        recipients=listed(recipients),
        cause=cause,
        consequences=consequences,
        measures_taken=measures_taken,
        measures_proposed=measures_proposed,
        client_controller=client,
    )
    if not changes.model_fields_set:
        raise typer.BadParameter("give at least one fact to change", param_hint="options")
    with terminal.session() as db:
        organisation_id = terminal.organisation_id(db, org)
        breach = service.update(
            db, terminal.operator(), organisation_id=organisation_id, reference=reference, changes=changes
        )
        shown = read(service.case(db, breach=breach)).model_dump(mode="json")
    if not terminal.emit(shown, as_json=as_json):
        terminal.out.print(f"{shown['reference']} updated")
