"""Test data as plain functions: minimal, obviously fake defaults, flushed and returned."""

import uuid
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pyotp
from sqlalchemy.orm import Session

from lawful import clock, consent, dsr, keystore, notices, processing, staff, subjects
from lawful.actor import Actor, ActorKind
from tests.registers import as_yaml, minimal

if TYPE_CHECKING:
    from fastapi.testclient import TestClient

ACTOR = Actor(ActorKind.CLI, label="cli:factory")
PASSWORD = "correct horse battery staple"
TRAINED_ON = date(2026, 1, 5)


def make_register(db: Session, document: dict[str, Any] | None = None) -> processing.RegisterVersion:
    version, _ = processing.apply(db, ACTOR, text=as_yaml(document or minimal()), source="tests")
    return version


def make_notice(
    db: Session,
    organisation_id: uuid.UUID,
    kind: notices.NoticeKind = notices.NoticeKind.PRIVACY,
    **overrides: Any,
) -> notices.NoticeVersion:
    return notices.publish(db, ACTOR, organisation_id=organisation_id, kind=kind, **overrides)


def make_api_key(db: Session, organisation_id: uuid.UUID, scopes: list[str]) -> str:
    _, token = staff.create_api_key(db, ACTOR, organisation_id=organisation_id, name="tests", scopes=scopes)
    return token


def make_staff(
    db: Session, keys: keystore.Keys, organisation_id: uuid.UUID, roles: list[staff.Role], **overrides: Any
) -> staff.NewStaff:
    fields: dict[str, Any] = {
        "email": f"staff-{uuid.uuid4().hex[:8]}@example.test",
        "display_name": "Test Staff",
        "password": PASSWORD,
        "roles": roles,
        "training_on": TRAINED_ON,
        "confidentiality_on": TRAINED_ON,
    } | overrides
    return staff.add(db, ACTOR, keys, organisation_id=organisation_id, **fields)


def make_hold_and_restriction(
    db: Session, subject_id: uuid.UUID, *, actor: Actor = ACTOR
) -> tuple[subjects.LegalHold, subjects.Restriction]:
    """A legal hold for a claim, reviewed in 90 days, and a restriction while the data are contested."""
    hold = subjects.place_hold(
        db,
        actor,
        subject_id=subject_id,
        case_ref="C-1",
        reason="claim",
        purpose="request_followup",
        review_on=clock.today() + timedelta(days=90),
    )
    restriction = subjects.restrict(
        db, actor, subject_id=subject_id, ground=subjects.RestrictionGround.ACCURACY_CONTESTED, reason="x"
    )
    return hold, restriction


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def make_person(
    db: Session,
    keys: keystore.Keys,
    organisation_id: uuid.UUID,
    *,
    email: str | None = None,
    category: str = "prospect",
    activity: str = "request_followup",
    values: dict[str, str] | None = None,
    source: subjects.Source = subjects.Source.SUBJECT,
    optout_offered: bool = False,
) -> subjects.Collected:
    """A person collected through staff intake, with an obviously fake address."""
    address = subjects.normalise_email(email or f"p-{uuid.uuid4().hex[:8]}@example.test")
    return subjects.collect(
        db,
        ACTOR,
        keys,
        organisation_id=organisation_id,
        subject_category=category,
        identities={subjects.IdentityKind.EMAIL: address},
        values={"user.contact.email": address, **(values or {})},
        collection=subjects.CollectionCreate(
            activity=activity, channel=subjects.Channel.EMAIL, source=source, optout_offered=optout_offered
        ),
    )


def give_consent(
    db: Session, organisation_id: uuid.UUID, subject_id: uuid.UUID, *, actor: Actor = ACTOR
) -> None:
    """The person ticked the newsletter box."""
    proof = consent.Proof(text="Yes", text_version="1", language="en", channel="web_form", element="x")
    consent.record(
        db,
        actor,
        organisation_id=organisation_id,
        subject_id=subject_id,
        purpose="newsletter",
        kind=consent.EventKind.GIVEN,
        proof=proof,
    )


def run_steps(db: Session, actor: Actor, keys: keystore.Keys, request: dsr.Request, *, base_url: str) -> None:
    """Run every pending step of a request, one after the other, as the worker does."""
    while dsr.steps.run_next(db, actor, keys, request_id=request.id, base_url=base_url):
        pass


def make_fulfilled_request(
    db: Session,
    actor: Actor,
    keys: keystore.Keys,
    organisation_id: uuid.UUID,
    *,
    kinds: list[str],
    email: str,
    language: str = "en",
    base_url: str = "https://x.test",
    details: dict[str, object] | None = None,
) -> dsr.Request:
    """A request staff received by email with the identity checked, every step of it run."""
    request = dsr.open_request(
        db,
        actor,
        keys,
        organisation_id=organisation_id,
        kinds=kinds,
        email=email,
        language=language,
        channel="email",
        base_url=base_url,
        details=details,
        identity_verified=True,
    )
    run_steps(db, actor, keys, request, base_url=base_url)
    return request


def log_in(
    client: "TestClient", db: Session, keys: keystore.Keys, org: uuid.UUID, role: staff.Role, *, now: str
) -> uuid.UUID:
    """A new staff member with `role`, logged in to the console with password and authenticator code at
    `now` (ISO 8601, sent as X-Lawful-Now); returns their id."""
    created = make_staff(db, keys, org, [role])
    code = pyotp.TOTP(created.totp_secret).at(datetime.fromisoformat(now))
    client.post(
        "/console/login",
        data={"email": created.user.email, "password": PASSWORD, "code": code},
        headers={"X-Lawful-Now": now},
    )
    return created.user.id
