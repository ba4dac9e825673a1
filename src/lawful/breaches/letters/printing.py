"""Letters on paper for the people affected without an email address (Art. 34): one page each, in their
language, addressed with the name and postal address lawful holds, printed as one PDF for staff to post."""

import uuid
from typing import Any

from babel.dates import format_date
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import audit, clock, keystore, processing, render, subjects
from lawful.actor import Actor

from .. import service as cases
from ..scope import service as scopes
from . import rules
from .models import BreachCommunication, BreachLetter
from .wording import Writer

NAME, ADDRESS = "user.name", "user.contact.address"


def printable(
    db: Session, actor: Actor, keys: keystore.Keys, *, organisation_id: uuid.UUID, reference: str
) -> bytes:
    """Every letter to post (again, if asked again): a PDF, one letter per page; marked printed, on record."""
    breach = cases.get(db, organisation_id=organisation_id, reference=reference)
    rows = list(
        db.scalars(
            select(BreachLetter)
            .where(BreachLetter.breach_id == breach.id, BreachLetter.channel == rules.POST)
            .order_by(BreachLetter.created_at)
        )
    )
    entries = {e["id"]: e for e in scopes.affected(keys, breach)} if rows else {}
    register = processing.current_register(db, organisation_id=organisation_id)[1]
    sendings = {
        c.id: c
        for c in db.scalars(select(BreachCommunication).where(BreachCommunication.breach_id == breach.id))
    }
    writers = {i: Writer(breach, register, c.texts) for i, c in sendings.items()}
    letters = []
    for row in rows:
        entry = entries.get(row.entry or "")
        if entry is None:
            continue
        name, address = _postal(db, keys, entry)
        text = writers[row.communication_id].text(row.language, entry["categories"])
        letters.append({"lang": row.language, "name": name, "address": address, "text": text})
        row.status = rules.PRINTED
    db.flush()
    audit.record(
        db, actor, "breach.letters_printed", entity=breach, organisation_id=organisation_id,
        data={"reference": breach.reference, "letters": len(letters)},
    )  # fmt: skip
    return _pdf(register, breach.reference, letters)


def _postal(db: Session, keys: keystore.Keys, entry: dict[str, Any]) -> tuple[str | None, list[str]]:
    """The name and the address lines lawful holds for the person; none for someone only a datastore knows."""
    if not entry["subject"]:
        return None, []
    try:
        held = subjects.values(db, keys, subject_id=uuid.UUID(entry["subject"]))
    except subjects.KeyDestroyed:
        return None, []
    names = [v.value for v in held if v.category == NAME or v.category.startswith(NAME + ".")]
    lines = [v.value for v in held if v.category == ADDRESS or v.category.startswith(ADDRESS + ".")]
    return (" ".join(names) or None), lines


def _pdf(register: processing.Register, reference: str, letters: list[dict[str, Any]]) -> bytes:
    from weasyprint import HTML  # heavy (0.8 s to import): loaded only when letters are printed

    org = register.organisation
    office = org.correspondence_address or org.registered_office
    today = clock.today()
    html = render.render(
        "breaches/letters/printed.html",
        reference=reference,
        letters=letters,
        company=org.legal_name,
        office=f"{office.street}, {office.postcode} {office.city}" if office else None,
        dated={lang: format_date(today, format="long", locale=lang) for lang in ("en", "fr", "nl")},
    )
    printed: bytes = HTML(string=html).write_pdf()
    return printed
