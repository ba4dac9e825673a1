"""Banner choices posted to a real server at once: every answer is a stored choice with its ledger event
and audit entry (on PostgreSQL the fast lane writes them from the event loop)."""

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawful import audit, db, notices, processing
from lawful.app import create_app
from lawful.config import Settings
from lawful.consent import ConsentEvent, CookieChoice
from lawful.consent.routes import choices_limit
from tests.conftest import MASTER_KEY
from tests.factories import ACTOR, make_notice
from tests.live import serving
from tests.registers import example

CHOICES = 40


@pytest.fixture
def live(fresh_url: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    settings = Settings(
        data_dir=tmp_path,
        database_url=fresh_url,
        master_key=SecretStr(MASTER_KEY),
        audit_seal_seconds=0,
        trusted_proxies="127.0.0.1",  # each call comes "from" its own X-Forwarded-For address
    )
    engine = db.make_engine(fresh_url)
    with db.make_sessionmaker(engine)() as session:
        _seed(session, tmp_path)
        session.commit()
    engine.dispose()
    choices_limit.reset()
    with serving(create_app(settings)) as origin:
        yield origin, fresh_url


def _seed(session: Session, tmp_path: Path) -> None:
    version, _ = processing.apply(session, ACTOR, text=example("crms"), source="crms")
    make_notice(session, version.organisation_id, notices.NoticeKind.COOKIES)


def test_choices_posted_at_once_are_each_stored_with_proof(live: tuple[str, str]) -> None:
    origin, url = live
    config = httpx.get(f"{origin}/api/banner/config?lang=fr").json()
    body = {"choices": {"analytics": True}, "language": "fr", "version": config["version"]}

    def post(n: int) -> httpx.Response:
        headers = {"X-Forwarded-For": f"10.9.{n // 256}.{n % 256}"}
        return httpx.post(f"{origin}/api/banner/consents", json=body, headers=headers, timeout=10)

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(post, range(CHOICES)))

    assert [a.status_code for a in answers] == [201] * CHOICES
    ids = {a.json()["consent_id"] for a in answers}
    engine = db.make_engine(url)
    with db.make_sessionmaker(engine)() as session:
        stored = set(session.scalars(select(CookieChoice.consent_id)))
        events = session.scalar(
            select(func.count()).select_from(ConsentEvent).where(ConsentEvent.kind == "given")
        )
        entries = [e for e in audit.list_entries(session, limit=500) if e.action == "consent.cookie_choice"]
        session.commit()
    engine.dispose()
    assert stored == ids and len(ids) == CHOICES
    assert events == CHOICES and len(entries) == CHOICES
    assert all(uuid.UUID(str(e.entity_id)) for e in entries)
