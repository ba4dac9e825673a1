"""Form submissions posted to a real server at once: each new person stored once with provenance and an
audit entry, a known person updated by the route (on PostgreSQL the fast lane writes from the event loop)."""

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import func, select

from lawful import audit, db, notices, processing
from lawful.app import create_app
from lawful.config import Settings
from lawful.intake.routes import submissions_limit
from lawful.subjects import Collection, Identity, Subject
from tests.conftest import MASTER_KEY
from tests.factories import ACTOR, make_notice
from tests.live import serving
from tests.registers import example

PEOPLE = 30


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
        version, _ = processing.apply(session, ACTOR, text=example("crms"), source="crms")
        make_notice(session, version.organisation_id, notices.NoticeKind.PRIVACY)
        session.commit()
    engine.dispose()
    submissions_limit.reset()
    with serving(create_app(settings)) as origin:
        yield origin, fresh_url


def _count(url: str, model: type[object]) -> int:
    engine = db.make_engine(url)
    with db.make_sessionmaker(engine)() as session:
        found = session.scalar(select(func.count()).select_from(model)) or 0
    engine.dispose()
    return found


def test_new_people_at_once_then_a_known_one(live: tuple[str, str]) -> None:
    origin, url = live

    def post(n: int, name: str = "Nouvelle Personne") -> httpx.Response:
        fields = {"name": name, "email": f"person-{n}@example.test", "message": "Rappelez-moi."}
        headers = {"X-Forwarded-For": f"10.8.{n // 256}.{n % 256}"}
        return httpx.post(
            f"{origin}/api/forms/contact/submissions",
            json={"fields": fields, "language": "fr"},
            headers=headers,
            timeout=10,
        )

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(post, range(PEOPLE)))
    again = post(3, name="Personne Corrigée")

    assert [a.status_code for a in answers] == [201] * PEOPLE and again.status_code == 201
    assert (_count(url, Subject), _count(url, Identity), _count(url, Collection)) == (
        PEOPLE,
        PEOPLE,
        PEOPLE + 1,
    )
    engine = db.make_engine(url)
    with db.make_sessionmaker(engine)() as session:
        collected = [e for e in audit.list_entries(session, limit=500) if e.action == "subjects.collected"]
        session.commit()
    engine.dispose()
    assert len(collected) == PEOPLE + 1
    assert sum(bool(e.data["created"]) for e in collected) == PEOPLE
