"""The authorisation matrix's world: two organisations with one of everything, committed, and a way to
read back what another organisation must not have changed."""

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pyotp
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from lawful import (
    breaches,
    clients,
    clock,
    crypto,
    dsr,
    keystore,
    notices,
    processing,
    retention,
    staff,
    subjects,
)
from lawful.decisions import Export, exports
from lawful.dsr import deletions, disclosures
from lawful.intake.models import UpdateLink
from lawful.staff.rules import PERMISSIONS, Role
from tests.clients.processor_world import with_client
from tests.factories import (
    ACTOR,
    PASSWORD,
    give_consent,
    make_api_key,
    make_hold_and_restriction,
    make_notice,
    make_person,
    make_register,
    make_staff,
)
from tests.registers import people

NOW = datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class World:
    engine: Engine
    keys: keystore.Keys
    ours: uuid.UUID
    theirs: uuid.UUID
    keys_by_scope: dict[str, str] = field(default_factory=dict)
    their_keys: dict[str, str] = field(default_factory=dict)
    sessions: dict[tuple[bool, Role], str] = field(default_factory=dict)


def build_world(engine: Engine, keys: keystore.Keys, client: TestClient) -> World:
    with Session(engine, expire_on_commit=False) as db:
        ours = make_register(db, people()).organisation_id
        make_notice(db, ours)
        second = people()
        second["organisation"]["legal_name"] = "Acme SRL (renamed)"
        make_register(
            db, with_client(second)
        )  # a client controller of ours, `brand`  # our register's version 2: they have only a version 1
        make_notice(db, ours, changelog="second version", material=False, override_reason="wording")
        theirs_document = people()
        theirs_document["organisation"]["slug"] = "other"
        theirs = make_register(db, theirs_document).organisation_id
        world = World(engine, keys, ours, theirs)
        for scope in [*sorted(PERMISSIONS), "*"]:
            granted = sorted(PERMISSIONS) if scope == "*" else [scope]
            world.keys_by_scope[scope] = make_api_key(db, ours, granted)
            world.their_keys[scope] = make_api_key(db, theirs, granted)
        db.commit()
    for their in (False, True):
        for role in Role:
            world.sessions[(their, role)] = log_in(client, world, role, their=their)
    return world


def fresh_rows(db: Session, world: World) -> dict[str, str]:
    """One of each of our rows that a route names in its path, new for each test (earlier tests may have
    lifted, refused or approved the previous ones)."""
    keys, ours = world.keys, world.ours
    email = f"p-{uuid.uuid4().hex[:8]}@example.test"
    person = make_person(db, keys, ours, email=email).subject
    give_consent(db, ours, person.id)
    hold, restriction = make_hold_and_restriction(db, person.id)
    request = dsr.open_request(
        db,
        ACTOR,
        keys,
        organisation_id=ours,
        kinds=["access"],
        email="asker@example.test",
        language="en",
        channel="email",
        base_url="https://x.test",
    )
    export = exports.request(
        db,
        ACTOR,
        keys,
        organisation_id=ours,
        purpose="request_followup",
        fields=[],
        subject_category=None,
        approval_threshold=-1,  # waits for the privacy officer
    )
    disclosure = disclosures.create(
        db,
        ACTOR,
        organisation_id=ours,
        requester_kind="police",
        requester="Zone Midi",
        legal_basis="Art. 46bis CCP",
        subject_ids=[person.id],
        categories=["user.name"],
        received_on=clock.today(),
        prohibited=True,
        prohibition_ref="secrecy of the investigation",
    )
    breach = breaches.open_case(
        db,
        ACTOR,
        organisation_id=ours,
        facts=breaches.BreachCreate(
            title="Matrix", aware_at=datetime.fromisoformat(NOW) - timedelta(hours=1)
        ),
    )
    run = retention.RetentionRun(  # a run of ours in the deletion log
        organisation_id=ours,
        as_of=datetime.now(UTC),
        started_at=datetime.now(UTC),
        heartbeat_at=datetime.now(UTC),
        status="done",
        started_by="matrix",
        counts=[],
    )
    db.add(run)
    change = clients.SubProcessorChange(  # a sub-processor change told to a client of ours
        organisation_id=ours,
        client="brand",
        recipient="print_house",
        notice="matrix",
        authorisation="general",
        recorded_at=datetime.now(UTC),
        recorded_by="matrix",
        window_ends_at=datetime.now(UTC) + timedelta(days=30),
        status="pending",
        decision_note="",
    )
    db.add(change)
    if db.scalar(select(clients.ContractEnd).where(clients.ContractEnd.organisation_id == ours)) is None:
        db.add(
            clients.ContractEnd(  # the end of `brand`'s DPA, recorded (R-107)
                organisation_id=ours,
                client="brand",
                ends_on=clock.today(),
                recorded_at=datetime.now(UTC),
                recorded_by="matrix",
                return_format="json",
                certify_on=clock.today() + timedelta(days=30),
                status="ended",
                people=0,
                sub_processors_told=[],
            )
        )
    credential = clients.vault.add(  # a credential for a system of `brand`
        db,
        ACTOR,
        keys,
        organisation_id=ours,
        credential=clients.vault.CredentialCreate(
            client="brand", system="AD", username="admin", secret=SecretStr("matrix-secret")
        ),
    )
    flagged = clients.instructions.InstructionFlag(  # an instruction of `brand` flagged
        organisation_id=ours,
        client="brand",
        instruction=1,
        reasons=["matrix"],
        flagged_at=datetime.now(UTC),
        flagged_by="matrix",
        status="suspended",
        resolution="",
    )
    db.add(flagged)
    deletion = deletions.schedule(  # an automatic deletion of ours; theirs has none of that id
        db,
        ACTOR,
        organisation_id=ours,
        subject_id=person.id,
        trigger=deletions.Trigger.CONSENT_WITHDRAWN,
        trigger_id=uuid.uuid4(),
        activity="newsletter",
        triggered_at=datetime.now(UTC),
    )
    member = make_staff(db, keys, ours, [Role.AUDITOR]).user
    grant = db.scalars(select(staff.StaffGrant).where(staff.StaffGrant.staff_id == member.id)).one()
    key = db.scalars(select(staff.ApiKey).where(staff.ApiKey.digest == crypto.token_digest(
        make_api_key(db, ours, ["register:read"])
    ))).one()  # fmt: skip
    db.commit()
    return {
        "grant_id": str(grant.id),
        "staff_id": str(member.id),
        "key_id": str(key.id),
        "role": "auditor",
        "day": "2026-12-25",
        "disclosure_id": str(disclosure.id),
        "deletion_id": str(deletion.id),
        "reference": breach.reference,  # theirs has no case of that number
        "run_id": str(run.id),
        "subject_id": str(person.id),
        "email": email,
        "hold_id": str(hold.id),
        "restriction_id": str(restriction.id),
        "request_id": str(request.id),
        "letter": "letter-01-identification.pdf",  # none is written for the world's request: 404
        "export_id": str(export.id),
        "change_id": str(change.id),
        "credential_id": str(credential.id),
        "flag_id": str(flagged.id),
        "number": "2",  # our register and notice have a version 2; theirs only a version 1
        "kind": "privacy",
        "form_key": "contact",
        "consent_id": str(uuid.uuid4()),
        "purpose": "newsletter",
        "key": "no-such-campaign",
        "client": "brand",
    }


def log_in(client: TestClient, world: World, role: Role, *, their: bool = False) -> str:
    """A new staff member of that role, signed in: the session cookie's value."""
    with Session(world.engine, expire_on_commit=False) as db:
        created = make_staff(db, world.keys, world.theirs if their else world.ours, [role])
        db.commit()
    code = pyotp.TOTP(created.totp_secret).at(datetime.fromisoformat(NOW))
    response = client.post(
        "/console/login",
        data={"email": created.user.email, "password": PASSWORD, "code": code},
        headers={"X-Lawful-Now": NOW},
        follow_redirects=False,
    )
    cookie = response.cookies.get("lawful_session")
    client.cookies.clear()
    assert cookie, response.text
    return str(cookie)


def snapshot(engine: Engine, world: World, path_values: dict[str, str]) -> list[Any]:
    """What another organisation could change of ours, read in a fresh session."""
    ids = {k: uuid.UUID(v) for k, v in path_values.items() if k.endswith("_id") and k != "consent_id"}
    with Session(engine) as db:
        request = db.get_one(dsr.Request, ids["request_id"])
        breach = breaches.find(db, organisation_id=world.ours, reference=path_values["reference"])
        assert breach is not None
        case = breaches.case(db, breach=breach)
        export = db.get_one(Export, ids["export_id"])
        disclosure = db.get_one(disclosures.Disclosure, ids["disclosure_id"])
        subject = db.get_one(subjects.Subject, ids["subject_id"])
        member = db.get_one(staff.StaffUser, ids["staff_id"])
        open_grants = db.scalars(
            select(staff.StaffGrant.id).where(
                staff.StaffGrant.staff_id == member.id, staff.StaffGrant.revoked_at.is_(None)
            )
        ).all()
        counted = [
            db.scalar(select(func.count()).select_from(model).where(where))
            for model, where in (
                (subjects.LegalHold, subjects.LegalHold.subject_id == subject.id),
                (subjects.Restriction, subjects.Restriction.subject_id == subject.id),
                (UpdateLink, UpdateLink.subject_id == subject.id),
                (subjects.Collection, subjects.Collection.subject_id == subject.id),
                (notices.NoticeVersion, notices.NoticeVersion.organisation_id == world.ours),
                (processing.RegisterVersion, processing.RegisterVersion.organisation_id == world.ours),
            )
        ]
        return [
            db.get_one(subjects.LegalHold, ids["hold_id"]).lifted_at,
            db.get_one(subjects.Restriction, ids["restriction_id"]).lifted_at,
            (request.status, request.due_on, request.extension_months, request.refusal, request.assignee_id),
            (request.identity_method, request.completed_at, request.outcome, request.details),
            (export.status, export.approved_at),
            subject.child,
            (
                disclosure.status,
                disclosure.approved_at,
                disclosure.disclosed_at,
                disclosure.prohibition_lifted_at,
            ),
            counted,
            (breach.status, breach.risk, breach.approx_subjects, len(case.notes), len(case.decisions)),
            (member.roles, member.password_hash, sorted(open_grants)),
            db.get_one(staff.ApiKey, ids["key_id"]).revoked_at,
        ]
