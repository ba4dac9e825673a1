"""`lawful clients requests list|instruct`: the forwarded requests, and an instruction recorded from the
terminal, carried out in the client's space only (R-102)."""

import json
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from lawful import db, dsr, intake, keystore, processing, subjects
from lawful.clients import forwarding
from lawful.config import get_settings
from tests.clients.forwarding_world import ACME, BETA, WORKER, qualifio
from tests.conftest import Lawful

ANNE, BOB = "anne@example.test", "bob@example.test"


@pytest.fixture
def asked(lawful: Lawful, tmp_path: Path, fresh_url: str) -> dict[str, str]:
    """Anne entered Acme's contest and Bob Beta's; each asked for erasure: two forwarded requests."""
    lawful.apply_register(tmp_path, yaml.safe_dump(qualifio(None), allow_unicode=True))
    keys = keystore.open_keys(get_settings())
    engine = db.make_engine(fresh_url)
    references = {}
    with db.make_sessionmaker(engine)() as session:
        org = processing.list_organisations(session)[0].id
        for form, email in (("acme_contest", ANNE), ("beta_contest", BOB)):
            intake.submit(
                session, WORKER, keys, organisation_id=org, form_key=form, language="en",
                fields={"first_name": "A", "email": email, "answer": "x"}, marketing_consent=False,
                channel=subjects.Channel.WEB_FORM,
            )  # fmt: skip
            request = dsr.open_request(
                session, WORKER, keys, organisation_id=org, kinds=["erasure"], email=email, language="en",
                channel="email", base_url="http://testserver",
            )  # fmt: skip
            references[email] = request.reference
        session.commit()
    engine.dispose()
    return references


def _rows(fresh_url: str) -> dict[str, tuple[str, str | None]]:
    engine = db.make_engine(fresh_url)
    with db.make_sessionmaker(engine)() as session:
        found = {r.client: (r.state, r.instruction) for r in session.scalars(select(forwarding.Forwarding))}
    engine.dispose()
    return found


def test_list_shows_each_clients_forwarded_requests(lawful: Lawful, asked: dict[str, str]) -> None:
    result = lawful("clients", "requests", "list", "--client", ACME, "--json")

    assert result.exit_code == 0, result.output
    [row] = json.loads(result.stdout)
    assert (row["reference"], row["client"], row["state"]) == (asked[ANNE], ACME, "forwarded")


def test_instruct_records_the_clients_instruction(
    lawful: Lawful, asked: dict[str, str], fresh_url: str
) -> None:
    result = lawful("clients", "requests", "instruct", ACME, asked[ANNE], "carry_out", "--note", "ticket 42")

    assert result.exit_code == 0, result.output
    assert _rows(fresh_url) == {ACME: ("carried_out", "carry_out"), BETA: ("forwarded", None)}


def test_a_client_cannot_instruct_on_another_clients_request(
    lawful: Lawful, asked: dict[str, str], fresh_url: str
) -> None:
    result = lawful("clients", "requests", "instruct", ACME, asked[BOB], "carry_out")

    assert result.exit_code != 0
    assert f"'{ACME}' has no forwarded request" in result.output and BOB not in result.output
    assert _rows(fresh_url)[BETA] == ("forwarded", None)


def test_an_unknown_instruction_fails_naming_it(
    lawful: Lawful, asked: dict[str, str], fresh_url: str
) -> None:
    result = lawful("clients", "requests", "instruct", ACME, asked[ANNE], "delete")

    assert result.exit_code != 0
    assert "delete" in result.output
    assert _rows(fresh_url)[ACME] == ("forwarded", None)
