"""R-104: a new sub-processor is told to each client (mail to a real SMTP server, webhook to a real HTTP server)
and no data of the client reach it until the window passed or the client approved; an objection keeps it shut."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawful import audit, clock, keystore, mail, marketing, subjects
from lawful.actor import Actor
from lawful.clients import subprocessors
from lawful.config import Settings
from tests.clients.processor_world import processor_register
from tests.conftest import Mailbox, Receiver
from tests.factories import make_register

TOLD = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
NOTICE = "Imprimerie Exemple SRL prints and posts the prize letters, in Belgium only."


@pytest.fixture
def org(db: Session, keys: keystore.Keys, actor: Actor, receiver: Receiver) -> uuid.UUID:
    organisation_id = make_register(
        db, processor_register(endpoint=receiver.url, webhook=receiver.url)
    ).organisation_id
    subjects.collect(
        db,
        actor,
        keys,
        organisation_id=organisation_id,
        subject_category="contest_participant",
        identities={subjects.IdentityKind.EMAIL: "info@participant.example.test"},
        values={"user.contact.email": "info@participant.example.test", "user.name": "Pat Participant"},
        collection=subjects.CollectionCreate(activity="acme_mailing", channel=subjects.Channel.WEB_FORM),
        client="acme_brands",
    )
    return organisation_id


def _record(
    db: Session, actor: Actor, keys: keystore.Keys, org: uuid.UUID
) -> subprocessors.SubProcessorChange:
    with clock.pinned(TOLD):
        [change] = subprocessors.record_change(
            db,
            actor,
            keys,
            organisation_id=org,
            change=subprocessors.SubProcessorChangeCreate(recipient="print_house", notice=NOTICE),
        )
    return change


def _export(
    db: Session, actor: Actor, keys: keystore.Keys, org: uuid.UUID, at: datetime
) -> marketing.ExportResult:
    with clock.pinned(at):
        return marketing.export(
            db, actor, keys, organisation_id=org, purpose="acme_mailing", recipient="print_house"
        )


def test_the_client_is_told_by_mail_and_webhook_with_its_deadline(
    db: Session,
    actor: Actor,
    keys: keystore.Keys,
    settings: Settings,
    org: uuid.UUID,
    smtp: Mailbox,
    receiver: Receiver,
) -> None:
    change = _record(db, actor, keys, org)

    mail.deliver(db, keys, settings)
    [letter] = smtp.wait_for(1)
    [event] = receiver.received

    assert letter["To"] == "privacy@acme-brands.example.test"
    text = letter.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Imprimerie Exemple SRL" in text and NOTICE in text and "DPA-ACME-2026-01" in text
    assert (event["event"], event["recipient"]["key"], event["objection_until"]) == (
        "sub_processor_change",
        "print_house",
        "2026-04-01T09:00:00+00:00",
    )
    assert (change.window_ends_at, change.webhook_status) == (TOLD + timedelta(days=30), "204")


def test_the_change_is_audited(db: Session, actor: Actor, keys: keystore.Keys, org: uuid.UUID) -> None:
    change = _record(db, actor, keys, org)

    entry = db.scalars(
        select(audit.AuditEntry).where(audit.AuditEntry.action == "clients.sub_processor_change_recorded")
    ).one()
    assert (entry.entity_id, entry.data["client"], entry.data["recipient"]) == (
        str(change.id),
        "acme_brands",
        "print_house",
    )


def test_flows_are_blocked_on_day_29_and_allowed_on_day_30(
    db: Session, actor: Actor, keys: keystore.Keys, org: uuid.UUID, receiver: Receiver
) -> None:
    _record(db, actor, keys, org)

    with pytest.raises(marketing.RecipientRefused, match="sub_processor_objection_window"):
        _export(db, actor, keys, org, TOLD + timedelta(days=29, hours=23))
    sent = _export(db, actor, keys, org, TOLD + timedelta(days=30))

    assert (sent.people, sent.status) == (1, 204)
    contacts = [body for body in receiver.received if "contacts" in body]
    assert [c["user.contact.email"] for c in contacts[0]["contacts"]] == ["info@participant.example.test"]


def test_an_objection_keeps_the_flow_blocked_after_the_window(
    db: Session, actor: Actor, keys: keystore.Keys, org: uuid.UUID, receiver: Receiver
) -> None:
    change = _record(db, actor, keys, org)
    with clock.pinned(TOLD + timedelta(days=5)):
        subprocessors.decide(
            db, actor, organisation_id=org, change_id=change.id,
            answer=subprocessors.SubProcessorDecision(decision="objected", note="Not outside our approved list"),
        )  # fmt: skip

    with pytest.raises(marketing.RecipientRefused, match="sub_processor_objected"):
        _export(db, actor, keys, org, TOLD + timedelta(days=31))
    assert not [body for body in receiver.received if "contacts" in body]
    refused = db.scalar(
        select(func.count()).where(audit.AuditEntry.action == "clients.sub_processor_change_objected")
    )
    assert refused == 1


def test_an_approval_opens_the_flow_before_the_window_ends(
    db: Session, actor: Actor, keys: keystore.Keys, org: uuid.UUID
) -> None:
    change = _record(db, actor, keys, org)
    with clock.pinned(TOLD + timedelta(days=2)):
        subprocessors.decide(
            db, actor, organisation_id=org, change_id=change.id,
            answer=subprocessors.SubProcessorDecision(decision="approved"),
        )  # fmt: skip

    sent = _export(db, actor, keys, org, TOLD + timedelta(days=3))

    assert sent.people == 1


def test_a_decided_change_cannot_be_decided_again(
    db: Session, actor: Actor, keys: keystore.Keys, org: uuid.UUID
) -> None:
    change = _record(db, actor, keys, org)
    answer = subprocessors.SubProcessorDecision(decision="objected")
    subprocessors.decide(db, actor, organisation_id=org, change_id=change.id, answer=answer)

    with pytest.raises(subprocessors.ChangeDecided):
        subprocessors.decide(
            db, actor, organisation_id=org, change_id=change.id,
            answer=subprocessors.SubProcessorDecision(decision="approved"),
        )  # fmt: skip


def test_under_a_specific_authorisation_only_the_clients_approval_opens_the_flow(
    db: Session, actor: Actor, keys: keystore.Keys, receiver: Receiver
) -> None:
    document = processor_register(endpoint=receiver.url, webhook=None)
    document["organisation"]["slug"] = "qualifio-specific"
    document["clients"][0]["dpa"]["authorisation"] = "specific"
    document["clients"][0]["dpa"]["objection_days"] = 45
    org = make_register(db, document).organisation_id
    change = _record(db, actor, keys, org)

    late = subprocessors.blocked(db, organisation_id=org, client="acme_brands", recipient="print_house")
    with clock.pinned(TOLD + timedelta(days=60)):
        still = subprocessors.blocked(db, organisation_id=org, client="acme_brands", recipient="print_house")
    subprocessors.decide(
        db, actor, organisation_id=org, change_id=change.id,
        answer=subprocessors.SubProcessorDecision(decision="approved"),
    )  # fmt: skip

    assert change.window_ends_at == TOLD + timedelta(days=45)  # the DPA's own period
    assert late == still == "sub_processor_awaiting_approval"
    assert (
        subprocessors.blocked(db, organisation_id=org, client="acme_brands", recipient="print_house") is None
    )
