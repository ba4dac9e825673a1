"""The demo's data, made idempotently in one unit of work: the schema, an example register, its notices and
a privacy officer. A run interrupted before the end leaves nothing of its own unit (the transaction rolls
back), and the next run completes whatever is missing, so running the demo again never fails on
"already exists"."""

import secrets
from dataclasses import dataclass
from pathlib import Path

from lawful import terminal


@dataclass(frozen=True)
class Ready:
    register_version: int
    password: str | None  # None: the account existed already, its password is not known here
    totp_secret: str | None


def prepare(register: Path, email: str) -> Ready:
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
        if staff.find_by_email(session, email=email) is not None:
            return Ready(version.number, None, None)
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
    return Ready(version.number, password, created.totp_secret)


def reset(settings_data_dir: Path) -> list[Path]:
    """Remove the demo's own SQLite files (main database, key store, job queue) from the data directory;
    returns those removed. The master key stays: it protects nothing once the key store is gone."""
    removed = []
    for name in ("lawful.db", "keys.db", "jobs.db"):
        for suffix in ("", "-wal", "-shm", "-journal"):
            path = settings_data_dir / f"{name}{suffix}"
            if path.exists():
                path.unlink()
                removed.append(path)
    return removed
