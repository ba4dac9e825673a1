"""R-09, R-16: the Art. 14 notice goes out, once, within the month, to each person whose data came from
someone else, in their language, through a real SMTP server on loopback; a letter to print where there is
no address; an Art. 14(5) exemption stops it; the check then lists nobody."""

import uuid
from datetime import date, datetime, time, timedelta
from email.message import EmailMessage

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import clock, compliance, keystore, mail, marketing, subjects
from lawful.actor import Actor
from lawful.config import Settings
from tests.conftest import Mailbox, Receiver
from tests.factories import give_consent, make_person, make_register
from tests.registers import people

T0 = date(2026, 1, 10)


def at(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=clock.BRUSSELS)


@pytest.fixture
def org(db: Session) -> uuid.UUID:
    return make_register(db, people()).organisation_id


def obtained(
    db: Session, actor: Actor, keys: keystore.Keys, org: uuid.UUID, lang: str, *, email: str | None,
    source: subjects.Source = subjects.Source.AGGREGATOR, values: dict[str, str] | None = None,
) -> subjects.Subject:  # fmt: skip
    identities = (
        {subjects.IdentityKind.EMAIL: email} if email else {subjects.IdentityKind.PHONE: "+32470000001"}
    )
    held = ({"user.contact.email": email} if email else {}) | (values or {})
    with clock.pinned(at(T0)):
        return subjects.collect(
            db, actor, keys, organisation_id=org, subject_category="prospect", identities=identities, values=held,
            collection=subjects.CollectionCreate(activity="request_followup", channel=subjects.Channel.IMPORT,
                                                 source=source, source_name="Leads4U BV"),
            language=lang,
        ).subject  # fmt: skip


def delivered(db: Session, keys: keystore.Keys, settings: Settings, smtp: Mailbox) -> list[EmailMessage]:
    sent = mail.deliver(db, keys, settings, limit=100).sent
    return smtp.wait_for(sent)[-sent:] if sent else []


def test_each_person_gets_the_notice_once_within_the_month_in_their_language(
    db: Session, actor: Actor, keys: keystore.Keys, settings: Settings, smtp: Mailbox, org: uuid.UUID
) -> None:
    people_ = {
        lang: obtained(db, actor, keys, org, lang, email=f"art14-{lang}@example.test")
        for lang in ("en", "fr", "nl")
    }
    paper = obtained(db, actor, keys, org, "fr", email=None, values={"user.name": "Jeanne Peeters"})
    exempted = obtained(db, actor, keys, org, "nl", email="exempt@example.test")
    with clock.pinned(at(T0 + timedelta(days=2))):
        compliance.art14.exempt(db, actor, organisation_id=org, subject_id=exempted.id,
                                ground=compliance.art14.Ground.DISPROPORTIONATE, reason="archive list", now=clock.now())  # fmt: skip
        sent = compliance.art14.send_due(
            db, actor, keys, organisation_id=org, now=clock.now(), base_url=settings.base_url
        )
        again = compliance.art14.send_due(
            db, actor, keys, organisation_id=org, now=clock.now(), base_url=settings.base_url
        )
        messages = delivered(db, keys, settings, smtp)
        pending = [
            i for i in compliance.check(db, keys, organisation_id=org) if i.check == compliance.Check.ART14
        ]

    assert (sent.emailed, sent.letters) == (3, 1)
    assert (again.emailed, again.letters) == (0, 0)
    by_address = {str(m["To"]): m for m in messages}
    assert set(by_address) == {"art14-en@example.test", "art14-fr@example.test", "art14-nl@example.test"}
    expected = {
        "en": "where we obtained your data",
        "fr": "d'où viennent vos données",
        "nl": "waar we uw gegevens",
    }
    for lang, phrase in expected.items():
        message = by_address[f"art14-{lang}@example.test"]
        assert message["Content-Language"] == lang and phrase in str(message["Subject"])
        body = message.get_body(("plain",))
        assert body is not None
        text = body.get_content()
        assert "Leads4U BV" in text and ("Art. 14" in text or "art. 14" in text)
        assert (
            "Gegevensbeschermingsautoriteit" in text
            or "dataprotectionauthority" in text
            or "autoriteprotectiondonnees" in text
        )
    for made in [*people_.values(), paper, exempted]:
        person = db.get_one(subjects.Subject, made.id)
        assert person.art14_done_at is not None and person.art14_due is not None
        assert clock.brussels_date(person.art14_done_at) <= person.art14_due  # within the month
    assert (
        db.get_one(subjects.Subject, exempted.id).art14_exemption
        == "impossible_or_disproportionate: archive list"
    )
    assert "exempt@example.test" not in by_address
    assert pending == []
    methods = sorted(n.method for n in compliance.art14.notices(db, organisation_id=org))
    assert methods == ["email", "email", "email", "exempt", "letter"]
    letter = compliance.art14.letter(
        db, keys, organisation_id=org, subject_id=paper.id, base_url=settings.base_url
    )
    assert "Jeanne Peeters" in letter and "Leads4U BV" in letter and "d'où viennent vos données" in letter


def test_data_given_by_the_person_owe_no_notice_and_an_exemption_is_refused_twice(
    db: Session, actor: Actor, keys: keystore.Keys, settings: Settings, org: uuid.UUID
) -> None:
    direct = obtained(db, actor, keys, org, "en", email="direct@example.test", source=subjects.Source.SUBJECT)
    person = obtained(db, actor, keys, org, "en", email="twice@example.test")
    with clock.pinned(at(T0 + timedelta(days=1))):
        sent = compliance.art14.send_due(
            db, actor, keys, organisation_id=org, now=clock.now(), base_url=settings.base_url
        )
        with pytest.raises(compliance.art14.Art14Done):
            compliance.art14.exempt(db, actor, organisation_id=org, subject_id=person.id,
                                    ground=compliance.art14.Ground.HAS_INFORMATION, reason="x", now=clock.now())  # fmt: skip
        with pytest.raises(compliance.art14.Art14NotFound):
            compliance.art14.exempt(db, actor, organisation_id=uuid.uuid4(), subject_id=person.id,
                                    ground=compliance.art14.Ground.HAS_INFORMATION, reason="x", now=clock.now())  # fmt: skip
    assert (sent.emailed, sent.letters) == (1, 0)
    assert direct.art14_due is None
    queued = db.scalars(
        select(mail.OutboxMessage.subject_id).where(mail.OutboxMessage.kind == "art14_notice")
    ).all()
    assert queued == [person.id]


def test_a_person_owed_the_notice_is_not_exported_before_it_and_is_after(
    db: Session, actor: Actor, keys: keystore.Keys, settings: Settings, receiver: Receiver
) -> None:
    document = people()
    next(r for r in document["recipients"] if r["key"] == "hubspot")["endpoint"] = receiver.url
    org = make_register(db, document).organisation_id
    with clock.pinned(at(T0)):
        bought = make_person(db, keys, org, email="bought@example.test", activity="newsletter",
                             source=subjects.Source.PARTNER)  # fmt: skip
        give_consent(db, org, bought.subject.id, actor=actor)
        first = marketing.export(
            db, actor, keys, organisation_id=org, purpose="newsletter", recipient="hubspot"
        )
        compliance.art14.send_due(
            db, actor, keys, organisation_id=org, now=clock.now(), base_url=settings.base_url
        )
        second = marketing.export(
            db, actor, keys, organisation_id=org, purpose="newsletter", recipient="hubspot"
        )

    assert first.people == 0 and second.people == 1
    assert [p["contacts"] for p in receiver.received] == [[], [{"user.contact.email": "bought@example.test"}]]
    assert db.get_one(subjects.Subject, bought.subject.id).art14_done_at is not None


def test_a_campaign_waits_for_the_notice_of_someone_whose_data_came_from_a_partner(
    db: Session, actor: Actor, keys: keystore.Keys, settings: Settings
) -> None:
    org = make_register(db, people()).organisation_id
    with clock.pinned(at(T0)):
        bought = make_person(db, keys, org, email="partner-lead@example.test", activity="newsletter",
                             source=subjects.Source.PARTNER)  # fmt: skip
        give_consent(db, org, bought.subject.id, actor=actor)
        first = marketing.send_campaign(db, actor, keys, organisation_id=org, purpose="newsletter", campaign="a",
                                        subject_line="News", text="Hi. Unsubscribe: {unsubscribe_url}",
                                        base_url=settings.base_url)  # fmt: skip
        compliance.art14.send_due(
            db, actor, keys, organisation_id=org, now=clock.now(), base_url=settings.base_url
        )
        second = marketing.send_campaign(db, actor, keys, organisation_id=org, purpose="newsletter", campaign="b",
                                         subject_line="News", text="Hi. Unsubscribe: {unsubscribe_url}",
                                         base_url=settings.base_url)  # fmt: skip

    assert (first.queued, first.excluded.get("art14_notice_pending")) == (0, 1)
    assert second.queued == 1
