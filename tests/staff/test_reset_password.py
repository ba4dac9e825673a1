"""`lawful staff reset-password EMAIL`: the new password works and the old one not, the account's console
sessions end, its login back-off is cleared, the reset is audited, and refusals name the field and write nothing."""

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from typer.testing import Result

from lawful import audit, db, keystore, staff
from lawful.cli import app as cli_app
from lawful.config import get_settings
from lawful.errors import TooManyRequests
from tests.conftest import Lawful
from tests.registers import as_yaml, minimal

EMAIL = "ann@example.test"
OLD = "old password, long enough"
NEW = "new password, long enough"
LIMITS = staff.LoginLimits(
    free_failures=5, window=timedelta(days=1), backoff_cap=timedelta(hours=1), address_failures=50
)


@pytest.fixture
def stored(lawful: Lawful, fresh_url: str, tmp_path: Path) -> Iterator[Session]:
    """A register and one auditor with the password OLD; the test's own session on the same database."""
    lawful.apply_register(tmp_path, as_yaml(minimal()))
    assert lawful("staff", "add", EMAIL, "--role", "auditor", "--password", OLD).exit_code == 0
    engine = db.make_engine(fresh_url)
    with db.make_sessionmaker(engine)() as session:
        yield session
    engine.dispose()


@pytest.fixture
def keys(stored: Session) -> keystore.Keys:
    return keystore.open_keys(get_settings())


def _log_in(
    session: Session, keys: keystore.Keys, password: str, *, client: str = "203.0.113.9"
) -> staff.LoginResult:
    """One console log-in with the authenticator's code of now (each code is accepted once), committed."""
    user = staff.find_by_email(session, email=EMAIL)
    assert user is not None
    result = staff.log_in(
        session,
        keys,
        email=EMAIL,
        password=password,
        totp_code=staff.current_totp(keys, user) if password != "wrong" else "000000",
        client=client,
        limits=LIMITS,
        session_length=timedelta(hours=8),
    )
    session.commit()
    return result


def _reset(lawful: Lawful, *args: str, input: str) -> Result:
    """`lawful staff reset-password …` in-process, with what the operator types on standard input."""
    return lawful.runner.invoke(cli_app, ["staff", "reset-password", *args], input=input)


def _password_entry(session: Session) -> audit.AuditEntry | None:
    entry = audit.latest(session, action="staff.password_reset")
    session.commit()  # the read sealed the chain: release the database for the next command
    return entry


def test_a_password_asked_twice_replaces_the_old_one(
    lawful: Lawful, stored: Session, keys: keystore.Keys
) -> None:
    result = _reset(lawful, EMAIL, input=f"{NEW}\n{NEW}\n")

    assert result.exit_code == 0, result.output
    assert NEW not in result.output
    assert _log_in(stored, keys, OLD).error is not None
    assert _log_in(stored, keys, NEW).session is not None


def test_two_different_answers_change_nothing(lawful: Lawful, stored: Session, keys: keystore.Keys) -> None:
    result = _reset(lawful, EMAIL, input=f"{NEW}\nsomething else entirely\n")

    assert result.exit_code != 0
    assert _password_entry(stored) is None
    assert _log_in(stored, keys, OLD).session is not None


def test_generate_prints_a_password_that_logs_in_and_audits_without_it(
    lawful: Lawful, stored: Session, keys: keystore.Keys
) -> None:
    result = lawful("staff", "reset-password", EMAIL, "--generate", "--json")

    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert len(printed["password"]) >= 12
    entry = _password_entry(stored)
    user = staff.find_by_email(stored, email=EMAIL)
    assert entry is not None and user is not None and entry.entity_id == str(user.id)
    assert entry.data == {"sessions_ended": 0, "generated": True}
    assert printed["password"] not in json.dumps(entry.data)
    assert _log_in(stored, keys, printed["password"]).session is not None


def test_the_accounts_console_sessions_end(lawful: Lawful, stored: Session, keys: keystore.Keys) -> None:
    logged_in = _log_in(stored, keys, OLD).session
    assert logged_in is not None

    result = _reset(lawful, EMAIL, "--password-stdin", input=f"{NEW}\n")

    assert result.exit_code == 0, result.output
    assert "1 console session(s) ended" in result.stdout
    stored.expire_all()
    with pytest.raises(staff.InvalidCredentials):
        staff.actor_for_session(stored, session_id=logged_in.id)
    entry = _password_entry(stored)
    assert entry is not None and entry.data == {"sessions_ended": 1, "generated": False}


def test_the_login_back_off_of_the_account_is_cleared(
    lawful: Lawful, stored: Session, keys: keystore.Keys
) -> None:
    for _ in range(LIMITS.free_failures + 1):
        assert _log_in(stored, keys, "wrong").error is not None
    assert isinstance(_log_in(stored, keys, OLD).error, TooManyRequests)  # the owner waits too, from here

    result = _reset(lawful, EMAIL, "--password-stdin", input=f"{NEW}\n")

    assert result.exit_code == 0, result.output
    assert _log_in(stored, keys, NEW).session is not None


def test_a_back_off_without_a_reset_still_holds(lawful: Lawful, stored: Session, keys: keystore.Keys) -> None:
    """The counterpart of the test above: the reset, not the time passed, let the owner in."""
    for _ in range(LIMITS.free_failures + 1):
        _log_in(stored, keys, "wrong")

    assert isinstance(_log_in(stored, keys, OLD).error, TooManyRequests)


def test_a_weak_password_exits_1_naming_the_field_without_printing_it(
    lawful: Lawful, stored: Session, keys: keystore.Keys
) -> None:
    short = "short-one"

    result = _reset(lawful, EMAIL, "--password-stdin", input=f"{short}\n")

    assert result.exit_code == 1
    assert (
        "weak_password" in result.output and "password:" in result.output and "12 characters" in result.output
    )
    assert short not in result.output and "Traceback" not in result.output
    assert _password_entry(stored) is None
    assert _log_in(stored, keys, OLD).session is not None


def test_an_unknown_email_exits_1_before_asking_for_a_password(lawful: Lawful, stored: Session) -> None:
    result = _reset(lawful, "nobody@example.test", input=f"{NEW}\n{NEW}\n")

    assert result.exit_code == 1
    assert "staff_not_found" in result.output and "email" in result.output
    assert "New password" not in result.output
    assert _password_entry(stored) is None


def test_password_stdin_and_generate_together_are_refused(lawful: Lawful, stored: Session) -> None:
    result = lawful("staff", "reset-password", EMAIL, "--password-stdin", "--generate")

    assert result.exit_code == 2 and "--generate" in result.output
    assert _password_entry(stored) is None
