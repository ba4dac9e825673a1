"""Form submissions: declared fields only, age-gated, with their provenance and consent proof (R-12..R-15).

`submit` handles every case. `quick`, for the public forms' fast lane, prepares the most common one
(someone new, through a collecting form without an age gate) without reading anything: it is stamped
with the register and notice versions the lane last saw, and it is written only if a guard finds, at
the moment of writing, that those versions are still current and that nobody holds the identities.
"""

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BindParameter, Date, Select, bindparam, exists, func, literal, select
from sqlalchemy.orm import Session

from lawful import clock, consent, keystore, notices, processing, subjects
from lawful.actor import Actor
from lawful.db import Guard, insert_together

from . import rules, service
from .errors import SubmissionInvalid, UnderAge


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
    """A visitor's submission; None for forms that keep no profile (tell-a-friend, newsletters)."""
    form, number, register = service.form_of(db, organisation_id=organisation_id, form_key=form_key)
    cleaned = checked(form, fields)
    if form.referral:
        service.refer(db, actor, keys, organisation_id, form, register, fields, language, base_url)
        return None
    if service.is_newsletter(register, form):
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
    _age_gate(db, organisation_id, form, register, cleaned)
    entry = _entry(
        organisation_id,
        form,
        number,
        register,
        cleaned,
        language,
        channel,
        service.notice_number(db, organisation_id),
    )
    held = subjects.holder(
        db, keys, organisation_id=organisation_id, identities=entry.identities, client=entry.client
    )
    if not held:
        new = _new(actor, keys, entry, marketing_consent)
        insert_together(db.connection(), new.groups)
        return subjects.Collected(new.subject, new.collection, True, new.changed)
    collected = subjects.collect(db, actor, keys, **entry.collect_arguments())
    if marketing_consent and form.marketing_consent:
        offered, proof = _consent_proof(entry)
        consent.record(
            db,
            actor,
            organisation_id=organisation_id,
            subject_id=collected.subject.id,
            purpose=offered,
            kind=consent.EventKind.GIVEN,
            proof=proof,
        )
    return collected


@dataclass(frozen=True)
class Current:
    """What a submission is stamped with: the current register version and privacy notice."""

    version_id: uuid.UUID
    number: int
    register: processing.Register
    notice_number: int | None


def current(db: Session, *, organisation_id: uuid.UUID) -> Current:
    version = processing.RegisterVersion
    found = db.execute(processing.current_select(organisation_id, version.id, version.number)).first()
    if found is None:
        raise processing.RegisterNotFound("no register applied yet")
    register = processing.register_by_id(db, version_id=found.id)
    return Current(found.id, found.number, register, service.notice_number(db, organisation_id))


@dataclass(frozen=True)
class Quick:
    new: subjects.NewPerson
    guard: Guard  # write only if this still finds a row


def quick(
    actor: Actor,
    keys: keystore.Keys,
    now: Current,
    *,
    organisation_id: uuid.UUID,
    form_key: str,
    fields: dict[str, str],
    marketing_consent: bool,
    language: str,
    channel: subjects.Channel,
) -> Quick | None:
    """`submit`'s common case, prepared without a read; None when it is another case."""
    form = next((f for f in now.register.forms if f.key == form_key), None)
    if (
        form is None
        or form.referral
        or service.is_newsletter(now.register, form)
        or rules.asks_birth_date(form)
    ):
        return None
    cleaned = checked(form, fields)
    entry = _entry(
        organisation_id, form, now.number, now.register, cleaned, language, channel, now.notice_number
    )
    lookups = {
        kind: subjects.lookup_key(keys, kind, value, client=entry.client)
        for kind, value in entry.identities.items()
    }
    params = {
        "g_org": organisation_id,
        "g_version": now.version_id,
        "g_notice": -1 if now.notice_number is None else now.notice_number,
        "g_today": clock.today(),
        "g_email": lookups.get(subjects.IdentityKind.EMAIL),
        "g_phone": lookups.get(subjects.IdentityKind.PHONE),
    }
    return Quick(_new(actor, keys, entry, marketing_consent), (_STILL_NEW, params))


def _still_new() -> Select[Any]:
    """True at the moment of writing: the stamped versions are current and nobody holds the identities."""
    org: BindParameter[Any] = bindparam("g_org")
    version = processing.current_select(org, processing.RegisterVersion.id).scalar_subquery()
    notice = notices.number_in_force_select(
        org, notices.NoticeKind.PRIVACY, bindparam("g_today", type_=Date())
    ).scalar_subquery()
    held = subjects.holder_select(
        org,
        {
            subjects.IdentityKind.EMAIL: bindparam("g_email"),
            subjects.IdentityKind.PHONE: bindparam("g_phone"),
        },
    )
    return select(literal(1)).where(
        version == bindparam("g_version"),
        func.coalesce(notice, -1) == bindparam("g_notice"),
        ~exists(held),
    )


_STILL_NEW = _still_new()


@dataclass(frozen=True)
class Entry:
    """A checked submission of a collecting form, ready to be stored."""

    organisation_id: uuid.UUID
    form: processing.Form
    number: int
    register: processing.Register
    values: dict[str, str]
    identities: dict[subjects.IdentityKind, str]
    country: str | None
    language: str
    collection: subjects.CollectionCreate
    client: str | None = None  # the client controller a processor form collects for

    def collect_arguments(self) -> dict[str, Any]:
        return {
            "organisation_id": self.organisation_id,
            "subject_category": self.form.subject_category,
            "identities": self.identities,
            "values": self.values,
            "language": self.language,
            "country": self.country,
            "collection": self.collection,
            "client": self.client,
        }


def _entry(
    organisation_id: uuid.UUID,
    form: processing.Form,
    number: int,
    register: processing.Register,
    cleaned: dict[str, str],
    language: str,
    channel: subjects.Channel,
    notice_number: int | None,
) -> Entry:
    values = {f.category: cleaned[f.key] for f in form.fields if f.key in cleaned}
    return Entry(
        organisation_id=organisation_id,
        form=form,
        number=number,
        register=register,
        values=values,
        identities=service.identities_of(values),
        country=_country(form, values),
        language=language,
        collection=subjects.CollectionCreate(
            activity=form.activity,
            channel=channel,
            form_key=form.key,
            register_number=number,
            language=language,
            notice_number=notice_number,
        ),
        client=client.key if (client := processing.client_of(register, form.activity)) else None,
    )


def _country(form: processing.Form, values: dict[str, str]) -> str | None:
    return next(
        (values[f.category] for f in form.fields if f.type == "country" and f.category in values), None
    )


def _age_gate(
    db: Session,
    organisation_id: uuid.UUID,
    form: processing.Form,
    register: processing.Register,
    cleaned: dict[str, str],
) -> None:
    """R-108: under the digital-consent age of their country, nothing is kept but a daily count."""
    born = rules.birth_date(form, cleaned)
    if born is None:
        return
    office = register.organisation.registered_office
    values = {f.category: cleaned[f.key] for f in form.fields if f.key in cleaned}
    if subjects.is_below_consent_age(
        born, clock.today(), _country(form, values), office.country if office else "BE"
    ):

        def count(db: Session) -> None:
            service.count_refusal(db, organisation_id, form.key)

        count(db)  # the anonymous daily count stays on record although the submission is refused
        raise UnderAge("below the digital-consent age for this country; nothing was stored", record=count)


def _new(actor: Actor, keys: keystore.Keys, entry: Entry, marketing_consent: bool) -> subjects.NewPerson:
    """The rows of a submission from someone new: the person's and, if the box was ticked, the consent's."""
    new = subjects.new_person(actor, keys, now=clock.now(), **entry.collect_arguments())
    if marketing_consent and entry.form.marketing_consent:
        offered, proof = _consent_proof(entry)
        new.groups += consent.first_event(
            actor,
            organisation_id=entry.organisation_id,
            subject_id=new.subject_row["id"],
            purpose=offered,
            kind=consent.EventKind.GIVEN,
            proof=proof,
            now=clock.now(),
        )
    return new


def _consent_proof(entry: Entry) -> tuple[str, consent.Proof]:
    offered = next(a for a in entry.register.activities if a.key == entry.form.marketing_consent)
    text, named = consent.partners.offer_text(entry.register, offered.key, entry.language)
    born = rules.birth_date(entry.form, {f.key: entry.values.get(f.category, "") for f in entry.form.fields})
    return offered.key, consent.Proof(
        as_child=born is not None and subjects.is_child(born, clock.today()),
        text=text,
        recipients=named,
        text_version=f"register-{entry.number}",
        language=entry.language,
        channel=str(entry.collection.channel),
        element=f"form:{entry.form.key}#marketing_consent",
        notice_number=entry.collection.notice_number,
        controller=entry.client,
    )


def checked(form: processing.Form, fields: dict[str, str]) -> dict[str, str]:
    """The submitted values in their normal forms, or SubmissionInvalid naming every problem."""
    problems = rules.check_submission(form, fields)
    already = {p.field for p in problems}
    cleaned = {}
    for field in form.fields:
        value = fields.get(field.key, "").strip()
        if field.key in already or not value:
            continue
        try:
            cleaned[field.key] = service.clean(str(field.type), value)
        except subjects.InvalidIdentity as exc:
            problems.append(rules.FieldProblem(field.key, exc.detail, str(field.type)))
    if problems:
        raise SubmissionInvalid(
            "the submission has problems; nothing was stored",
            problems=[{"path": f"fields.{p.field}", "message": p.message, "rule": p.rule} for p in problems],
        )
    return cleaned
