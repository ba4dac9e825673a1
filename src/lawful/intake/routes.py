"""JSON API of intake: public forms for the company's website; staff intake and imports."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Query, Request

from lawful import jobs, processing, subjects
from lawful.actor import PUBLIC, Actor
from lawful.errors import Forbidden
from lawful.web import AppKeys, AppSettings, Db, RateLimiter, language, require

from . import imports, links, service
from .schemas import (
    FormRead,
    ImportRead,
    SubjectCreate,
    SubjectCreated,
    SubmissionCreate,
    SubmissionRead,
    UpdateLinkRead,
)
from .tokens import update_url

router = APIRouter(tags=["intake"])
Writer = Annotated[Actor, Depends(require("subjects:write"))]
submissions_limit = RateLimiter(limit=30, seconds=60)


def public_organisation(db: Db, settings: AppSettings) -> uuid.UUID:
    return processing.get_organisation(db, slug=settings.organisation).id


PublicOrg = Annotated[uuid.UUID, Depends(public_organisation)]


@router.get("/api/forms/{form_key}")
def get_form(form_key: str, request: Request, db: Db, org: PublicOrg, settings: AppSettings) -> FormRead:
    """A form with its fields, labels and just-in-time notice, in the visitor's language."""
    lang = language(request, ["en", "fr", "nl"], "en")
    return service.describe(db, organisation_id=org, form_key=form_key, lang=lang, base_url=settings.base_url)


@router.post("/api/forms/{form_key}/submissions", status_code=201, dependencies=[Depends(submissions_limit)])
def submit_form(
    form_key: str,
    body: SubmissionCreate,
    request: Request,
    db: Db,
    keys: AppKeys,
    org: PublicOrg,
    settings: AppSettings,
) -> SubmissionRead:
    """A visitor's submission; the answer never says whether the person was known before."""
    service.submit(
        db,
        PUBLIC,
        keys,
        organisation_id=org,
        form_key=form_key,
        fields=body.fields,
        marketing_consent=body.marketing_consent,
        language=body.language or language(request, ["en", "fr", "nl"], "en"),
        channel=subjects.Channel.API,
        base_url=settings.base_url,
    )
    db.commit()
    jobs.kick_mail(db)
    return SubmissionRead()


@router.post("/api/subjects", status_code=201)
def create_subject(body: SubjectCreate, db: Db, keys: AppKeys, actor: Writer) -> SubjectCreated:
    collected = imports.record(db, actor, keys, organisation_id=_org(actor), body=body)
    db.commit()
    return SubjectCreated(
        subject_id=collected.subject.id, created=collected.created, changed=collected.changed
    )


@router.post("/api/imports", status_code=201)
def import_contacts(
    db: Db,
    keys: AppKeys,
    actor: Writer,
    csv: Annotated[str, Body(media_type="text/csv", max_length=20_000_000)],
    activity: Annotated[str, Query(max_length=120)],
    subject_category: Annotated[str, Query(max_length=120)],
    source: subjects.Source,
    source_name: Annotated[str, Query(max_length=200)],
) -> ImportRead:
    result = imports.import_csv(
        db,
        actor,
        keys,
        organisation_id=_org(actor),
        text=csv,
        activity=activity,
        subject_category=subject_category,
        source=source,
        source_name=source_name,
    )
    db.commit()
    return ImportRead(imported=result.imported, created=result.created, suppressed=result.suppressed)


@router.post("/api/subjects/{subject_id}/update-links", status_code=201)
def create_update_link(
    subject_id: uuid.UUID, db: Db, keys: AppKeys, actor: Writer, settings: AppSettings
) -> UpdateLinkRead:
    subjects.get(db, subject_id=subject_id, organisation_id=_org(actor))
    link = links.create_update_link(db, actor, subject_id=subject_id)
    db.commit()
    return UpdateLinkRead(
        url=update_url(settings.base_url, keys, link.id), expires_in_days=links.UPDATE_LINK_DAYS
    )


def _org(actor: Actor) -> uuid.UUID:
    if actor.organisation_id is None:
        raise Forbidden("this key belongs to no organisation")
    return actor.organisation_id
