"""Intake: forms declared in the register, staff-recorded data, CSV imports and self-service updates."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import audit, clock, consent, i18n, keystore, mail, notices, processing, render, subjects
from lawful.actor import Actor

from . import rules
from .errors import ImportRefused, LinkInvalid, LinkUsed, SubmissionInvalid, UnderAge, UnknownForm
from .models import AgeGateRefusal, UpdateLink
from .schemas import FieldRead, FormRead, SubjectCreate

IDENTITY_CATEGORIES = {
    "user.contact.email": subjects.IdentityKind.EMAIL,
    "user.contact.phone_number": subjects.IdentityKind.PHONE,
}
UPDATE_LINK_DAYS = 7


def form_of(
    db: Session, *, organisation_id: uuid.UUID, form_key: str
) -> tuple[processing.Form, processing.RegisterVersion]:
    version = processing.get_version(db, organisation_id=organisation_id)
    register = processing.register_of(version)
    form = next((f for f in register.forms if f.key == form_key), None)
    if form is None:
        raise UnknownForm(f"there is no form {form_key!r}")
    return form, version


def describe(db: Session, *, organisation_id: uuid.UUID, form_key: str, lang: str, base_url: str) -> FormRead:
    """The form in one language, with its just-in-time notice (R-13)."""
    form, version = form_of(db, organisation_id=organisation_id, form_key=form_key)
    register = processing.register_of(version)
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
    form, version = form_of(db, organisation_id=organisation_id, form_key=form_key)
    problems = rules.check_submission(form, fields)
    problems += _identity_problems(form, fields, {p.field for p in problems})
    if problems:
        raise SubmissionInvalid(
            "the submission has problems; nothing was stored",
            problems=[{"path": f"fields.{p.field}", "message": p.message, "rule": p.rule} for p in problems],
        )
    register = processing.register_of(version)
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
            register_number=version.number,
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
                text_version=f"register-{version.number}",
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
    try:
        return notices.get_current(
            db, organisation_id=organisation_id, kind=notices.NoticeKind.PRIVACY
        ).number
    except notices.NoticeNotFound:
        return None


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


def record(
    db: Session, actor: Actor, keys: keystore.Keys, *, organisation_id: uuid.UUID, body: SubjectCreate
) -> subjects.Collected:
    """Data that arrived by email, phone, post, contract or at an event (R-16); the real receipt time is kept."""
    register = processing.register_of(processing.get_version(db, organisation_id=organisation_id))
    activity = next((a for a in register.activities if a.key == body.collection.activity), None)
    if activity is None:
        raise SubmissionInvalid(
            f"{body.collection.activity!r} is not an activity of the register",
            problems=[{"path": "collection.activity", "message": "unknown activity"}],
        )
    if body.subject_category not in activity.subjects:
        raise SubmissionInvalid(
            "this activity does not concern that subject category",
            problems=[{"path": "subject_category", "message": "not a subject of the activity"}],
        )
    unknown = sorted(set(body.values) - set(activity.data_categories))
    if unknown:
        raise SubmissionInvalid(
            "these categories are not collected by the activity",
            problems=[{"path": f"values.{k}", "message": "not collected by the activity"} for k in unknown],
        )
    identities: dict[subjects.IdentityKind, str] = {}
    for kind, raw, path in (
        (subjects.IdentityKind.EMAIL, body.email, "email"),
        (subjects.IdentityKind.PHONE, body.phone, "phone"),
        (subjects.IdentityKind.EXTERNAL, body.external_id, "external_id"),
    ):
        if raw:
            try:
                identities[kind] = subjects.normalise(kind, raw)
            except subjects.InvalidIdentity as exc:
                raise SubmissionInvalid(exc.detail, problems=[{"path": path, "message": exc.detail}]) from exc
    if not identities:
        raise SubmissionInvalid(
            "give an email, a phone number or an external id",
            problems=[{"path": "email", "message": "an identity is required"}],
        )
    values = dict(body.values)
    for category, kind in IDENTITY_CATEGORIES.items():
        if kind in identities and category in activity.data_categories:
            values[category] = identities[kind]
    return subjects.collect(
        db,
        actor,
        keys,
        organisation_id=organisation_id,
        subject_category=body.subject_category,
        identities=identities,
        values=values,
        collection=body.collection,
        language=body.language,
    )


@dataclass(frozen=True)
class ImportResult:
    imported: int
    created: int
    suppressed: int


def import_csv(
    db: Session,
    actor: Actor,
    keys: keystore.Keys,
    *,
    organisation_id: uuid.UUID,
    text: str,
    activity: str,
    subject_category: str,
    source: subjects.Source,
    source_name: str,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """A contact list from a partner or aggregator: checked whole first, then imported whole, or not at all.

    Columns are the data categories of `activity`. Addresses on the exclusion list are dropped and counted.
    """
    register = processing.register_of(processing.get_version(db, organisation_id=organisation_id))
    target = next((a for a in register.activities if a.key == activity), None)
    if target is None:
        raise ImportRefused(f"{activity!r} is not an activity of the register")
    reader = csv.DictReader(io.StringIO(text))
    columns = reader.fieldnames or []
    problems = [
        {"path": f"column {name!r}", "message": "not a data category of the activity"}
        for name in columns
        if name not in target.data_categories
    ]
    if not any(c in IDENTITY_CATEGORIES for c in columns):
        problems.append(
            {"path": "header", "message": "needs a user.contact.email or user.contact.phone_number column"}
        )
    if problems:
        raise ImportRefused("the file was refused; nothing was imported", problems=problems)
    rows, problems = _parse_rows(reader)
    if problems:
        raise ImportRefused(f"{len(problems)} problem(s); nothing was imported", problems=problems[:100])
    lookups = [
        consent.suppression_lookup(keys, row[subjects.IdentityKind.EMAIL.value])
        for row in rows
        if subjects.IdentityKind.EMAIL.value in row
    ]
    excluded = consent.suppressed(db, organisation_id=organisation_id, lookups=lookups)
    imported = created = dropped = 0
    for index, row in enumerate(rows):
        email = row.pop(subjects.IdentityKind.EMAIL.value, None)
        phone = row.pop(subjects.IdentityKind.PHONE.value, None)
        if email and consent.suppression_lookup(keys, email) in excluded:
            dropped += 1
            continue
        identities = {
            k: v for k, v in ((subjects.IdentityKind.EMAIL, email), (subjects.IdentityKind.PHONE, phone)) if v
        }
        collected = subjects.collect(
            db,
            actor,
            keys,
            organisation_id=organisation_id,
            subject_category=subject_category,
            identities=identities,
            values=row,
            collection=subjects.CollectionCreate(
                activity=activity, channel=subjects.Channel.IMPORT, source=source, source_name=source_name
            ),
        )
        imported, created = imported + 1, created + int(collected.created)
        if progress:
            progress(index + 1, len(rows))
    audit.record(
        db,
        actor,
        "intake.imported",
        entity_type="Import",
        organisation_id=organisation_id,
        data={
            "activity": activity,
            "imported": imported,
            "created": created,
            "suppressed": dropped,
            "source": str(source),
        },
    )
    return ImportResult(imported, created, dropped)


def _parse_rows(reader: csv.DictReader[str]) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    rows: list[dict[str, str]] = []
    problems: list[dict[str, str]] = []
    for number, raw in enumerate(reader, start=2):  # line 1 is the header
        row: dict[str, str] = {}
        for column, value in raw.items():
            if column is None or value is None:
                problems.append(
                    {"path": f"row {number}", "message": "has more or fewer cells than the header"}
                )
                continue
            value = value.strip()
            if not value:
                continue
            kind = IDENTITY_CATEGORIES.get(column)
            if kind is None:
                row[column] = value
                continue
            try:
                row[column] = row[str(kind)] = subjects.normalise(kind, value)
            except subjects.InvalidIdentity as exc:
                problems.append({"path": f"row {number}, column {column!r}", "message": exc.detail})
        if not any(raw.get(column) for column in IDENTITY_CATEGORIES):
            problems.append({"path": f"row {number}", "message": "has no email or phone"})
        rows.append(row)
    return rows, problems


def create_update_link(db: Session, actor: Actor, *, subject_id: uuid.UUID) -> UpdateLink:
    """R-19: a single-use link for the person to correct their contact details; it carries no personal data."""
    subject = subjects.get(db, subject_id=subject_id)
    now = clock.now()
    link = UpdateLink(
        subject_id=subject.id,
        organisation_id=subject.organisation_id,
        created_at=now,
        expires_at=now + timedelta(days=UPDATE_LINK_DAYS),
    )
    db.add(link)
    db.flush()
    audit.record(
        db,
        actor,
        "intake.update_link_created",
        entity=link,
        organisation_id=subject.organisation_id,
        data={"subject_id": str(subject.id)},
    )
    return link


def open_update_link(db: Session, *, link_id: uuid.UUID) -> UpdateLink:
    link = db.get(UpdateLink, link_id)
    if link is None or link.expires_at <= clock.now():
        raise LinkInvalid("this link is unknown or has expired")
    if link.used_at is not None:
        raise LinkUsed("this link was used already; ask for a new one")
    return link


def apply_update(
    db: Session, actor: Actor, keys: keystore.Keys, *, link_id: uuid.UUID, values: dict[str, str]
) -> subjects.Collected:
    """The person's own correction, versioned; earlier versions (and issued invoices) stay as they were."""
    link = open_update_link(db, link_id=link_id)
    subject = subjects.get(db, subject_id=link.subject_id)
    current = {v.category for v in subjects.values(db, keys, subject_id=subject.id)}
    unknown = sorted(set(values) - current)
    if unknown:
        raise SubmissionInvalid(
            "only details we hold can be updated here",
            problems=[{"path": f"values.{k}", "message": "not held"} for k in unknown],
        )
    cleaned = {
        k: _clean(
            "email" if k == "user.contact.email" else "phone" if k == "user.contact.phone_number" else "text",
            v,
        )
        for k, v in values.items()
        if v.strip()
    }
    link.used_at = clock.now()
    latest = subjects.history(db, subject_id=subject.id)[-1]
    return subjects.collect(
        db,
        actor,
        keys,
        organisation_id=subject.organisation_id,
        subject_category=subject.categories[0],
        identities=_identities(cleaned),
        values=cleaned,
        subject_id=subject.id,
        collection=subjects.CollectionCreate(activity=latest.activity, channel=subjects.Channel.SELF_SERVICE),
    )
