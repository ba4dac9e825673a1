"""`lawful staff …`: accounts, roles and API keys."""

import json
import sys
import uuid
from datetime import date
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from lawful import keystore, terminal

from . import grants, passwords, service
from .errors import StaffNotFound
from .models import StaffUser
from .rules import Role
from .schemas import ApiKeyCreated, ApiKeyRead, PasswordResetRead

cli = typer.Typer(help="Staff accounts, roles (R-84) and API keys.", no_args_is_help=True)
Org = Annotated[str | None, typer.Option("--org", help="organisation slug (default: the only one)")]
Json = Annotated[bool, typer.Option("--json", help="machine-readable output")]


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter("use YYYY-MM-DD", param_hint=option) from exc


@cli.command("add")
def add(
    email: str,
    role: Annotated[list[Role], typer.Option("--role", help="repeat for several roles")],
    name: Annotated[str | None, typer.Option(help="display name")] = None,
    password: Annotated[str | None, typer.Option(help="default: a random one, printed once")] = None,
    training: Annotated[str | None, typer.Option(help="date of data-protection training, YYYY-MM-DD")] = None,
    confidentiality: Annotated[
        str | None, typer.Option(help="date the confidentiality undertaking was signed")
    ] = None,
    org: Org = None,
    as_json: Json = False,
) -> None:
    """Create a staff account; prints its password (if generated) and authenticator secret once."""
    chosen = password or passwords.generate()
    with terminal.session() as db:
        organisation_id = terminal.organisation_id(db, org)
        created = service.add(
            db,
            terminal.operator(),
            keystore.open_keys(terminal.settings()),
            organisation_id=organisation_id,
            email=email,
            display_name=name or email,
            password=chosen,
            roles=role,
            training_on=_day(training, "--training"),
            confidentiality_on=_day(confidentiality, "--confidentiality"),
        )
    shown = created.shown(None if password else chosen)
    if not terminal.emit(shown.model_dump(mode="json"), as_json=as_json):
        terminal.out.print(f"Staff account {shown.email} created with roles {', '.join(shown.roles)}")
        if shown.password:
            terminal.out.print(f"  password: {shown.password}")
        terminal.out.print(f"  authenticator secret: {shown.totp_secret}\n  {shown.totp_uri}")


@cli.command("grant")
def grant(
    email: str,
    role: Annotated[Role, typer.Option("--role")],
    expires: Annotated[
        str | None, typer.Option(help="last day of the grant, YYYY-MM-DD (default: a year)")
    ] = None,
    review_due: Annotated[
        str | None, typer.Option(help="review by this day, YYYY-MM-DD (default: six months)")
    ] = None,
    as_json: Json = False,
) -> None:
    """Give a role until a date, to be reviewed by a date; refused for personal-data roles without training
    and confidentiality records."""
    with terminal.session() as db:
        user = _by_email(db, email)
        service.grant(
            db,
            terminal.operator(),
            staff_id=user.id,
            role=role,
            expires_on=_day(expires, "--expires"),
            review_due=_day(review_due, "--review-due"),
        )
        shown = grants.described(db, [user])[0]
    if not terminal.emit(shown.model_dump(mode="json"), as_json=as_json):
        terminal.out.print(f"{email} now has role {role}")


@cli.command("access-review")
def access_review(
    output_format: Annotated[str, typer.Option("--format", help="json or csv")] = "json",
    org: Org = None,
) -> None:
    """Every grant: role, granted by and at, expiry, review date, last review and state (R-84)."""
    if output_format not in ("json", "csv"):
        raise typer.BadParameter("use json or csv", param_hint="--format")
    with terminal.session() as db:
        rows = grants.access_review(db, organisation_id=terminal.organisation_id(db, org))
    typer.echo(grants.as_csv(rows) if output_format == "csv" else json.dumps(rows, indent=2), nl=False)


@cli.command("review-grant")
def review_grant(
    grant_id: uuid.UUID,
    expires: Annotated[str | None, typer.Option(help="new last day of the grant, YYYY-MM-DD")] = None,
    review_due: Annotated[
        str | None, typer.Option(help="next review, YYYY-MM-DD (default: six months)")
    ] = None,
    as_json: Json = False,
) -> None:
    """Record that a grant was reviewed and is still needed; sets its next review date."""
    with terminal.session() as db:
        grant = grants.review(
            db,
            terminal.operator(),
            grant_id=grant_id,
            expires_on=_day(expires, "--expires"),
            review_due=_day(review_due, "--review-due"),
        )
        result = {"id": str(grant.id), "role": grant.role, "expires_on": grant.expires_on.isoformat(),
                  "review_due": grant.review_due.isoformat()}  # fmt: skip
    if not terminal.emit(result, as_json=as_json):
        terminal.out.print(f"grant {grant_id} reviewed; next review by {result['review_due']}")


@cli.command("revoke")
def revoke(email: str, role: Annotated[Role, typer.Option("--role")], as_json: Json = False) -> None:
    """Take a role away."""
    with terminal.session() as db:
        user = _by_email(db, email)
        service.revoke(db, terminal.operator(), staff_id=user.id, role=role)
        shown = grants.described(db, [user])[0]
    if not terminal.emit(shown.model_dump(mode="json"), as_json=as_json):
        terminal.out.print(f"{email} no longer has role {role}")


def _by_email(db: Session, email: str) -> StaffUser:
    user = service.find_by_email(db, email=email)
    if user is None:
        raise StaffNotFound("no staff account with this email")
    return user


@cli.command("list")
def list_staff(org: Org = None, as_json: Json = False) -> None:
    """List staff accounts with their roles and open grants (as GET /api/staff)."""
    with terminal.session() as db:
        organisation_id = terminal.organisation_id(db, org)
        rows = grants.described(db, service.list_staff(db, organisation_id=organisation_id))
    if not terminal.emit([row.model_dump(mode="json") for row in rows], as_json=as_json):
        table = Table("id", "email", "roles", "active", "trained", "next review")
        for row in rows:
            review = min((g.review_due for g in row.grants), default=None)
            table.add_row(
                str(row.id), row.email, ", ".join(row.roles), str(row.active), str(row.training_on or "-"),
                str(review or "-"),
            )  # fmt: skip
        terminal.out.print(table)


@cli.command("totp")
def totp(email: str) -> None:
    """Print the authenticator code valid now (operator tooling, e.g. for the embedded demo)."""
    with terminal.session() as db:
        user = _by_email(db, email)
        typer.echo(service.current_totp(keystore.open_keys(terminal.settings()), user))


@cli.command("api-key")
def api_key(
    name: str,
    scope: Annotated[list[str], typer.Option("--scope", help="e.g. register:read; repeat for several")],
    client: Annotated[
        str | None,
        typer.Option("--client", help="a key for this client controller's systems: its routes only"),
    ] = None,
    org: Org = None,
    as_json: Json = False,
) -> None:
    """Create an API key with scopes; the key is printed once."""
    with terminal.session() as db:
        organisation_id = terminal.organisation_id(db, org)
        key, token = service.create_api_key(
            db, terminal.operator(), organisation_id=organisation_id, name=name, scopes=scope, client=client
        )
    shown = ApiKeyCreated(id=key.id, key=token, scopes=key.scopes, client=key.client)
    if not terminal.emit(shown.model_dump(mode="json"), as_json=as_json):
        terminal.out.print(f"API key {key.id} ({', '.join(key.scopes)}):\n{token}")


@cli.command("revoke-key")
def revoke_key(key_id: uuid.UUID, as_json: Json = False) -> None:
    """Revoke an API key."""
    with terminal.session() as db:
        shown = ApiKeyRead.of(service.revoke_api_key(db, terminal.operator(), key_id=key_id))
    if not terminal.emit(shown.model_dump(mode="json"), as_json=as_json):
        terminal.out.print(f"API key {key_id} revoked")


@cli.command("reset-password")
def reset_password(
    email: str,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="read the new password from standard input (one line)")
    ] = False,
    generate: Annotated[
        bool, typer.Option("--generate", help="choose a random password and print it, once")
    ] = False,
    as_json: Json = False,
) -> None:
    """Set a staff member's password (asked twice, unless --password-stdin or --generate); their console
    sessions end and their login back-off is cleared. Audited; the password is never recorded."""
    if password_stdin and generate:
        raise typer.BadParameter("choose one of --password-stdin and --generate", param_hint="--generate")
    with terminal.session() as db:
        staff_id = _by_email(db, email).id  # an unknown email fails before anyone types a password
    if generate:
        password = passwords.generate()
    elif password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("New password", hide_input=True, confirmation_prompt=True)
    with terminal.session() as db:
        ended = passwords.reset(
            db,
            terminal.operator(),
            keystore.open_keys(terminal.settings()),
            staff_id=staff_id,
            password=password,
            generated=generate,
        )
        email = service.get(db, staff_id=staff_id).email
    shown = PasswordResetRead(
        id=staff_id, email=email, sessions_ended=ended, password=password if generate else None
    )
    if not terminal.emit(shown.model_dump(mode="json"), as_json=as_json):
        terminal.out.print(
            f"Password of {email} reset; {ended} console session(s) ended, login back-off cleared"
        )
        if shown.password:
            terminal.out.print(f"  new password (shown once): {shown.password}")
