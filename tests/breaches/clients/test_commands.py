"""`lawful breaches clients B-1 [--notify]` as an operator runs it: each client's deadline and status,
then the notices sent once, on a fresh database read back from outside."""

import json
from datetime import timedelta
from pathlib import Path

import yaml
from sqlalchemy.orm import Session

from lawful import db as lawful_db
from lawful import keystore, processing
from lawful.config import get_settings
from tests.breaches.affected import AWARE, make_people
from tests.breaches.clients.conftest import ACME, BETA, qualifio
from tests.conftest import Lawful, Receiver


def _setup(lawful: Lawful, tmp_path: Path, webhook: str) -> None:
    lawful.apply_register(tmp_path, yaml.safe_dump(qualifio(webhook), allow_unicode=True))
    settings = get_settings()
    keys = keystore.open_keys(settings)
    engine = lawful_db.make_engine(settings.resolved_database_url())
    with Session(engine) as session:
        org = processing.get_organisation(session, slug="qualifio").id
        make_people(session, keys, org, 3, prefix="acme", client=ACME, at=AWARE - timedelta(days=2))
        make_people(session, keys, org, 1, prefix="beta", client=BETA, at=AWARE - timedelta(days=2))
        session.commit()
    engine.dispose()
    assert (
        lawful("breaches", "open", "--title", "Backup stolen", "--aware-at", AWARE.isoformat()).exit_code == 0
    )
    assert lawful("breaches", "scope", "B-1", "--system", "lawful").exit_code == 0


def test_the_command_lists_the_clients_then_tells_each_once(
    lawful: Lawful, tmp_path: Path, receiver: Receiver
) -> None:
    _setup(lawful, tmp_path, receiver.url)

    listed = lawful("breaches", "clients", "B-1", "--json")
    told = lawful("breaches", "clients", "B-1", "--notify", "--client", ACME, "--json")
    again = lawful("breaches", "clients", "B-1", "--notify", "--json")
    table = lawful("breaches", "clients", "B-1")

    assert listed.exit_code == 0, listed.output
    shown = {n["client"]: n for n in json.loads(listed.output)}
    assert (shown[ACME]["approx_subjects"], shown[BETA]["approx_subjects"]) == (3, 1)
    assert (shown[ACME]["due_at"], shown[BETA]["due_at"]) == ("2026-03-05T08:00:00Z", "2026-03-05T20:00:00Z")
    assert told.exit_code == 0, told.output
    assert {n["client"]: n["sent_at"] is not None for n in json.loads(told.output)} == {
        ACME: True,
        BETA: False,
    }
    assert {n["client"]: n["sent_at"] is not None for n in json.loads(again.output)} == {
        ACME: True,
        BETA: True,
    }
    assert [r["client"] for r in receiver.received] == [ACME]  # Beta has no webhook; Acme told once
    assert table.exit_code == 0 and ACME in table.output


def test_an_unknown_client_is_refused_by_name(lawful: Lawful, tmp_path: Path, receiver: Receiver) -> None:
    _setup(lawful, tmp_path, receiver.url)

    result = lawful("breaches", "clients", "B-1", "--notify", "--client", "nobody")

    assert result.exit_code != 0 and "clients.0" in result.output
    assert receiver.received == []
