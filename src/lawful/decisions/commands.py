"""`lawful decide`: the purpose gate from the shell (same function as the API)."""

from typing import Annotated

import typer

from lawful import keystore, subjects, terminal

from . import service

cli = typer.Typer(help="Ask the purpose gate.", no_args_is_help=True)


@cli.command("check")
def check(
    purpose: Annotated[str, typer.Option(help="an activity of the register")],
    email: Annotated[str | None, typer.Option(help="the person's email")] = None,
    phone: Annotated[str | None, typer.Option(help="the person's phone")] = None,
    field: Annotated[
        list[str] | None, typer.Option("--field", help="a data category wanted, repeatable")
    ] = None,
    org: Annotated[str | None, typer.Option("--org")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """May PURPOSE use this person's data now? Exit 0 for allow, 1 for deny."""
    if (email is None) == (phone is None):
        raise typer.BadParameter("give --email or --phone", param_hint="--email")
    kind, value = (subjects.IdentityKind.EMAIL, email) if email else (subjects.IdentityKind.PHONE, phone)
    keys = keystore.open_keys(terminal.settings())
    with terminal.session() as db:
        organisation_id = terminal.organisation_id(db, org)
        subject_id = service.find_subject(
            db, keys, organisation_id=organisation_id, kind=kind, value=value or ""
        )
        decision = service.decide(
            db,
            organisation_id=organisation_id,
            purpose=purpose,
            subject_id=subject_id,
            fields=frozenset(field or []),
        )
    result = {
        "decision": "allow" if decision.allow else "deny",
        "reasons": [str(r) for r in decision.reasons],
        "fields": list(decision.fields),
    }
    if not terminal.emit(result, as_json=as_json):
        terminal.out.print(
            f"{result['decision']}: {', '.join(result['reasons']) or ', '.join(result['fields'])}"
        )
    if not decision.allow:
        raise typer.Exit(1)
