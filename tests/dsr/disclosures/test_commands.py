"""`lawful dsr disclosures …` (R-89): refused without a legal basis; with one, approved, then disclosed to
a file with the minimum data; a support member acting with --as may not approve."""

import json
import uuid
from pathlib import Path

from pydantic import SecretStr

from lawful import clock, db, keystore, staff
from lawful.config import Settings
from tests.conftest import MASTER_KEY, Lawful
from tests.dsr.disclosures.documents import person, register
from tests.factories import make_register, make_staff

EMAIL = "anne@example.test"


def _world(fresh_url: str, tmp_path: Path) -> tuple[uuid.UUID, str]:
    """Our register, Anne, and a support member: Anne's id and the support member's email."""
    keys = keystore.open_keys(
        Settings(database_url=fresh_url, data_dir=tmp_path, master_key=SecretStr(MASTER_KEY))
    )
    with db.open_session(fresh_url) as session:
        org = make_register(session, register()).organisation_id
        anne = person(session, keys, org, email=EMAIL)
        support = make_staff(session, keys, org, [staff.Role.SUPPORT]).user.email
        session.commit()
    return anne.id, support


def _create(lawful: Lawful, subject_id: uuid.UUID, *extra: str) -> list[str]:
    return [
        "dsr", "disclosures", "create", "--kind", "debt_collector", "--recipient", "collector",
        "--subject", str(subject_id), "--category", "user.name", "--category", "user.contact.phone_number",
        "--received", clock.today().isoformat(), *extra,
    ]  # fmt: skip


def test_a_request_without_a_legal_basis_is_refused_naming_it(
    lawful: Lawful, fresh_url: str, tmp_path: Path
) -> None:
    anne, _ = _world(fresh_url, tmp_path)

    refused = lawful(*_create(lawful, anne), "--legal-basis", " ")
    listed = lawful("dsr", "disclosures", "list", "--json")

    assert refused.exit_code == 1 and "legal_basis" in refused.stderr
    assert json.loads(listed.stdout) == []


def test_an_approved_request_is_disclosed_to_a_file_with_the_minimum_and_listed(
    lawful: Lawful, fresh_url: str, tmp_path: Path
) -> None:
    anne, _ = _world(fresh_url, tmp_path)
    created = lawful(*_create(lawful, anne), "--legal-basis", "Judgment of 12 January 2026, roll 25/123")
    [row] = json.loads(lawful("dsr", "disclosures", "list", "--json").stdout)
    out = tmp_path / "for-the-collector.json"

    early = lawful("dsr", "disclosures", "disclose", row["id"][:8], "--out", str(out))
    written_early = out.exists()
    approved = lawful("dsr", "disclosures", "approve", row["id"][:8])
    done = lawful("dsr", "disclosures", "disclose", row["id"][:8], "--out", str(out))
    [after] = json.loads(lawful("dsr", "disclosures", "list", "--json").stdout)

    assert created.exit_code == 0 and "requested" in created.stdout
    assert early.exit_code == 1 and "disclosure_not_approved" in early.stderr and not written_early
    assert approved.exit_code == 0 and "approved" in approved.stdout
    assert done.exit_code == 0 and "not disclosed: user.contact.phone_number" in done.stdout
    assert json.loads(out.read_text(encoding="utf-8")) == {str(anne): {"user.name": ["Anne Martin"]}}
    assert (after["status"], after["disclosed_categories"]) == ("disclosed", ["user.name"])
    assert "Anne" not in lawful("dsr", "disclosures", "list").stdout


def test_a_support_member_cannot_approve(lawful: Lawful, fresh_url: str, tmp_path: Path) -> None:
    anne, support = _world(fresh_url, tmp_path)
    lawful(*_create(lawful, anne), "--legal-basis", "Judgment of 12 January 2026, roll 25/123")
    [row] = json.loads(lawful("dsr", "disclosures", "list", "--json").stdout)

    refused = lawful("--as", support, "dsr", "disclosures", "approve", row["id"])
    [after] = json.loads(lawful("dsr", "disclosures", "list", "--json").stdout)

    assert refused.exit_code == 1 and "disclosures:approve" in refused.stderr
    assert after["status"] == "requested"


def test_show_gives_one_entry_of_the_log_as_the_list_does_and_an_unknown_id_exits_non_zero(
    lawful: Lawful, fresh_url: str, tmp_path: Path
) -> None:
    anne, _ = _world(fresh_url, tmp_path)
    assert (
        lawful(*_create(lawful, anne), "--legal-basis", "Judgment of 12 January 2026, roll 25/123").exit_code
        == 0
    )
    [row] = json.loads(lawful("dsr", "disclosures", "list", "--json").stdout)

    shown = lawful("dsr", "disclosures", "show", row["id"][:8], "--json")
    unknown = lawful("dsr", "disclosures", "show", "0000000", "--json")

    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout) == row and row["subject_ids"] == [str(anne)]
    assert unknown.exit_code != 0
