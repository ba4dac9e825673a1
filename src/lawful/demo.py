"""`lawful demo`: the embedded demo set up in one command (schema, an example register, its notices and
a privacy officer's login), as the README's first command runs it."""

import secrets
from pathlib import Path
from typing import Annotated

import typer

from lawful import terminal


def demo(
    register: Annotated[Path, typer.Option(exists=True, dir_okay=False)] = Path("examples/crms.yaml"),
    email: Annotated[
        str, typer.Option(help="the demo privacy officer's login")
    ] = "privacy.officer@example.test",
) -> None:
    """Set up the embedded demo: schema, an example register, its notices and a privacy officer login."""
    from lawful import clock, db, keystore, notices, processing, staff

    settings = terminal.settings()
    engine = db.make_engine(settings.resolved_database_url())
    db.upgrade_to_head(engine)
    engine.dispose()
    actor = terminal.operator()
    with terminal.session() as session:
        version, _ = processing.apply(
            session, actor, text=register.read_text(encoding="utf-8"), source=str(register)
        )
        org_id = version.organisation_id
        for kind in notices.NoticeKind:
            if notices.find_latest(session, organisation_id=org_id, kind=kind) is None:
                notices.publish(
                    session, actor, organisation_id=org_id, kind=kind, lead_days=settings.notice_lead_days
                )
        existing = staff.find_by_email(session, email=email)
        created, password = None, ""
        if existing is None:
            password = f"demo-{secrets.token_urlsafe(9)}"
            created = staff.add(
                session,
                actor,
                keystore.open_keys(settings),
                organisation_id=org_id,
                email=email,
                display_name="Demo privacy officer",
                password=password,
                roles=[staff.Role.PRIVACY_OFFICER, staff.Role.ADMIN],
                training_on=clock.today(),
                confidentiality_on=clock.today(),
            )
    terminal.out.print(
        f"Demo ready: register v{version.number} of {register}, notices published.", style="green"
    )
    terminal.out.print(f"Console: {settings.base_url}/console/login")
    if created is not None:
        terminal.out.print(f"  email:    {email}\n  password: {password}")
        terminal.out.print(
            f"  authenticator secret: {created.totp_secret} (or run `lawful staff totp {email}`)"
        )
    else:
        terminal.out.print(f"  {email} exists already; `lawful staff totp {email}` prints its current code")
