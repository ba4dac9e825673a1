"""`lawful breaches scope` and `lawful breaches forget-affected` as an operator runs them, on a fresh
database read back from outside."""

import json
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import db as lawful_db
from lawful import keystore
from lawful.breaches import Breach, scope
from lawful.config import get_settings
from tests.breaches.affected import AWARE, make_people
from tests.conftest import Lawful
from tests.registers import as_yaml, people


def _setup(lawful: Lawful, tmp_path: Path, count: int = 3) -> None:
    lawful.apply_register(tmp_path, as_yaml(people()))
    settings = get_settings()
    keys = keystore.open_keys(settings)
    engine = lawful_db.make_engine(settings.resolved_database_url())
    with Session(engine) as session:
        from lawful import processing

        org = processing.get_organisation(session, slug="acme").id
        make_people(session, keys, org, count, at=AWARE - timedelta(days=2))
        session.commit()
    engine.dispose()
    assert (
        lawful("breaches", "open", "--title", "Backup stolen", "--aware-at", AWARE.isoformat()).exit_code == 0
    )


def _breach() -> Breach:
    engine = lawful_db.make_engine(get_settings().resolved_database_url())
    with Session(engine) as session:
        found = session.scalars(select(Breach)).one()
    engine.dispose()
    return found


def test_the_scope_command_counts_the_people_and_prints_them_as_json(lawful: Lawful, tmp_path: Path) -> None:
    _setup(lawful, tmp_path)

    result = lawful("breaches", "scope", "B-1", "--system", "lawful", "--category", "user.name", "--json")

    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert (shown["people"], shown["data_categories"]) == (3, [{"key": "user.name", "approx": 3}])
    assert _breach().affected_count == 3


def test_a_table_not_in_the_map_is_refused_with_exit_1_and_nothing_is_written(
    lawful: Lawful, tmp_path: Path
) -> None:
    _setup(lawful, tmp_path)

    result = lawful("breaches", "scope", "B-1", "--datastore", "chinook", "--table", "Customer")

    assert result.exit_code == 1
    assert "datastores[0].key" in result.output
    assert _breach().affected_key_id is None


def test_forget_affected_destroys_nothing_while_the_case_is_open(lawful: Lawful, tmp_path: Path) -> None:
    _setup(lawful, tmp_path)
    lawful("breaches", "scope", "B-1", "--system", "lawful")

    result = lawful("breaches", "forget-affected", "--json")

    assert (result.exit_code, json.loads(result.output)) == (0, [])
    assert len(scope.affected(keystore.open_keys(get_settings()), _breach())) == 3
