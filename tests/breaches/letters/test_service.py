"""Letters to the people affected, delivered to a real SMTP server (R-97): each in the person's language
with the contact point and the APD, as service mail past a marketing opt-out, never to someone erased,
on paper without an address; refused with nothing queued when a decision or a language's words lack."""

import uuid
from datetime import timedelta
from email.message import EmailMessage

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from lawful import audit, breaches, consent, keystore, mail, subjects
from lawful.breaches import letters, scope
from lawful.config import Settings
from tests.breaches.affected import ACTOR, AWARE, make_case, make_people
from tests.conftest import Mailbox
from tests.factories import pdf_text

WORDS = {
    "fr": {
        "what_happened": "Un fichier a été perdu.",
        "consequences": "Hameçonnage possible.",
        "measures": "Liens révoqués.",
    },
    "nl": {
        "what_happened": "Een bestand is verloren.",
        "consequences": "Mogelijke phishing.",
        "measures": "Links ingetrokken.",
    },
    "en": {
        "what_happened": "A file was lost.",
        "consequences": "Possible phishing.",
        "measures": "Links revoked.",
    },
}


def _ready(
    db: Session,
    keys: keystore.Keys,
    settings: Settings,
    org: uuid.UUID,
    *,
    exemption: dict[str, str] | None = None,
) -> None:
    make_case(db, org, nature=["confidentiality"])
    scope.compute(
        db,
        ACTOR,
        keys,
        settings,
        organisation_id=org,
        reference="B-1",
        scope=scope.ScopeCreate(systems=["lawful"]),
    )
    breaches.assess(
        db,
        ACTOR,
        organisation_id=org,
        reference="B-1",
        risk=breaches.Risk.HIGH,
        rationale="contact data and names",
    )
    decision = {"audience": "people", "notify": True, "reasons": "high risk of phishing"} | (exemption or {})
    breaches.decide(
        db,
        ACTOR,
        organisation_id=org,
        reference="B-1",
        decision=breaches.DecisionCreate.model_validate(decision),
    )


def _send(
    db: Session, keys: keystore.Keys, org: uuid.UUID, words: dict[str, object] | None = None
) -> letters.Sent:
    body = letters.LettersCreate.model_validate({"texts": WORDS if words is None else words})
    return letters.send(db, ACTOR, keys, organisation_id=org, reference="B-1", letters=body)


def _delivered(db: Session, keys: keystore.Keys, settings: Settings, smtp: Mailbox) -> list[EmailMessage]:
    sent = mail.deliver(db, keys, settings, limit=1000).sent
    return smtp.wait_for(sent)


def _text(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content())


def test_each_person_gets_the_letter_in_their_language_with_the_contact_point_and_the_apd(
    db: Session, keys: keystore.Keys, settings: Settings, org: uuid.UUID, smtp: Mailbox
) -> None:
    make_people(db, keys, org, 3, at=AWARE - timedelta(days=1))  # FR, NL, EN in turn
    _ready(db, keys, settings, org)

    sent = _send(db, keys, org)
    received = _delivered(db, keys, settings, smtp)

    assert (sent.queued, sent.printable, sent.skipped) == (3, 0, {})
    by_lang = {str(m["Content-Language"]): m for m in received}
    assert set(by_lang) == {"fr", "nl", "en"}
    fr, nl = _text(by_lang["fr"]), _text(by_lang["nl"])
    assert (
        "Un fichier a été perdu." in fr
        and "Autorité de protection des données" in fr
        and "privacy@acme.example.test" in fr
    )
    assert "Een bestand is verloren." in nl and "Drukpersstraat 35" in nl and "Name (nl)" in nl
    assert str(by_lang["en"]["Subject"]) == "Important: an incident concerning your personal data"
    assert {str(m["To"]) for m in received} == {f"p-{i:05d}@example.test" for i in range(3)}


def test_a_person_who_withdrew_from_marketing_is_still_told(
    db: Session, keys: keystore.Keys, settings: Settings, org: uuid.UUID, smtp: Mailbox
) -> None:
    [person] = make_people(db, keys, org, 1, consented=True, at=AWARE - timedelta(days=1))
    consent.optin.unsubscribe(
        db, ACTOR, keys, token=consent.optin.unsubscribe_token(keys, person, "newsletter")
    )
    lookup = consent.suppression_lookup(keys, "p-00000@example.test")
    consent.suppress(db, ACTOR, organisation_id=org, lookup=lookup, reason="objection to direct marketing")
    _ready(db, keys, settings, org)

    _send(db, keys, org)

    assert [str(m["To"]) for m in _delivered(db, keys, settings, smtp)] == ["p-00000@example.test"]


def test_nobody_erased_since_the_scope_is_written_to(
    db: Session, keys: keystore.Keys, settings: Settings, org: uuid.UUID, smtp: Mailbox
) -> None:
    people = make_people(db, keys, org, 3, at=AWARE - timedelta(days=1))
    _ready(db, keys, settings, org)
    db.execute(delete(subjects.Subject).where(subjects.Subject.id == people[1]))
    keys.store.destroy(keystore.subject_owner(people[1]))  # as an erasure leaves it

    sent = _send(db, keys, org)

    assert (sent.queued, sent.skipped) == (2, {"erased": 1})
    assert sorted(str(m["To"]) for m in _delivered(db, keys, settings, smtp)) == [
        "p-00000@example.test",
        "p-00002@example.test",
    ]


def test_people_without_an_address_get_a_letter_on_paper_in_their_language(
    db: Session, keys: keystore.Keys, settings: Settings, org: uuid.UUID
) -> None:
    make_people(db, keys, org, 2, email=False, phone=True, prefix="tel", at=AWARE - timedelta(days=1))
    _ready(db, keys, settings, org)

    sent = _send(db, keys, org)
    pdf = letters.printable(db, ACTOR, keys, organisation_id=org, reference="B-1")

    assert (sent.queued, sent.printable) == (0, 2)
    text = pdf_text(pdf)
    assert "Person tel 0" in text and "Un fichier a été perdu." in text  # the first person reads French
    assert "Person tel 1" in text and "Een bestand is verloren." in text
    assert letters.status(db, organisation_id=org, reference="B-1")["post"] == {"printed": 2}
    printed = db.scalars(
        select(audit.AuditEntry).where(audit.AuditEntry.action == "breach.letters_printed")
    ).one()
    assert printed.data == {"reference": "B-1", "letters": 2}


def test_with_a_public_notice_under_art_34_3_c_no_paper_letter_is_made(
    db: Session, keys: keystore.Keys, settings: Settings, org: uuid.UUID
) -> None:
    make_people(db, keys, org, 1, email=False, phone=True, prefix="tel", at=AWARE - timedelta(days=1))
    make_people(db, keys, org, 1, at=AWARE - timedelta(days=1))
    notice = {"exemption": "34(3)(c)", "public_notice_url": "https://acme.example.test/incident"}
    _ready(db, keys, settings, org, exemption=notice)

    sent = _send(db, keys, org)

    assert (sent.queued, sent.printable, sent.skipped) == (1, 0, {"public_notice": 1})


def _outbox(db: Session) -> int:
    return int(db.scalar(select(func.count()).select_from(mail.OutboxMessage)) or 0)


def test_a_language_without_its_words_is_refused_by_name_and_nothing_is_queued(
    db: Session, keys: keystore.Keys, settings: Settings, org: uuid.UUID
) -> None:
    make_people(db, keys, org, 3, at=AWARE - timedelta(days=1))
    _ready(db, keys, settings, org)

    with pytest.raises(letters.LettersRefused) as refused:
        _send(db, keys, org, {"fr": WORDS["fr"]})

    assert [p["path"] for p in refused.value.problems] == ["texts.en", "texts.nl"]
    assert _outbox(db) == 0 and db.scalar(select(func.count()).select_from(letters.BreachLetter)) == 0


def test_without_a_decision_to_tell_the_people_no_letter_goes(
    db: Session, keys: keystore.Keys, settings: Settings, org: uuid.UUID
) -> None:
    make_people(db, keys, org, 1, at=AWARE - timedelta(days=1))
    make_case(db, org)
    scope.compute(
        db,
        ACTOR,
        keys,
        settings,
        organisation_id=org,
        reference="B-1",
        scope=scope.ScopeCreate(systems=["lawful"]),
    )

    with pytest.raises(letters.LettersRefused) as refused:
        _send(db, keys, org)

    assert [p["path"] for p in refused.value.problems] == ["decision"] and _outbox(db) == 0


def test_sending_again_writes_only_to_people_not_yet_told(
    db: Session, keys: keystore.Keys, settings: Settings, org: uuid.UUID
) -> None:
    make_people(db, keys, org, 2, at=AWARE - timedelta(days=1))
    _ready(db, keys, settings, org)
    _send(db, keys, org)
    make_people(db, keys, org, 1, prefix="found", at=AWARE - timedelta(days=1))
    scope.compute(
        db,
        ACTOR,
        keys,
        settings,
        organisation_id=org,
        reference="B-1",
        scope=scope.ScopeCreate(systems=["lawful"]),
    )

    again = _send(db, keys, org)

    assert (again.queued, again.already) == (1, 2) and _outbox(db) == 3


def test_the_letters_are_on_record_with_the_words_sent_and_no_one_named(
    db: Session, keys: keystore.Keys, settings: Settings, org: uuid.UUID
) -> None:
    people = make_people(db, keys, org, 2, at=AWARE - timedelta(days=1))
    _ready(db, keys, settings, org)

    _send(db, keys, org)

    sending = db.scalars(select(letters.BreachCommunication)).one()
    assert sending.texts["nl"]["what_happened"] == "Een bestand is verloren." and sending.counts["email"] == 2
    rows = db.scalars(select(letters.BreachLetter)).all()
    assert {str(p) for p in people}.isdisjoint({r.entry for r in rows})
    queued = audit.latest(db, entity=sending)
    assert queued is not None and queued.action == "breach.letters_queued"
