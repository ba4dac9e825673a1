"""Registers for audience uploads (R-40) and telephone prospecting (R-41), built on tests.registers.people()."""

from typing import Any

from sqlalchemy.orm import Session

from lawful import consent
from lawful.actor import Actor
from tests.registers import label, lia, people

META = "Meta Platforms Ireland Limited"


def social(endpoint: str, *, enabled: bool = True, hashed: bool = True) -> dict[str, Any]:
    """A social network as joint controller for matched audiences, and a consent-based purpose using it."""
    document = people()
    document["organisation"]["joint_controllers"] = [
        {
            "name": META,
            "contact": "Dublin 4, Ireland",
            "arrangement": label("Joint controllers for audiences"),
        }
    ]
    document["recipients"].append(
        {
            "key": "meta",
            "name": META,
            "label": label("Matched audiences on Facebook and Instagram"),
            "type": "joint_controller",
            "countries": ["IE"],
            "fields": ["user.contact.email", "user.name"],
            "endpoint": endpoint,
            "audience_upload": {"enabled": enabled, "hashed": hashed},
        }
    )
    document["activities"].append(
        {
            "key": "social_audiences",
            "name": label("Advertising on social networks"),
            "purpose": label("Showing you our offers on social networks."),
            "data_use": "marketing.advertising.third_party.targeted",
            "legal_basis": "consent",
            "subjects": ["customer", "prospect"],
            "data_categories": ["user.name", "user.contact.email", "user.contact.phone_number"],
            "recipients": ["meta"],
            "retention": "prospects_3y",
            "security_measures": ["encryption"],
        }
    )
    return document


def phoning(*, enabled: bool = True) -> dict[str, Any]:
    """Telephone prospecting on legitimate interests, enabled for the organisation."""
    document = people()
    document["organisation"]["phone_marketing"] = {"enabled": enabled}
    document["activities"].append(
        {
            "key": "phone_prospecting",
            "name": label("Telephone prospecting"),
            "purpose": label("Calling you about our services."),
            "data_use": "marketing.communications",
            "legal_basis": "legitimate_interests",
            "legitimate_interest": lia(),
            "subjects": ["customer", "prospect"],
            "data_categories": ["user.name", "user.contact.phone_number"],
            "retention": "prospects_3y",
            "security_measures": ["encryption"],
        }
    )
    return document


def give(db: Session, actor: Actor, organisation_id: Any, subject_id: Any, purpose: str) -> None:
    proof = consent.Proof(text="Yes", text_version="1", language="en", channel="web_form", element="x")
    consent.record(
        db,
        actor,
        organisation_id=organisation_id,
        subject_id=subject_id,
        purpose=purpose,
        kind=consent.EventKind.GIVEN,
        proof=proof,
    )
