"""A disclosure to an authority in the person's access answer, as they download it (R-51, R-89, T-19):
listed with who received what and on which basis, unless a legal prohibition to tell them is in force."""

import json
import uuid
from typing import Any

import pytest
from sqlalchemy.orm import Session

from lawful import dsr, keystore
from lawful.actor import Actor
from lawful.dsr import disclosures
from tests.dsr.disclosures.documents import OFFICER, ORDER, asked, person, register
from tests.factories import answer_files, make_fulfilled_request, make_register

EMAIL = "anne@example.test"


@pytest.fixture
def org(db: Session) -> uuid.UUID:
    return make_register(db, register()).organisation_id


def _answer(db: Session, actor: Actor, keys: keystore.Keys, org: uuid.UUID, lang: str) -> dict[str, Any]:
    """The person asks for access and downloads the answer: the report as JSON, and its HTML page."""
    request = make_fulfilled_request(db, actor, keys, org, kinds=["access"], email=EMAIL, language=lang)
    files = answer_files(db, keys, dsr.steps.download_token(keys, request.id))
    report: dict[str, Any] = json.loads(files["access.json"])
    report["html"] = files["access.html"].decode()
    return report


def _disclosed(db: Session, keys: keystore.Keys, org: uuid.UUID, **change: Any) -> disclosures.Disclosure:
    anne = person(db, keys, org, email=EMAIL)
    row = asked(db, org, anne.id, **change)
    disclosures.approve(db, OFFICER, disclosure_id=row.id)
    disclosures.disclose(db, OFFICER, keys, disclosure_id=row.id)
    return row


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("fr", "données communiquées le"),
        ("nl", "gegevens meegedeeld op"),
    ],
)
def test_the_access_answer_lists_the_disclosure_with_its_basis_and_the_data_that_went(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor, lang: str, line: str
) -> None:
    _disclosed(db, keys, org, categories=["user.name", "user.contact.phone_number"])

    report = _answer(db, actor, keys, org, lang)

    [used] = [r for r in report["recipients_used"] if r["name"] == "Police zone Midi"]
    assert (
        used["type"] == "public_authority"
        and used["label"] == f"Police services, for their legal tasks ({lang})"
    )
    assert line in used["what"] and ORDER in used["what"] and "PV 2026/1234" in used["what"]
    assert f"Name ({lang})" in used["what"] and f"Phone ({lang})" in used["what"]
    assert "Police zone Midi" in report["html"] and ORDER in report["html"]


def test_a_requester_the_register_does_not_name_is_listed_by_its_name_and_kind(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    _disclosed(
        db, keys, org, requester_kind="court", recipient=None, requester="Tribunal de première instance de Liège",
        categories=["user.contact.email"],
    )  # fmt: skip

    report = _answer(db, actor, keys, org, "fr")

    [used] = [r for r in report["recipients_used"] if r["name"] == "Tribunal de première instance de Liège"]
    assert used["label"] == "juridiction" and "Email address (fr)" in used["what"]


def test_no_trace_while_a_prohibition_is_in_force_and_listed_once_it_is_lifted(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    row = _disclosed(db, keys, org, prohibited=True, prohibition_ref="secrecy of the investigation")

    hidden = _answer(db, actor, keys, org, "en")
    disclosures.lift_prohibition(db, OFFICER, keys, disclosure_id=row.id)
    shown = _answer(db, actor, keys, org, "en")

    assert "Police zone Midi" not in json.dumps(hidden) and ORDER not in hidden["html"]
    assert [r["name"] for r in shown["recipients_used"]] == ["Police zone Midi"]
    assert "data disclosed on" in shown["html"]


@pytest.mark.parametrize("step", ["requested", "approved"])
def test_a_request_not_carried_out_is_not_in_the_answer(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor, step: str
) -> None:
    anne = person(db, keys, org, email=EMAIL)
    row = asked(db, org, anne.id)
    if step == "approved":
        disclosures.approve(db, OFFICER, disclosure_id=row.id)

    report = _answer(db, actor, keys, org, "en")

    assert report["recipients_used"] == []
