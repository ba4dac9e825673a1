"""The soft opt-in's refusal on a form (R-34, T-16; CEL Art. XII.13 §2, Royal Decree of 4 April 2003).

A form that declares `marketing_optout` shows an unticked box to refuse marketing by email that rests on
no consent. Whether the refusal was offered is recorded from what the person saw: the form carries the
version (hash) of the text it showed, and a submission whose version is not the current text's, or that
names none, was not offered it, so its address never qualifies for the soft opt-in. A ticked box puts the
address on the exclusion list for those purposes at once; consents given on the same form stay.
"""

import hashlib
import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session

from lawful import consent, i18n, keystore, processing
from lawful.actor import Actor

REASON = "refused_at_collection"


@dataclass(frozen=True)
class Offer:
    text: str  # shown next to the unticked box
    version: str  # the text's hash: a form posts it back as proof of what it showed


def offer(register: processing.Register, form: processing.Form, lang: str) -> Offer | None:
    """The refusal as the form shows it in `lang`, or None when the form offers none."""
    if not form.marketing_optout:
        return None
    org = register.organisation
    language = lang if lang in org.languages else org.authoritative_language  # as the form is shown
    text = i18n.t("form.marketing_optout", language, organisation=org.legal_name)
    return Offer(text, hashlib.sha256(text.encode()).hexdigest())


def offered(register: processing.Register, form: processing.Form, lang: str, shown: str | None) -> bool:
    """The person saw the refusal: the form showed the current text, in the language they used."""
    found = offer(register, form, lang)
    return found is not None and shown is not None and shown == found.version


def purposes(register: processing.Register, subject_category: str) -> list[str]:
    """What the box refuses: every marketing purpose that reaches these people without their consent."""
    return [
        a.key
        for a in register.activities
        if consent.is_marketing(a.data_use)
        and processing.bases(a).get(subject_category) not in (None, processing.Basis.CONSENT)
    ]


def refuse(
    db: Session,
    actor: Actor,
    keys: keystore.Keys,
    *,
    organisation_id: uuid.UUID,
    register: processing.Register,
    subject_category: str,
    email: str | None,
) -> None:
    """The person ticked the box: their address is excluded from those purposes now (R-36, R-37)."""
    if email is None:
        return
    lookup = consent.suppression_lookup(keys, email)
    for purpose in purposes(register, subject_category):
        consent.suppress(
            db, actor, organisation_id=organisation_id, lookup=lookup, reason=REASON, scope=purpose
        )
