"""Telling the person of a disclosure made about them (R-89, Art. 15(1)(c)): a service mail in their
language naming who received which categories, when and on which basis; not while a prohibition is in force
(service.py decides when)."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import audit, clock, i18n, keystore, mail, processing, subjects
from lawful.actor import Actor

from ..rights.words import Words
from .models import Disclosure, DisclosureSubject


def tell(
    db: Session, actor: Actor, keys: keystore.Keys, row: Disclosure, register: processing.Register
) -> None:
    """A service mail to each person not told yet, in their language (R-49); none for a person without an
    address on file or erased since (their key is gone)."""
    query = select(DisclosureSubject).where(
        DisclosureSubject.disclosure_id == row.id, DisclosureSubject.informed_at.is_(None)
    )
    people = list(db.scalars(query.order_by(DisclosureSubject.position)))
    addresses = subjects.emails_and_languages(db, keys, [p.subject_id for p in people])
    mailed = 0
    for person in people:
        found = addresses.get(person.subject_id)
        person.informed_at, person.informed = clock.now(), "mailed" if found else "no_address"
        if found is None:
            continue
        email, spoken = found
        lang = (
            spoken
            if spoken in register.organisation.languages
            else register.organisation.authoritative_language
        )
        mail.queue(
            db,
            keys,
            _letter(Words(register, lang), row, email),
            kind="dsr_disclosure",
            category="service",
            organisation_id=row.organisation_id,
            subject_id=person.subject_id,
            about=str(row.id),
        )
        mailed += 1
    audit.record(
        db,
        actor,
        "dsr.disclosure_told",
        entity=row,
        organisation_id=row.organisation_id,
        data={"mailed": mailed, "without_address": len(people) - mailed},
    )
    db.flush()


def _letter(words: Words, row: Disclosure, email: str) -> mail.Mail:
    lang, who = words.lang, requester_words(words, row)
    reference = i18n.t("disclosures.mail.reference", lang, reference=row.reference) if row.reference else ""
    return mail.Mail(
        to=email,
        subject=i18n.t("disclosures.mail.subject", lang, requester=who),
        text=i18n.t(
            "disclosures.mail.body",
            lang,
            date=words.day(row.disclosed_at),
            requester=who,
            basis=row.legal_basis,
            reference=reference,
            data=", ".join(words.category(c) for c in row.disclosed_categories) or "—",
        ),
        lang=lang,
    )


def requester_words(words: Words, row: Disclosure) -> str:
    """ "Police zone Midi (police)": the requester's name with what kind of requester it is, in words."""
    kind = i18n.t(f"disclosures.kind.{row.requester_kind}", words.lang)
    return f"{row.requester} ({kind})" if row.requester else kind
