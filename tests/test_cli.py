"""The `lawful` command end to end: exit codes, messages naming what is wrong, nothing written on error."""

import json
from pathlib import Path

import pytest
from sqlalchemy import delete, update

from lawful import db as lawful_db
from lawful.audit import AuditEntry
from tests.conftest import Lawful
from tests.registers import as_yaml, laughs, minimal


@pytest.fixture
def register_file(tmp_path: Path) -> Path:
    path = tmp_path / "register.yaml"
    path.write_text(as_yaml(minimal()), encoding="utf-8")
    return path


def test_check_of_a_valid_register_exits_0(lawful: Lawful, register_file: Path) -> None:
    result = lawful("register", "check", str(register_file))

    assert result.exit_code == 0 and "valid" in result.output


def test_check_reports_every_problem_with_its_path_and_exits_1(lawful: Lawful, tmp_path: Path) -> None:
    document = minimal()
    document["activities"][0]["legal_basis"] = ["consent", "contract"]
    document["recipients"][0]["countries"] = ["US"]
    path = tmp_path / "bad.yaml"
    path.write_text(as_yaml(document), encoding="utf-8")

    result = lawful("register", "check", str(path), "--json")

    paths = {p["path"] for p in json.loads(result.stdout)["problems"]}
    assert result.exit_code == 1
    assert paths == {"activities[0].legal_basis"}  # structure first: the rules run on a well-formed register


def test_check_of_a_billion_laughs_register_names_the_expansion_and_exits_1(
    lawful: Lawful, tmp_path: Path
) -> None:
    path = tmp_path / "laughs.yaml"
    path.write_text(laughs(200_000), encoding="utf-8")

    result = lawful("register", "check", str(path))

    assert result.exit_code == 1
    assert "more than 100,000 values once its aliases (*name) are expanded" in result.output


def test_apply_publish_export_and_verify(lawful: Lawful, register_file: Path, tmp_path: Path) -> None:
    assert lawful("register", "apply", str(register_file)).exit_code == 0
    assert lawful("notice", "publish", "--kind", "privacy").exit_code == 0
    published = lawful("notice", "list", "--json")
    xlsx = tmp_path / "art30.xlsx"
    exported = lawful("register", "export", "--format", "xlsx", "--output", str(xlsx))
    verified = lawful("audit", "verify")

    assert [v["number"] for v in json.loads(published.stdout)] == [1]
    assert exported.exit_code == 0 and xlsx.read_bytes()[:2] == b"PK"
    assert verified.exit_code == 0 and "verified" in verified.output


def test_apply_of_an_unchanged_register_says_so(lawful: Lawful, register_file: Path) -> None:
    lawful("register", "apply", str(register_file))

    result = lawful("register", "apply", str(register_file), "--json")

    data = json.loads(result.stdout)
    assert (data["number"], data["created"]) == (1, False)


def test_audit_verify_names_a_tampered_entry_and_exits_1(
    lawful: Lawful, register_file: Path, fresh_url: str
) -> None:
    lawful("register", "apply", str(register_file))
    lawful("notice", "publish")
    assert lawful("audit", "verify").exit_code == 0  # seals: entries are protected once chained
    with lawful_db.open_session(fresh_url) as session:
        session.execute(update(AuditEntry).where(AuditEntry.seq == 2).values(actor_label="cli:someone-else"))
        session.commit()

    result = lawful("audit", "verify")

    assert result.exit_code == 1
    assert "audit entry 2 is broken" in result.output


def test_audit_verify_detects_a_cut_off_tail_against_a_recorded_head(
    lawful: Lawful, register_file: Path, fresh_url: str
) -> None:
    lawful("register", "apply", str(register_file))
    lawful("notice", "publish")
    head = lawful("audit", "head").stdout.strip()
    with lawful_db.open_session(fresh_url) as session:
        session.execute(delete(AuditEntry).where(AuditEntry.seq == int(head.split(":")[0])))
        session.commit()

    assert (
        lawful("audit", "verify").exit_code == 1
    )  # the signed head shows it (tests/audit/test_signed_head.py)
    assert lawful("audit", "verify", "--expect-head", head).exit_code == 1


def test_publishing_kresoft_like_register_names_what_is_missing(lawful: Lawful, tmp_path: Path) -> None:
    document = minimal()
    document["organisation"]["contact"] = []
    path = tmp_path / "nocontact.yaml"
    path.write_text(as_yaml(document), encoding="utf-8")
    lawful("register", "apply", str(path))

    result = lawful("notice", "publish")

    assert result.exit_code == 1
    assert "controller_contact" in result.output and "organisation.contact" in result.output


def test_staff_grant_without_training_is_refused(lawful: Lawful, register_file: Path) -> None:
    lawful("register", "apply", str(register_file))
    lawful("staff", "add", "bob@example.test", "--role", "engineer")

    result = lawful("staff", "grant", "bob@example.test", "--role", "support")

    assert result.exit_code == 1 and "training" in result.output


def test_staff_add_prints_the_secret_once(lawful: Lawful, register_file: Path) -> None:
    lawful("register", "apply", str(register_file))

    result = lawful("staff", "add", "ann@example.test", "--role", "auditor", "--json")

    assert json.loads(result.stdout)["totp_uri"].startswith("otpauth://totp/")


@pytest.mark.parametrize(
    ("day", "code", "words"),
    [
        ("2026-04-06", 1, "Easter Monday"),
        ("2026-04-07", 0, "is a working day"),
        ("2026-05-14", 1, "Ascension"),
        ("2026-07-21", 1, "National Day"),
        ("2026-11-11", 1, "Armistice"),
        ("2026-11-21", 1, "Saturday"),
    ],
)
def test_calendar_knows_belgian_holidays(lawful: Lawful, day: str, code: int, words: str) -> None:
    result = lawful("calendar", "working-day", day)

    assert result.exit_code == code and words in result.output


def test_a_bad_date_is_a_cli_error(lawful: Lawful) -> None:
    result = lawful("calendar", "working-day", "31/01/2026")

    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output


def test_i18n_check_lists_missing_labels(lawful: Lawful, tmp_path: Path) -> None:
    document = minimal()
    document["activities"][0]["purpose"] = {"en": "Answering customers"}
    path = tmp_path / "en-only.yaml"
    path.write_text(as_yaml(document), encoding="utf-8")

    result = lawful("i18n", "check", "--register", str(path))

    assert result.exit_code == 1
    assert "activities[customer_service].purpose.fr" in result.output
    assert "activities[customer_service].purpose.nl" in result.output
