"""The notice as the client's privacy team reads it: in the company's language, the register's names for
the categories, "to follow" for what is not known yet (Art. 33(4))."""

from typing import Any

from sqlalchemy.orm import Session

from lawful import i18n, keystore, mail, processing

from ..models import Breach
from . import rules


def queue(
    db: Session,
    keys: keystore.Keys,
    breach: Breach,
    client: processing.Client,
    facts: dict[str, Any],
    register: processing.Register,
) -> mail.OutboxMessage:
    """In the company's language: the client's privacy team reads the company's letters already."""
    lang = mail.letterhead(db, breach.organisation_id).language
    names = {c.key: c.label.get(lang) for c in register.data_categories}
    names |= {c.key: c.label.get(lang) for c in register.subject_categories}
    text = i18n.t("breaches.client.body", lang, **_words(facts, lang, names))
    subject = i18n.t("breaches.client.subject", lang, reference=breach.reference, client=client.name)
    return mail.queue(
        db,
        keys,
        mail.Mail(to=client.contact_email, subject=subject, text=text, lang=lang),
        kind="breach_client_notice",
        category="service",
        organisation_id=breach.organisation_id,
        about=breach.reference,
    )


def _words(facts: dict[str, Any], lang: str, names: dict[str, str | None]) -> dict[str, Any]:
    later = i18n.t("breaches.client.to_follow", lang)

    def told(value: Any) -> str:
        return later if value == rules.TO_FOLLOW or value in (None, "", []) else str(value)

    def counted(items: list[dict[str, Any]]) -> str:
        return ", ".join(f"{names.get(c['key']) or c['key']} (~{c['approx']})" for c in items) or later

    return {
        "reference": facts["reference"],
        "client": facts["client_name"],
        "dpa": facts["dpa_reference"],
        "aware_at": facts["aware_at"],
        "occurred_at": told(facts["occurred_at"]),
        "nature": told(
            ", ".join(i18n.t(f"breaches.client.nature.{n}", lang) for n in facts["nature"])
            if isinstance(facts["nature"], list)
            else facts["nature"]
        ),
        "subjects": facts["approx_subjects"],
        "records": facts["approx_records"],
        "data_categories": counted(facts["data_categories"]),
        "subject_categories": counted(facts["subject_categories"]),
        "consequences": told(facts["consequences"]),
        "measures_taken": told(facts["measures_taken"]),
        "measures_proposed": told(facts["measures_proposed"]),
        "contact": facts["contact"],
    }
