"""The rules of a disclosure to an authority (R-89), without a database: what a request must say, the
minimum data, the order of approval and disclosure, and when the person is told."""

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest

from lawful.dsr.disclosures import rules

TODAY = date(2026, 3, 31)
PERSON, OTHER = "s-1", "s-2"
KNOWN = rules.Known(
    categories=frozenset({"user.name", "user.contact.email", "user.contact.phone_number"}),
    recipient_types={"police": "public_authority", "hosting": "processor", "collector": "third_party"},
    subjects_found=frozenset({PERSON, OTHER}),
)
ASKED = rules.Asked(
    requester_kind="police",
    requester="Police zone Midi",
    recipient="police",
    legal_basis="Art. 46bis Code of Criminal Procedure",
    subject_ids=[PERSON],
    categories=["user.name"],
    received_on=TODAY,
    prohibited=False,
    prohibition_ref=None,
)


@pytest.mark.parametrize(
    ("change", "paths"),
    [
        ({}, []),
        ({"received_on": date(2026, 3, 30)}, []),  # the day before: fine
        ({"received_on": date(2026, 4, 1)}, ["received_on"]),  # tomorrow: not received yet
        ({"legal_basis": ""}, ["legal_basis"]),
        ({"legal_basis": "   law  "}, ["legal_basis"]),  # a word is no legal basis
        ({"legal_basis": "VAT 60"}, []),
        ({"requester_kind": "journalist"}, ["requester_kind"]),
        ({"requester_kind": "bailiff"}, []),
        ({"recipient": "tax_office"}, ["recipient"]),  # not in the register
        ({"recipient": "hosting"}, ["recipient"]),  # a processor acts for us
        ({"recipient": None, "requester": " "}, ["requester"]),
        ({"recipient": None}, []),  # a requester the register does not name, by its name
        ({"subject_ids": []}, ["subject_ids"]),
        ({"subject_ids": [PERSON, "s-9"]}, ["subject_ids.1"]),
        ({"categories": []}, ["categories"]),
        ({"categories": ["user.name", "user.health"]}, ["categories.1"]),
        ({"prohibited": True}, ["prohibition_ref"]),
        ({"prohibited": True, "prohibition_ref": "secrecy of the investigation"}, []),
        ({"prohibition_ref": "secrecy of the investigation"}, ["prohibited"]),
        ({"legal_basis": "", "categories": ["x"], "subject_ids": ["s-9"]}, ["legal_basis", "subject_ids.0", "categories.0"]),
    ],
)  # fmt: skip
def test_a_request_names_each_field_at_fault(change: dict[str, Any], paths: list[str]) -> None:
    found = rules.problems(replace(ASKED, **change), KNOWN, TODAY)

    assert [p["path"] for p in found] == paths


def test_a_faulty_request_is_refused_with_every_field() -> None:
    with pytest.raises(rules.DisclosureRefused) as refused:
        rules.check(replace(ASKED, legal_basis="", categories=[]), KNOWN, TODAY)

    assert refused.value.status == 422
    assert [p["path"] for p in refused.value.problems] == ["legal_basis", "categories"]


@pytest.mark.parametrize(
    ("fields", "activities", "allowed"),
    [
        (["user.name"], [["user.name", "user.contact.email"]], {"user.name"}),  # its own list decides
        ([], [["user.name"], ["user.contact.email"]], {"user.name", "user.contact.email"}),
        ([], [], set()),  # named nowhere: nothing may go
    ],
)
def test_what_a_register_recipient_may_receive(
    fields: list[str], activities: list[list[str]], allowed: set[str]
) -> None:
    assert rules.whitelist(fields, activities) == allowed


@pytest.mark.parametrize(
    ("scope", "allowed", "disclosed", "refused"),
    [
        (["user.name", "user.contact.phone_number"], frozenset({"user.name"}), ["user.name"], ["user.contact.phone_number"]),
        (["user.name", "user.name"], frozenset({"user.name"}), ["user.name"], []),
        (["user.name"], frozenset(), [], ["user.name"]),
        (["user.name", "user.contact.email"], None, ["user.name", "user.contact.email"], []),  # not in the register
    ],
)  # fmt: skip
def test_only_the_categories_asked_for_and_allowed_go(
    scope: list[str], allowed: frozenset[str] | None, disclosed: list[str], refused: list[str]
) -> None:
    going, kept = rules.minimum(scope, allowed)

    assert going == disclosed
    assert [r["category"] for r in kept] == refused
    assert {r["reason"] for r in kept} <= {rules.OUTSIDE_WHITELIST}


@pytest.mark.parametrize(
    ("status", "error"),
    [
        ("requested", rules.DisclosureNotApproved),
        ("approved", None),
        ("disclosed", rules.DisclosureClosed),
    ],
)
def test_only_an_approved_request_is_carried_out_once(status: str, error: type[Exception] | None) -> None:
    if error is None:
        rules.ensure_disclosable(status)
    else:
        with pytest.raises(error) as refused:
            rules.ensure_disclosable(status)
        assert getattr(refused.value, "status", None) == 409


@pytest.mark.parametrize("status", ["approved", "disclosed"])
def test_a_request_is_approved_once(status: str) -> None:
    rules.ensure_approvable("requested")

    with pytest.raises(rules.DisclosureClosed):
        rules.ensure_approvable(status)


LIFTED = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("status", "prohibition", "lifted", "told"),
    [
        ("disclosed", None, None, True),
        ("disclosed", "secrecy of the investigation", None, False),
        ("disclosed", "secrecy of the investigation", LIFTED, True),
        ("approved", None, None, False),  # nothing went yet
        ("requested", None, None, False),
    ],
)
def test_the_person_is_told_of_a_disclosure_made_unless_a_prohibition_is_in_force(
    status: str, prohibition: str | None, lifted: datetime | None, told: bool
) -> None:
    assert rules.tells_the_person(status, prohibition, lifted) is told


@pytest.mark.parametrize(("prohibition", "lifted"), [(None, None), ("secrecy", LIFTED)])
def test_only_a_prohibition_in_force_can_be_lifted(prohibition: str | None, lifted: datetime | None) -> None:
    rules.ensure_liftable("secrecy", None)

    with pytest.raises(rules.NoProhibition):
        rules.ensure_liftable(prohibition, lifted)
