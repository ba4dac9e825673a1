"""`lawful dsr deletions …`: the privacy officer sees what automatic deletions were scheduled and did (R-62)."""

import json
import uuid
from pathlib import Path

import pytest
from pydantic import SecretStr

from lawful import consent, db, keystore
from lawful.actor import Actor
from lawful.config import Settings
from tests.conftest import MASTER_KEY, Lawful
from tests.factories import make_fulfilled_request, make_person, make_register
from tests.registers import people

PROOF = consent.Proof(text="Yes", text_version="1", language="en", channel="web_form", element="x")


def _withdrawn_subscriber(fresh_url: str, tmp_path: Path, actor: Actor) -> None:
    keys = keystore.open_keys(
        Settings(database_url=fresh_url, data_dir=tmp_path, master_key=SecretStr(MASTER_KEY))
    )
    with db.open_session(fresh_url) as session:
        org = make_register(session, people()).organisation_id
        subject = make_person(
            session, keys, org, email="cli-auto@example.test", activity="newsletter"
        ).subject
        for kind in (consent.EventKind.GIVEN, consent.EventKind.WITHDRAWN):
            consent.record(
                session,
                actor,
                organisation_id=org,
                subject_id=subject.id,
                purpose="newsletter",
                kind=kind,
                proof=PROOF,
            )
        session.commit()


def test_run_carries_out_the_withdrawal_and_list_shows_it_done(
    lawful: Lawful, fresh_url: str, tmp_path: Path, actor: Actor
) -> None:
    _withdrawn_subscriber(fresh_url, tmp_path, actor)

    ran = lawful("dsr", "deletions", "run")
    listed = lawful("dsr", "deletions", "list", "--json")
    table = lawful("dsr", "deletions", "list")

    assert ran.exit_code == 0 and "1 deletion(s) scheduled, 1 carried out" in ran.stdout
    [row] = json.loads(listed.stdout)
    assert (row["trigger"], row["activity"], row["status"], row["whole"]) == (
        "consent_withdrawn",
        "newsletter",
        "done",
        True,
    )
    assert [d["category"] for d in row["deleted"]] == ["user.contact.email"]
    assert "withdrawal" in table.stdout and "done, whole" in table.stdout
    assert "cli-auto@example.test" not in listed.stdout + table.stdout


def test_show_lists_each_item_and_a_second_run_does_nothing(
    lawful: Lawful, fresh_url: str, tmp_path: Path, actor: Actor
) -> None:
    _withdrawn_subscriber(fresh_url, tmp_path, actor)
    lawful("dsr", "deletions", "run")
    [row] = json.loads(lawful("dsr", "deletions", "list", "--status", "done", "--json").stdout)

    shown = lawful("dsr", "deletions", "show", row["id"][:8])
    again = lawful("dsr", "deletions", "run")

    assert shown.exit_code == 0 and "user.contact.email" in shown.stdout and "deleted" in shown.stdout
    assert "0 deletion(s) scheduled, 0 carried out" in again.stdout
    assert json.loads(lawful("dsr", "deletions", "list", "--status", "scheduled", "--json").stdout) == []


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("list", "--status", "maybe"), "--status"),
        (("show", "not-an-id"), "DELETION_ID"),
        (("show", str(uuid.uuid4())), "DELETION_ID"),
    ],
)
def test_a_wrong_argument_is_refused_naming_it(
    lawful: Lawful, fresh_url: str, tmp_path: Path, actor: Actor, args: tuple[str, ...], named: str
) -> None:
    _withdrawn_subscriber(fresh_url, tmp_path, actor)

    result = lawful("dsr", "deletions", *args)

    assert result.exit_code == 2 and named in result.output


def test_upholding_an_objection_says_its_data_are_scheduled_for_deletion(
    lawful: Lawful, fresh_url: str, tmp_path: Path, actor: Actor
) -> None:
    keys = keystore.open_keys(
        Settings(database_url=fresh_url, data_dir=tmp_path, master_key=SecretStr(MASTER_KEY))
    )
    with db.open_session(fresh_url) as session:
        org = make_register(session, people()).organisation_id
        make_person(
            session, keys, org, email="li-cli@example.test", category="customer", activity="customer_offers"
        )
        reference = make_fulfilled_request(
            session,
            actor,
            keys,
            org,
            kinds=["objection"],
            email="li-cli@example.test",
            details={"scope": "legitimate_interest", "activity": "customer_offers"},
        ).reference
        session.commit()

    decided = lawful("dsr", "objection", reference, "uphold")
    listed = json.loads(lawful("dsr", "deletions", "list", "--json").stdout)

    assert decided.exit_code == 0 and "scheduled for deletion" in decided.stdout
    assert [(r["trigger"], r["request"], r["status"]) for r in listed] == [
        ("objection_upheld", reference, "scheduled")
    ]
