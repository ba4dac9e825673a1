"""What recipients are told (R-56, T-41): the scope, and only data they already received."""

from typing import Any

import pytest
from sqlalchemy.orm import Session

from lawful import dsr, keystore, processing
from lawful.actor import Actor
from lawful.dsr import recipients
from tests.conftest import Receiver
from tests.factories import make_notice, make_person, make_register, run_steps
from tests.registers import people


@pytest.fixture
def register() -> processing.Register:
    return processing.Register.model_validate(people())


@pytest.mark.parametrize(
    ("kinds", "details", "held", "activities"),
    [
        (
            ["objection"],
            {"scope": "legitimate_interest", "activity": "customer_offers"},
            {"newsletter"},
            {"customer_offers"},
        ),
        (["objection"], {"scope": "direct_marketing"}, {"newsletter", "request_followup"}, {"newsletter"}),
        (["restriction"], {}, {"newsletter", "request_followup"}, {"newsletter", "request_followup"}),
        (["access"], {}, {"newsletter"}, set()),
    ],
)
def test_the_scope_is_the_activity_objected_to_marketing_or_everything_held(
    register: processing.Register,
    kinds: list[str],
    details: dict[str, Any],
    held: set[str],
    activities: set[str],
) -> None:
    assert recipients.scope(register, kinds=kinds, details=details, held=held) == activities


def test_a_correction_carries_only_the_categories_the_recipient_received(
    register: processing.Register,
) -> None:
    found = recipients.payloads(
        register,
        reference="R-1",
        events=["rectification"],
        activities={"newsletter"},
        email="a@example.test",
        values={"user.name": "Ann", "user.contact.phone_number": "+32470000000"},
    )

    assert found == {
        "HubSpot Inc.": {
            "event": ["rectification"],
            "reference": "R-1",
            "email": "a@example.test",
            "scope": {"activities": ["newsletter"], "categories": ["user.contact.email", "user.name"]},
            "values": {"user.name": "Ann"},
        }
    }


def test_a_recipient_that_never_received_the_address_is_told_by_hand(register: processing.Register) -> None:
    hubspot = next(r for r in register.recipients if r.key == "hubspot")
    narrowed = register.model_copy(
        update={"recipients": [hubspot.model_copy(update={"fields": ["user.name"]})]}
    )

    found = recipients.payloads(
        narrowed, reference="R-1", events=["erasure"], activities={"newsletter"}, email="a@example.test"
    )

    assert found == {"HubSpot Inc.": None}
    assert recipients.tell(narrowed, found) == {"HubSpot Inc.": "received no identifier: to be told by hand"}


def test_a_rectified_address_reaches_the_recipient_with_its_new_value(
    db: Session, keys: keystore.Keys, actor: Actor, receiver: Receiver
) -> None:
    document = people()
    next(r for r in document["recipients"] if r["key"] == "hubspot")["endpoint"] = receiver.url
    org = make_register(db, document).organisation_id
    make_notice(db, org)
    make_person(db, keys, org, email="old@example.test", activity="newsletter")
    request = dsr.open_request(
        db,
        actor,
        keys,
        organisation_id=org,
        kinds=["rectification"],
        email="old@example.test",
        language="en",
        channel="email",
        base_url="https://x.test",
        identity_verified=True,
        details={"values": {"user.contact.email": "new@example.test", "user.contact.phone_number": "+3247"}},
    )

    run_steps(db, actor, keys, request, base_url="https://x.test")

    assert [(p["event"], p["values"]) for p in receiver.received] == [
        (["rectification"], {"user.contact.email": "new@example.test"})
    ]
