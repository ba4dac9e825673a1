"""The audit log's head is signed with a key the main database does not hold (R-88; Art. 5(2), 32): an
entry cut off the end, or appended by someone who can write the main database but has no key, shows in
`lawful audit verify` and /api/audit/verify without any head recorded elsewhere."""

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, insert, text
from sqlalchemy.orm import Session

from lawful import audit, db
from lawful.actor import Actor, ActorKind
from lawful.audit import rules
from tests.conftest import Lawful
from tests.factories import bearer, make_api_key, make_register
from tests.registers import as_yaml, minimal


@pytest.fixture
def outside(fresh_url: str) -> Iterator[Engine]:
    """The attacker's own connection to the main database: raw SQL, no key store."""
    engine = create_engine(fresh_url)
    yield engine
    engine.dispose()


@pytest.fixture
def register_file(tmp_path: Path) -> Path:
    path = tmp_path / "register.yaml"
    path.write_text(as_yaml(minimal()), encoding="utf-8")
    return path


def _sealed_log(lawful: Lawful, register_file: Path) -> None:
    assert lawful("register", "apply", str(register_file)).exit_code == 0
    assert lawful("audit", "verify").exit_code == 0  # seals and signs


def _newest(outside: Engine) -> tuple[int, str]:
    with outside.connect() as connection:
        row = connection.execute(
            text("SELECT seq, hash FROM audit_entries WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1")
        ).one()
    return int(row[0]), str(row[1])


def _run(outside: Engine, *statements: str) -> None:
    with outside.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))


def _append_forged(outside: Engine) -> int:
    """An entry chained exactly as lawful chains it: only the audit key is missing."""
    seq, prev_hash = _newest(outside)
    row: dict[str, Any] = audit.entry(Actor(ActorKind.CLI, label="cli:intruder"), "register.applied")
    digest = rules.entry_hash(prev_hash, audit.content(SimpleNamespace(**row), seq=seq + 1))
    with outside.begin() as connection:
        connection.execute(
            insert(audit.TABLE), {**row, "seq": seq + 1, "prev_hash": prev_hash, "hash": digest}
        )
    return seq + 1


def test_an_untouched_log_verifies_with_and_without_a_recorded_head(
    lawful: Lawful, register_file: Path
) -> None:
    _sealed_log(lawful, register_file)
    head = lawful("audit", "head").stdout.strip()

    assert lawful("audit", "verify").exit_code == 0
    assert lawful("audit", "verify", "--expect-head", head).exit_code == 0


def test_entries_cut_from_the_end_fail_verification(
    lawful: Lawful, register_file: Path, outside: Engine
) -> None:
    _sealed_log(lawful, register_file)
    seq, _ = _newest(outside)
    _run(outside, f"DELETE FROM audit_entries WHERE seq >= {seq - 1}")  # noqa: S608

    result = lawful("audit", "verify")

    assert result.exit_code == 1
    assert f"audit entry {seq} is broken" in result.output
    assert "entries were removed from the end" in result.output


def test_an_entry_appended_with_a_correct_chain_hash_fails_verification(
    lawful: Lawful, register_file: Path, outside: Engine
) -> None:
    _sealed_log(lawful, register_file)
    forged = _append_forged(outside)

    result = lawful("audit", "verify", "--json")

    assert result.exit_code == 1
    assert '"broken_seq": ' + str(forged) in result.stdout
    assert "it was appended outside lawful" in result.stdout


def test_a_forged_signature_over_an_appended_entry_fails_verification(
    lawful: Lawful, register_file: Path, outside: Engine
) -> None:
    _sealed_log(lawful, register_file)
    seq = _append_forged(outside)
    _, digest = _newest(outside)
    _run(outside, f"UPDATE audit_signed_heads SET seq = {seq}, hash = '{digest}'")  # noqa: S608

    result = lawful("audit", "verify")

    assert result.exit_code == 1
    assert "does not carry lawful's signature" in result.output


def test_deleting_the_signed_head_with_the_tail_fails_verification(
    lawful: Lawful, register_file: Path, outside: Engine
) -> None:
    _sealed_log(lawful, register_file)
    seq, _ = _newest(outside)
    _run(outside, "DELETE FROM audit_signed_heads", f"DELETE FROM audit_entries WHERE seq = {seq}")  # noqa: S608

    result = lawful("audit", "verify")

    assert result.exit_code == 1
    assert f"audit entry {seq} is broken" in result.output


def test_rolling_the_signed_head_back_with_the_tail_fails_verification(
    lawful: Lawful, register_file: Path, outside: Engine
) -> None:
    _sealed_log(lawful, register_file)
    with outside.connect() as connection:
        older = connection.execute(text("SELECT seq, hash, signed_at, mac FROM audit_signed_heads")).one()
    assert lawful("notice", "publish").exit_code == 0
    assert lawful("audit", "verify").exit_code == 0
    newest, _ = _newest(outside)
    assert newest > older.seq
    with outside.begin() as connection:  # the database as it was at the older signature, consistent in itself
        connection.execute(text("DELETE FROM audit_entries WHERE seq > :seq"), {"seq": older.seq})
        connection.execute(text("DELETE FROM audit_signed_heads"))
        connection.execute(
            text(
                "INSERT INTO audit_signed_heads (seq, hash, signed_at, mac) VALUES (:seq, :hash, :signed_at, :mac)"
            ),
            older._asdict(),
        )

    result = lawful("audit", "verify")

    assert result.exit_code == 1
    assert f"audit entry {newest} is broken" in result.output  # the key store kept the newer head


def test_a_tampered_log_is_left_unsealed_and_new_entries_wait(
    lawful: Lawful, register_file: Path, outside: Engine
) -> None:
    _sealed_log(lawful, register_file)
    forged = _append_forged(outside)
    assert lawful("notice", "publish").exit_code == 0

    assert lawful("audit", "verify").exit_code == 1
    with outside.connect() as connection:
        waiting = connection.execute(text("SELECT count(*) FROM audit_entries WHERE seq IS NULL")).scalar()
    assert waiting and _newest(outside)[0] == forged  # lawful never signs a chain it did not seal


def test_a_log_sealed_before_signing_began_is_signed_as_it_stands(
    fresh_url: str, fresh_keys: Any, actor: Actor, outside: Engine
) -> None:
    engine = db.make_engine(fresh_url)
    with db.make_sessionmaker(engine)() as session:
        for i in range(3):
            audit.record(session, actor, "test.recorded", entity_id=str(i))
        audit.seal(session)
        session.commit()
    _run(outside, "DELETE FROM audit_signed_heads")  # as after the upgrade: sealed, never signed

    with db.make_sessionmaker(engine)() as session:
        checked, broken = audit.verify(session)
        session.commit()
    engine.dispose()

    assert (checked, broken) == (3, None)
    with outside.connect() as connection:
        assert connection.execute(text("SELECT seq FROM audit_signed_heads")).scalar() == 3


def test_a_session_without_the_audit_key_seals_nothing(fresh_url: str, actor: Actor) -> None:
    engine = db.make_engine(fresh_url)
    with db.make_sessionmaker(engine)() as session:
        audit.record(session, actor, "test.recorded")
        with pytest.raises(audit.NoAuditKey):
            audit.seal(session)
        assert audit.unsealed(session) == 1
    engine.dispose()


def test_the_api_reports_a_cut_tail(client: TestClient, db: Session, engine: Engine) -> None:
    token = make_api_key(db, make_register(db).organisation_id, ["audit:read"])
    before = client.get("/api/audit/verify", headers=bearer(token)).json()
    assert before["ok"] is True and before["head_seq"]

    with engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_entries WHERE seq = :seq"), {"seq": before["head_seq"]})
    after = client.get("/api/audit/verify", headers=bearer(token)).json()

    assert after["ok"] is False
    assert after["broken_seq"] == before["head_seq"]
    assert "entries were removed from the end" in after["reason"]


def test_the_api_reports_an_appended_entry(client: TestClient, db: Session, engine: Engine) -> None:
    token = make_api_key(db, make_register(db).organisation_id, ["audit:read"])
    assert client.get("/api/audit/verify", headers=bearer(token)).json()["ok"] is True

    forged = _append_forged(engine)
    after = client.get("/api/audit/verify", headers=bearer(token)).json()

    assert (after["ok"], after["broken_seq"]) == (False, forged)
    assert "appended outside lawful" in after["reason"]


def test_a_restore_accepted_by_the_operator_verifies_again_and_stays_on_record(
    lawful: Lawful, register_file: Path, outside: Engine
) -> None:
    _sealed_log(lawful, register_file)
    newest, digest = _newest(outside)
    _run(outside, "DELETE FROM audit_entries WHERE seq > 1")  # the log as the backup held it
    assert lawful("audit", "verify").exit_code == 1
    assert lawful("audit", "accept-head").exit_code == 1  # not without --yes

    accepted = lawful("audit", "accept-head", "--yes")

    assert accepted.exit_code == 0 and f"in place of {newest}:{digest}" in accepted.output
    assert lawful("audit", "verify").exit_code == 0
    listed = lawful("audit", "list", "--action", "audit.head_accepted", "--json")
    assert '"action": "audit.head_accepted"' in listed.stdout
