"""What a new request may ask, checked against the register before anything is written (R-55, T-4)."""

import uuid

from sqlalchemy.orm import Session

from lawful import keystore, processing, subjects

from . import rules
from .errors import (
    BadDestination,
    DestinationUnconfirmed,
    FrozenData,
    NoContact,
    NotInRegister,
    RecordedByLawful,
)
from .letters.post import OFFLINE_CHANNELS, Postal


def refuse_frozen_fields(
    db: Session,
    keys: keystore.Keys,
    organisation_id: uuid.UUID,
    kinds: list[str],
    details: dict[str, object],
    address: str,
) -> None:
    """R-55, T-4: data on issued invoices (kept under a legal obligation) are corrected by credit note only."""
    wanted = details.get("values")
    if "rectification" not in kinds or not isinstance(wanted, dict) or not wanted:
        return
    subject = subjects.find_by_identity(
        db, keys, organisation_id=organisation_id, kind=subjects.IdentityKind.EMAIL, value=address
    )
    if subject is None:
        return
    register = processing.current_register(db, organisation_id=organisation_id)[1]
    frozen_activities = {
        a.key
        for a in register.activities
        if processing.Basis.LEGAL_OBLIGATION in processing.bases(a).values()
    }
    held = subjects.values(db, keys, subject_id=subject.id, categories={str(k) for k in wanted})
    frozen = sorted(
        {v.category for v in held if v.collection.activity in frozen_activities}
        - {v.category for v in held if v.collection.activity not in frozen_activities}
    )
    if frozen:
        raise FrozenData(
            "these data are on issued invoices and change only by a credit note: " + ", ".join(frozen),
            problems=[{"path": f"details.values.{k}", "message": "frozen"} for k in frozen],
        )


def refuse_unknown_keys(db: Session, organisation_id: uuid.UUID, details: dict[str, object]) -> None:
    """A datum to correct or an activity objected to must be one the register declares (nothing is created)."""
    wanted = details.get("values")
    categories = [str(k) for k in wanted] if isinstance(wanted, dict) else []
    activity = str(details.get("activity") or "")
    if not categories and not activity:
        return
    register = processing.current_register(db, organisation_id=organisation_id)[1]
    known = {c.key for c in register.data_categories}
    unknown = {f"details.values.{k}": k for k in categories if k not in known}
    if activity and activity not in {a.key for a in register.activities}:
        unknown["details.activity"] = activity
    if unknown:
        raise NotInRegister(
            "not in the register: " + ", ".join(unknown),  # the fields, never the values sent
            problems=[{"path": path, "message": "not in the register"} for path in unknown],
        )


def refuse_what_lawful_records(details: dict[str, object]) -> None:
    """A caller may not set what lawful records itself once it has checked it (a mandate seen, the clock
    paused for identity, a destination the person confirmed): setting it would skip the check."""
    recorded = sorted(rules.RECORDED_BY_LAWFUL & set(details))
    if recorded:
        raise RecordedByLawful(
            "lawful records these itself once it has checked them: "
            + ", ".join(f"details.{k}" for k in recorded),
            problems=[{"path": f"details.{k}", "message": "not accepted"} for k in recorded],
        )


def refuse_unconfirmable_destination(details: dict[str, object], *, identity_verified: bool) -> None:
    """Art. 20(2): a destination for direct transmission is an https address, and the person confirms it
    with the code sent to their address. A request registered as already verified would skip that code,
    so it may not name a destination: its copy is in the download (register it unverified instead)."""
    target = details.get(rules.TRANSMIT_TO)
    if target is None:
        return
    problem = rules.destination_problem(target) if isinstance(target, str) else "a text is needed"
    if problem is not None:
        raise BadDestination(
            f"details.transmit_to: {problem}",
            problems=[{"path": f"details.{rules.TRANSMIT_TO}", "message": problem}],
        )
    if identity_verified:
        raise DestinationUnconfirmed(
            "a destination for direct transmission is confirmed by the person with the code sent to "
            "their address: register the request without identity_verified",
            problems=[{"path": f"details.{rules.TRANSMIT_TO}", "message": "not confirmed by the person"}],
        )


def refuse_no_contact(email: str | None, postal: Postal | None, channel: str, kinds: list[str]) -> None:
    """R-43: a request without email came by post, phone or in person, and says where to answer it. An
    objection names the email it concerns: direct marketing's exclusion entry and the recipients told of
    an objection are keyed by it (without it, no data of the person would be found to object to)."""
    if email is not None:
        return
    if "objection" in kinds:
        raise NoContact(
            "an objection names the email address it concerns",
            problems=[{"path": "email", "message": "needed for an objection"}],
        )
    if postal is None or not (postal.address.strip() or (postal.phone or "").strip()):
        raise NoContact(
            "give an email, a postal address or a phone number to answer the request",
            problems=[{"path": "email", "message": "or postal_address, or phone"}],
        )
    if channel not in OFFLINE_CHANNELS:
        raise NoContact(
            "a request without email is received by post, phone or in person",
            problems=[{"path": "channel", "message": f"use {', '.join(sorted(OFFLINE_CHANNELS))}"}],
        )
    if not postal.name.strip():
        raise NoContact(
            "name the person a letter is addressed to",
            problems=[{"path": "name", "message": "empty"}],
        )
