"""Intake: forms declared in the register, staff-recorded data, CSV imports and self-service updates."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import audit, clock, consent, i18n, keystore, mail, notices, processing, render, subjects
from lawful.actor import Actor

from . import rules
from .errors import SubmissionInvalid, UnderAge, UnknownForm
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
    return FormRead(
        key=form.key,
        language=language,
        name=_text(form.name, language),
        intro=_text(form.intro, language) if form.intro else "",
        fields=[
            FieldRead(
                key=f.key,
                label=_text(f.label, language),
                type=str(f.type),
                required=f.required,
                max_length=f.max_length,
            )
            for f in form.fields
        ],
        marketing_consent=i18n.t("form.marketing_consent", language, name=_text(offered.name, language))
        if offered
        else None,
        notice=i18n.t(
            "form.notice",
            language,
            controller=register.organisation.legal_name,
            purpose=_text(activity.purpose, language),
            basis=i18n.t(f"basis.{basis}", language) if basis else "-",
        ),
        notice_url=f"{base_url}/privacy?lang={language}",
    )


def _text(label: processing.Label | None, lang: str) -> str:
    if label is None:
        return ""
    return label.get(lang) or label.en or label.fr or label.nl or ""


def submit(
    db: Session,
    actor: Actor,
    keys: keystore.Keys,
    *,
    organisation_id: uuid.UUID,
    form_key: str,
    fields: dict[str, str],
    marketing_consent: bool,
    language: str,
    channel: subjects.Channel,
    base_url: str = "",
) -> subjects.Collected | None:
    """A form submission: declared fields only, age-gated, with its provenance and consent proof (R-12..R-15)."""
    form, number, register = form_of(db, organisation_id=organisation_id, form_key=form_key)
    problems = rules.check_submission(form, fields)
    problems += _identity_problems(form, fields, {p.field for p in problems})
    if problems:
        raise SubmissionInvalid(
            "the submission has problems; nothing was stored",
            problems=[{"path": f"fields.{p.field}", "message": p.message, "rule": p.rule} for p in problems],
        )
    if form.referral:
        _refer(db, actor, keys, organisation_id, form, register, fields, language, base_url)
        return None
    if _is_newsletter(register, form):
        email = next(
            fields[f.key] for f in form.fields if f.type == "email" and fields.get(f.key, "").strip()
        )
        consent.optin.subscribe(
            db,
            actor,
            keys,
            organisation_id=organisation_id,
            purpose=form.activity,
            email=email,
            language=language,
            base_url=base_url,
        )
        return None
    values = {
        f.category: _clean(str(f.type), fields[f.key]) for f in form.fields if fields.get(f.key, "").strip()
    }
    identities = _identities(values)
    country = next(
        (values[f.category] for f in form.fields if f.type == "country" and f.category in values), None
    )
    default_country = (
        register.organisation.registered_office.country if register.organisation.registered_office else "BE"
    )
    born = rules.birth_date(form, fields)
    if born is not None and subjects.is_below_consent_age(born, clock.today(), country, default_country):
        _count_refusal(db, organisation_id, form.key)
        raise UnderAge("below the digital-consent age for this country; nothing was stored")
    collected = subjects.collect(
        db,
        actor,
        keys,
        organisation_id=organisation_id,
        subject_category=form.subject_category,
        identities=identities,
        values=values,
        language=language,
        country=country,
        collection=subjects.CollectionCreate(
            activity=form.activity,
            channel=channel,
            form_key=form.key,
            register_number=number,
            language=language,
            notice_number=_notice_number(db, organisation_id),
        ),
    )
    if marketing_consent and form.marketing_consent:
        offered = next(a for a in register.activities if a.key == form.marketing_consent)
        text = i18n.t("form.marketing_consent", language, name=_text(offered.name, language))
        consent.record(
            db,
            actor,
            organisation_id=organisation_id,
            subject_id=collected.subject.id,
            purpose=offered.key,
            kind=consent.EventKind.GIVEN,
            proof=consent.Proof(
                text=text,
                text_version=f"register-{number}",
                language=language,
                channel=str(channel),
                element=f"form:{form.key}#marketing_consent",
                notice_number=collected.collection.notice_number,
            ),
        )
    return collected


def _is_newsletter(register: processing.Register, form: processing.Form) -> bool:
    """A form whose only purpose is consent-based email marketing goes through double opt-in."""
    activity = next(a for a in register.activities if a.key == form.activity)
    basis = processing.bases(activity).get(form.subject_category)
    return basis is processing.Basis.CONSENT and activity.data_use.startswith("marketing.communications")


def _refer(
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
        mail.Mail(to=friend, subject=subject, text=text),
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


def _identity_problems(
    form: processing.Form, fields: dict[str, str], already: set[str]
) -> list[rules.FieldProblem]:
    found = []
    for field in form.fields:
        value = fields.get(field.key, "").strip()
        if field.key in already or not value or str(field.type) not in ("email", "phone"):
            continue
        try:
            _clean(str(field.type), value)
        except subjects.InvalidIdentity as exc:
            found.append(rules.FieldProblem(field.key, exc.detail, str(field.type)))
    return found


def _clean(kind: str, value: str) -> str:
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


def _identities(values: dict[str, str]) -> dict[subjects.IdentityKind, str]:
    return {kind: values[category] for category, kind in IDENTITY_CATEGORIES.items() if category in values}


def _notice_number(db: Session, organisation_id: uuid.UUID) -> int | None:
    return notices.current_number(db, organisation_id=organisation_id, kind=notices.NoticeKind.PRIVACY)


def _count_refusal(db: Session, organisation_id: uuid.UUID, form_key: str) -> None:
    """Only a daily count; committed by the caller even though the submission itself is refused."""
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
