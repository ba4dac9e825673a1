"""Intake: forms declared in the register, staff-recorded data, CSV imports and self-service updates."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import audit, clock, consent, i18n, keystore, mail, notices, processing, render, subjects
from lawful.actor import Actor

from .errors import UnknownForm
from .models import AgeGateRefusal
from .schemas import FieldRead, FormRead

IDENTITY_CATEGORIES = {
    "user.contact.email": subjects.IdentityKind.EMAIL,
    "user.contact.phone_number": subjects.IdentityKind.PHONE,
}


def form_of(
    db: Session, *, organisation_id: uuid.UUID, form_key: str
) -> tuple[processing.Form, int, processing.Register]:
    """A form of the current register, with that register and its version number."""
    number, register = processing.current_register(db, organisation_id=organisation_id)
    form = next((f for f in register.forms if f.key == form_key), None)
    if form is None:
        raise UnknownForm(f"there is no form {form_key!r}")
    return form, number, register


def describe(db: Session, *, organisation_id: uuid.UUID, form_key: str, lang: str, base_url: str) -> FormRead:
    """The form in one language, with its just-in-time notice (R-13)."""
    form, _, register = form_of(db, organisation_id=organisation_id, form_key=form_key)
    language = (
        lang if lang in register.organisation.languages else register.organisation.authoritative_language
    )
    activity = next(a for a in register.activities if a.key == form.activity)
    basis = processing.bases(activity).get(form.subject_category)
    offered = next((a for a in register.activities if a.key == form.marketing_consent), None)
    client = processing.client_of(register, form.activity)
    return FormRead(
        key=form.key,
        language=language,
        name=text_of(form.name, language),
        intro=text_of(form.intro, language) if form.intro else "",
        fields=[
            FieldRead(
                key=f.key,
                label=text_of(f.label, language),
                type=str(f.type),
                required=f.required,
                max_length=f.max_length,
            )
            for f in form.fields
        ],
        marketing_consent=consent.partners.offer_text(register, offered.key, language)[0]
        if offered
        else None,
        notice=_notice(register, activity, client, basis, language),
        notice_url=client.privacy_policy_url if client else f"{base_url}/privacy?lang={language}",
        controller=client.name if client else None,
    )


def _notice(
    register: processing.Register,
    activity: processing.Activity,
    client: processing.Client | None,
    basis: str | None,
    language: str,
) -> str:
    """R-13; R-101: a form run for a client names the client as controller, and the company as its processor."""
    purpose = text_of(activity.purpose, language)
    if client is not None:
        return i18n.t(
            "form.notice_client",
            language,
            controller=client.name,
            processor=register.organisation.legal_name,
            purpose=purpose,
        )
    return i18n.t(
        "form.notice",
        language,
        controller=register.organisation.legal_name,
        purpose=purpose,
        basis=i18n.t(f"basis.{basis}", language) if basis else "-",
    )


def text_of(label: processing.Label | None, lang: str) -> str:
    if label is None:
        return ""
    return label.get(lang) or label.en or label.fr or label.nl or ""


def is_newsletter(register: processing.Register, form: processing.Form) -> bool:
    """A form whose only purpose is consent-based email marketing goes through double opt-in."""
    activity = next(a for a in register.activities if a.key == form.activity)
    basis = processing.bases(activity).get(form.subject_category)
    return basis is processing.Basis.CONSENT and activity.data_use.startswith("marketing.communications")


def refer(
    db: Session,
    actor: Actor,
    keys: keystore.Keys,
    organisation_id: uuid.UUID,
    form: processing.Form,
    register: processing.Register,
    fields: dict[str, str],
    language: str,
    base_url: str,
) -> None:
    """Tell-a-friend (R-18, T-35): one message, no profile; the address lives only in the sealed outbox row."""
    by_type = {str(f.type): fields.get(f.key, "").strip() for f in form.fields}
    friend = subjects.normalise_email(by_type.get("email", ""))
    if consent.suppression_lookup(keys, friend) in consent.suppressed(
        db, organisation_id=organisation_id, lookups=[consent.suppression_lookup(keys, friend)]
    ):
        return  # they asked never to hear from us: nothing is sent, nothing is kept
    referrer = fields.get("referrer_name", "").strip() or i18n.t("mail.referral.someone", language)
    organisation = register.organisation.legal_name
    text = render.render(
        "mail/referral.txt",
        lang=language,
        referrer=referrer,
        message=by_type.get("textarea", ""),
        privacy_url=f"{base_url}/privacy?lang={language}",
    )
    subject = i18n.t("mail.referral.subject", language, referrer=referrer, organisation=organisation)
    mail.queue(
        db,
        keys,
        mail.Mail(to=friend, subject=subject, text=text, lang=language),
        kind=f"referral:{form.key}",
        category="service",
        organisation_id=organisation_id,
    )
    audit.record(
        db,
        actor,
        "intake.referral_queued",
        entity_type="Form",
        entity_id=form.key,
        organisation_id=organisation_id,
    )


def clean(kind: str, value: str) -> str:
    value = value.strip()
    if kind == "email":
        return subjects.normalise_email(value)
    if kind == "phone":
        return subjects.normalise_phone(value)
    if kind == "country":
        return value.upper()
    if kind == "language":
        return value.lower()
    return value


def identities_of(values: dict[str, str]) -> dict[subjects.IdentityKind, str]:
    return {kind: values[category] for category, kind in IDENTITY_CATEGORIES.items() if category in values}


def notice_number(db: Session, organisation_id: uuid.UUID) -> int | None:
    return notices.current_number(db, organisation_id=organisation_id, kind=notices.NoticeKind.PRIVACY)


def count_refusal(db: Session, organisation_id: uuid.UUID, form_key: str) -> None:
    """Only a daily count, kept on record although the submission itself is refused (lawful.work)."""
    today = clock.today()
    row = db.scalars(
        select(AgeGateRefusal).where(
            AgeGateRefusal.organisation_id == organisation_id,
            AgeGateRefusal.form_key == form_key,
            AgeGateRefusal.day == today,
        )
    ).first()
    if row is None:
        db.add(AgeGateRefusal(organisation_id=organisation_id, form_key=form_key, day=today, count=1))
    else:
        row.count += 1
    db.flush()
