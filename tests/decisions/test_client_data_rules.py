"""T-29, R-106: the gate refuses every own purpose on a client's people, and one client's purposes never
see another's (pure rule, no database)."""

from datetime import UTC, datetime

import pytest

from lawful.decisions import Person, Purpose, Reason
from lawful.decisions.rules import CLIENT_INSTRUCTION, decide
from lawful.subjects import space

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
FIELDS = frozenset({"user.name", "user.contact.email"})
OWN = space("controller", None)
ACME, GLOBEX = space("processor", "acme"), space("processor", "globex")


def _own(key: str, basis: str, *, marketing: bool) -> Purpose:
    return Purpose(key, {"participant": basis}, FIELDS, marketing=marketing, role=OWN)


OWN_PURPOSES = [
    _own("newsletter", "consent", marketing=True),
    _own("prospecting", "legitimate_interests", marketing=True),
    _own("statistics", "legitimate_interests", marketing=False),
    _own("enrichment", "legitimate_interests", marketing=False),
    _own("crm_merge", "legitimate_interests", marketing=False),
    _own("service_improvement", "legitimate_interests", marketing=False),
    _own("own_contests", "contract", marketing=True),
]
ACME_CAMPAIGN = Purpose(
    "acme_campaign", {"participant": CLIENT_INSTRUCTION}, FIELDS, marketing=False, role=ACME
)
GLOBEX_CAMPAIGN = Purpose(
    "globex_campaign", {"participant": CLIENT_INSTRUCTION}, FIELDS, marketing=False, role=GLOBEX
)
ACME_PERSON = Person(categories=("participant",), role=ACME, consent="given")
OWN_PERSON = Person(categories=("participant",), role=OWN, consent="given")


@pytest.mark.parametrize("purpose", OWN_PURPOSES, ids=lambda p: p.key)
def test_every_own_purpose_on_a_clients_person_is_denied_as_another_controllers_data(
    purpose: Purpose,
) -> None:
    decision = decide(purpose, ACME_PERSON, frozenset(), NOW)

    assert (decision.allow, Reason.CLIENT_DATA in decision.reasons, decision.fields) == (False, True, ())


@pytest.mark.parametrize("purpose", OWN_PURPOSES, ids=lambda p: p.key)
def test_the_same_own_purpose_on_the_companys_own_person_is_not_refused_for_that_reason(
    purpose: Purpose,
) -> None:
    decision = decide(purpose, OWN_PERSON, frozenset(), NOW)

    assert Reason.CLIENT_DATA not in decision.reasons


def test_the_clients_own_processing_on_its_instructions_is_allowed() -> None:
    decision = decide(ACME_CAMPAIGN, ACME_PERSON, frozenset({"user.contact.email"}), NOW)

    assert (decision.allow, decision.fields, decision.basis) == (
        True,
        ("user.contact.email",),
        CLIENT_INSTRUCTION,
    )


@pytest.mark.parametrize(
    ("purpose", "person"),
    [(GLOBEX_CAMPAIGN, ACME_PERSON), (ACME_CAMPAIGN, OWN_PERSON)],
    ids=["globex_on_acme", "acme_on_own"],
)
def test_a_clients_purpose_never_sees_another_controllers_people(purpose: Purpose, person: Person) -> None:
    decision = decide(purpose, person, frozenset(), NOW)

    assert (decision.allow, decision.reasons) == (False, (Reason.CLIENT_DATA,))


@pytest.mark.parametrize(
    ("role", "client", "expected"),
    [("controller", None, "controller"), ("processor", "acme", "processor:acme")],
)
def test_the_space_of_a_person_names_the_client(role: str, client: str | None, expected: str) -> None:
    assert space(role, client) == expected
