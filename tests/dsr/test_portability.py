"""Art. 20 portability in the service layer: what the copy carries by the register's scope, transmission."""

import json

import pytest
from sqlalchemy.orm import Session

from lawful import dsr, keystore, subjects
from lawful.actor import Actor
from tests.dsr.requests import answer, organisation, run, verified
from tests.factories import answer_files, make_person


def test_portability_exports_what_the_person_gave_under_consent_or_contract(
    db: Session, keys: keystore.Keys, actor: Actor
) -> None:
    org = organisation(db)
    make_person(db, keys, org, email="port@example.test", values={"user.name": "Po"})
    request = verified(
        db,
        actor,
        keys,
        org,
        ["portability"],
        "port@example.test",
        language="en",
    )

    run(db, actor, keys, request)

    files = answer_files(db, keys, dsr.steps.download_token(keys, request.id))
    assert json.loads(files["portability.json"])["data"][0]["category"] in ("user.contact.email", "user.name")
    assert files["portability.csv"].startswith(b"category,value,collected_at")
    assert answer(db, keys, request)["results"]["portability"]["transmitted"] is None  # no destination asked


@pytest.mark.parametrize(
    ("scope", "carried"),
    [
        (None, set()),  # the legal minimum: a partner's list is not what the person provided
        (
            "all_under_contract_or_consent",
            {("user.contact.email", "lead@example.test"), ("user.name", "Lea")},
        ),
    ],
)
def test_the_register_scope_decides_whether_data_from_a_partner_are_portable(
    db: Session, keys: keystore.Keys, actor: Actor, scope: str | None, carried: set[tuple[str, str]]
) -> None:
    org = organisation(db, portability={"scope": scope} if scope else None)
    make_person(
        db, keys, org, email="lead@example.test", values={"user.name": "Lea"}, source=subjects.Source.PARTNER
    )
    request = verified(db, actor, keys, org, ["portability"], "lead@example.test", language="en")

    run(db, actor, keys, request)

    files = answer_files(db, keys, dsr.steps.download_token(keys, request.id))
    rows = json.loads(files["portability.json"])["data"]
    assert {(r["category"], r["value"]) for r in rows} == carried
    assert answer(db, keys, request)["results"]["portability"]["items"] == len(carried)
