"""The preference page (R-22): a signed link, no login, each consent the person gave, to withdraw or give.

The link names only the person, signed; what it shows and changes is what they consented to. Giving
records the exact text shown on the page with its hash, as every other consent (R-20).
"""

import uuid
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import i18n, keystore, processing, subjects
from lawful.actor import Actor

from . import rules
from .errors import ConsentNotGiven, UnknownLink
from .models import ConsentState
from .rules import ConsentStatus, EventKind
from .service import Proof, ensure_consent_purpose, record
from .withdrawals import narrow_exclusion, object_to_marketing, withdraw

SALT = "preferences"


def token(keys: keystore.Keys, subject_id: uuid.UUID) -> str:
    return str(URLSafeSerializer(keys.session, salt=SALT).dumps(subject_id.hex))


def subject_of(db: Session, keys: keystore.Keys, link: str) -> subjects.Subject:
    try:
        found = URLSafeSerializer(keys.session, salt=SALT).loads(link)
        return subjects.get(db, subject_id=uuid.UUID(hex=str(found)))
    except (BadSignature, ValueError, subjects.SubjectNotFound) as exc:
        raise UnknownLink("this link is not valid") from exc


@dataclass(frozen=True)
class Choice:
    purpose: str
    name: str
    given: bool
    marketing: bool
    text: str  # what giving it again agrees to, shown next to the button and recorded with its hash


def give_text(register: processing.Register, purpose: str, lang: str) -> str:
    activity = next(a for a in register.activities if a.key == purpose)
    return i18n.t(
        "preferences.give_text",
        lang,
        organisation=register.organisation.legal_name,
        name=activity.name.get(lang) or activity.name.en or purpose,
        purpose=activity.purpose.get(lang) or activity.purpose.en or "",
    )


def choices(db: Session, subject: subjects.Subject, lang: str) -> list[Choice]:
    """Each purpose of the register the person ever consented to, with its state now."""
    register = processing.current_register(db, organisation_id=subject.organisation_id)[1]
    activities = {a.key: a for a in register.activities}
    states = db.execute(
        select(ConsentState.purpose, ConsentState.state).where(ConsentState.subject_id == subject.id)
    ).all()
    found = []
    for purpose, state in sorted(states):
        activity = activities.get(purpose)
        if activity is None or processing.Basis.CONSENT not in processing.bases(activity).values():
            continue
        found.append(
            Choice(
                purpose=purpose,
                name=activity.name.get(lang) or activity.name.en or purpose,
                given=state == ConsentStatus.GIVEN,
                marketing=rules.is_marketing(activity.data_use),
                text=give_text(register, purpose, lang),
            )
        )
    return found


def change(
    db: Session,
    actor: Actor,
    keys: keystore.Keys,
    *,
    subject: subjects.Subject,
    action: str,
    purpose: str | None,
    lang: str,
) -> None:
    """`withdraw` or `give` one listed purpose, or `object` to all marketing (Art. 21(2))."""
    proof = Proof(
        text="preference page", text_version="1", language=lang, channel="web", element="preferences"
    )
    if action == "object":
        object_to_marketing(db, actor, keys, subject=subject, proof=proof, reason="objection")
        return
    listed = {c.purpose: c for c in choices(db, subject, lang)}
    if purpose not in listed:
        raise ConsentNotGiven("purpose: not a consent of yours that this page can change")
    if action == "withdraw":
        withdraw(db, actor, keys, subject=subject, purpose=purpose, proof=proof, strict=False)
        return
    register, version = _register(db, subject)
    ensure_consent_purpose(register, purpose)
    if listed[purpose].given:
        return  # given already: nothing to record twice
    shown = give_text(register, purpose, lang)
    record(
        db,
        actor,
        organisation_id=subject.organisation_id,
        subject_id=subject.id,
        purpose=purpose,
        kind=EventKind.GIVEN,
        proof=Proof(
            text=shown,
            text_version=f"register-{version}",
            language=lang,
            channel="web",
            element="preferences:give",
        ),
    )
    # consent given again outranks the person's earlier exclusion of this purpose, and only of it
    narrow_exclusion(db, actor, keys, subject=subject, purpose=purpose, register=register)


def _register(db: Session, subject: subjects.Subject) -> tuple[processing.Register, int]:
    number, register = processing.current_register(db, organisation_id=subject.organisation_id)
    return register, number
