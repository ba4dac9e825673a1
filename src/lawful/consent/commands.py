"""`lawful consent …`: record a withdrawal staff received by phone, letter or at the desk (R-22)."""

import uuid
from typing import Annotated

import typer

from lawful import keystore, subjects, terminal

from . import withdrawals
from .service import Proof

cli = typer.Typer(help="Consent: withdrawals received outside the links (R-22).", no_args_is_help=True)


@cli.command("withdraw")
def withdraw(
    subject: Annotated[uuid.UUID, typer.Option(help="the person's id")],
    purpose: Annotated[str, typer.Option(help="the one purpose whose consent ends")],
    channel: Annotated[str, typer.Option(help="phone, letter, email or in_person")],
    org: Annotated[
        str | None, typer.Option("--org", help="organisation slug (default: the only one)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """End the consent for PURPOSE only; other consents stay; queued marketing mail for it is taken back."""
    if channel not in ("phone", "letter", "email", "in_person"):
        raise typer.BadParameter("use phone, letter, email or in_person", param_hint="--channel")
    keys = keystore.open_keys(terminal.settings())
    with terminal.session() as db:
        person = subjects.get(db, subject_id=subject, organisation_id=terminal.organisation_id(db, org))
        done = withdrawals.withdraw(
            db,
            terminal.operator(),
            keys,
            subject=person,
            purpose=purpose,
            proof=Proof(
                text=f"withdrawal received by {channel}",
                text_version="1",
                language=person.language or "en",
                channel=channel,
                element="staff:withdrawal",
            ),
        )
    data = {"subject_id": str(subject), "purpose": done.purpose, "withdrawn": done.withdrawn}
    if not terminal.emit(data, as_json=as_json):
        terminal.out.print(f"consent for {purpose} withdrawn; other consents unchanged")


@cli.command("history")
def history(
    subject: uuid.UUID,
    org: Annotated[
        str | None, typer.Option("--org", help="organisation slug (default: the only one)")
    ] = None,
) -> None:
    """A person's consent events in order, with the text hash and version shown (JSON, R-20), as
    GET /api/subjects/{subject_id}/consents."""
    from . import service
    from .schemas import ConsentEventRead

    with terminal.session() as db:
        subjects.get(db, subject_id=subject, organisation_id=terminal.organisation_id(db, org))
        events = [
            ConsentEventRead.model_validate(e).model_dump(mode="json")
            for e in service.history(db, subject_id=subject)
        ]
    terminal.emit(events, as_json=True)
