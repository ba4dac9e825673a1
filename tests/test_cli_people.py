"""`lawful subjects|flags|decide|keys` end to end on a database of their own."""

import base64
import json
from pathlib import Path

import pytest

from lawful import crypto
from lawful.config import get_settings
from tests.conftest import MASTER_KEY, Lawful
from tests.registers import as_yaml, people


@pytest.fixture
def ready(lawful: Lawful, tmp_path: Path) -> Lawful:
    lawful.apply_register(tmp_path, as_yaml(people()))
    return lawful


def _add(lawful: Lawful, email: str) -> str:
    result = lawful(
        "subjects",
        "add",
        "--activity",
        "request_followup",
        "--category",
        "prospect",
        "--channel",
        "phone",
        "--email",
        email,
        "--value",
        "user.name=Jan",
        "--received",
        "2026-03-02T09:15:00+01:00",
        "--json",
    )
    assert result.exit_code == 0, result.output
    return str(json.loads(result.stdout)["subject_id"])


def test_a_person_added_by_phone_is_allowed_for_the_followup_only(ready: Lawful) -> None:
    _add(ready, "jan@example.test")

    followup = ready("decide", "check", "--purpose", "request_followup", "--email", "JAN@example.test")
    newsletter = ready("decide", "check", "--purpose", "newsletter", "--email", "jan@example.test", "--json")

    assert followup.exit_code == 0 and followup.stdout.startswith("allow")
    assert newsletter.exit_code == 1 and json.loads(newsletter.stdout)["reasons"] == ["no_consent"]


def test_an_import_counts_and_owes_art14_notices(ready: Lawful, tmp_path: Path) -> None:
    csv = tmp_path / "leads.csv"
    csv.write_text("user.contact.email,user.name\na@example.test,A\nb@example.test,B\n", encoding="utf-8")

    result = ready(
        "subjects",
        "import",
        str(csv),
        "--activity",
        "request_followup",
        "--category",
        "prospect",
        "--source",
        "aggregator",
        "--source-name",
        "LeadCo",
        "--json",
    )
    pending = ready("flags", "art14-pending", "--by", "2100-01-01", "--json")

    assert json.loads(result.stdout) == {"imported": 2, "created": 2, "suppressed": 0}
    assert pending.exit_code == 1 and len(json.loads(pending.stdout)) == 2


def test_a_bad_row_refuses_the_whole_file_naming_it(ready: Lawful, tmp_path: Path) -> None:
    csv = tmp_path / "bad.csv"
    csv.write_text("user.contact.email,user.name\na@example.test,A\nnope,B\n", encoding="utf-8")

    result = ready(
        "subjects",
        "import",
        str(csv),
        "--activity",
        "request_followup",
        "--category",
        "prospect",
        "--source",
        "partner",
        "--source-name",
        "P",
    )

    assert result.exit_code == 1 and "row 3, column 'user.contact.email'" in result.output


def test_a_restriction_from_the_shell_stops_the_followup(ready: Lawful) -> None:
    subject_id = _add(ready, "r@example.test")

    ready("flags", "restrict", subject_id, "--ground", "accuracy_contested", "--reason", "contests the name")

    result = ready("decide", "check", "--purpose", "request_followup", "--email", "r@example.test", "--json")
    assert json.loads(result.stdout)["reasons"] == ["restricted"]


def test_a_hold_without_a_future_review_date_is_refused(ready: Lawful) -> None:
    subject_id = _add(ready, "h@example.test")

    result = ready(
        "flags",
        "hold",
        subject_id,
        "--case",
        "C-1",
        "--reason",
        "claim",
        "--purpose",
        "request_followup",
        "--review",
        "2020-01-01",
    )

    assert result.exit_code == 1 and "review date" in result.output


def test_rotating_the_master_key_keeps_people_readable(
    ready: Lawful, monkeypatch: pytest.MonkeyPatch
) -> None:
    _add(ready, "k@example.test")
    new_key = base64.b64encode(crypto.new_key()).decode()
    monkeypatch.setenv("LAWFUL_MASTER_KEY", new_key)
    monkeypatch.setenv("LAWFUL_PREVIOUS_MASTER_KEYS", json.dumps([MASTER_KEY]))
    get_settings.cache_clear()
    rotated = ready("keys", "rotate")
    monkeypatch.delenv("LAWFUL_PREVIOUS_MASTER_KEYS")
    get_settings.cache_clear()

    assert rotated.exit_code == 0 and "left under an older" in rotated.stdout
    assert (
        ready("decide", "check", "--purpose", "request_followup", "--email", "k@example.test").exit_code == 0
    )


def test_a_request_received_by_post_gets_its_legal_due_date(ready: Lawful) -> None:
    result = ready(
        "dsr",
        "add",
        "post@example.test",
        "--types",
        "access,erasure",
        "--channel",
        "post",
        "--received",
        "2026-03-05T11:00:00+01:00",
        "--json",
    )
    queue = ready("dsr", "list", "--json")

    assert json.loads(result.stdout)["due_on"] == "2026-04-07"  # 5 April Easter Sunday, 6 April Easter Monday
    assert [r["reference"] for r in json.loads(queue.stdout)] == [json.loads(result.stdout)["reference"]]


def test_a_verified_request_is_carried_out_by_dsr_run(ready: Lawful) -> None:
    _add(ready, "run@example.test")
    ready("dsr", "add", "run@example.test", "--types", "erasure", "--channel", "in_person", "--verified")

    result = ready("dsr", "run")

    assert result.exit_code == 0 and "3 step(s) done" in result.stdout
    assert (
        ready("decide", "check", "--purpose", "request_followup", "--email", "run@example.test").exit_code
        == 1
    )
