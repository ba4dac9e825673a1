"""Consent to passing data to partners for their own marketing names them (R-33, R-39; Art. 4(11), 7).

An activity that gives data to independent controllers or third parties is consented to with a text
naming each of them and the data they receive; the event keeps their keys, and an export to one of them
reaches only the people whose consent in force named it. A partner added to the register later is
covered by no earlier consent.
"""

import uuid
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import i18n, processing

from .models import ConsentEvent, ConsentState
from .rules import ConsentStatus

PARTNER_TYPES = frozenset({"independent_controller", "third_party"})


def partners(register: processing.Register, purpose: str) -> list[processing.Recipient]:
    """The recipients of an activity that use the data for their own purposes."""
    activity = next(a for a in register.activities if a.key == purpose)
    found = {r.key: r for r in register.recipients if str(r.type) in PARTNER_TYPES}
    return [found[key] for key in activity.recipients if key in found]


def offer_text(register: processing.Register, purpose: str, language: str) -> tuple[str, tuple[str, ...]]:
    """The text of the choice as the person reads it, and the partners it names (none for own marketing)."""
    activity = next(a for a in register.activities if a.key == purpose)
    named = partners(register, purpose)
    if not named:
        name = activity.name.get(language) or activity.name.get(register.organisation.authoritative_language)
        return i18n.t("form.marketing_consent", language, name=name or purpose), ()
    labels = {c.key: c.label for c in register.data_categories}
    shared = [c for c in activity.data_categories if any(c in p.fields for p in named)]
    fallback = register.organisation.authoritative_language
    data = ", ".join(labels[c].get(language) or labels[c].get(fallback) or c for c in shared if c in labels)
    text = i18n.t(
        "consent.partners",
        language,
        organisation=register.organisation.legal_name,
        data=data,
        partners=", ".join(p.name for p in named),
    )
    return text, tuple(p.key for p in named)


def consented_to(
    db: Session, *, organisation_id: uuid.UUID, purpose: str, recipient: str, subject_ids: Iterable[uuid.UUID]
) -> set[uuid.UUID]:
    """Who, among these people, has a consent in force for `purpose` whose text named `recipient`."""
    wanted = list(subject_ids)
    found: set[uuid.UUID] = set()
    for start in range(0, len(wanted), 2000):
        rows = db.execute(
            select(ConsentState.subject_id, ConsentEvent.recipients)
            .join(ConsentEvent, ConsentEvent.id == ConsentState.event_id)
            .where(
                ConsentState.organisation_id == organisation_id,
                ConsentState.purpose == purpose,
                ConsentState.state == str(ConsentStatus.GIVEN),
                ConsentState.subject_id.in_(wanted[start : start + 2000]),
            )
        )
        found |= {subject_id for subject_id, named in rows if recipient in (named or [])}
    return found
