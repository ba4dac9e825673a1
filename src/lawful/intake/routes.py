"""JSON API of intake: public forms for the company's website; staff intake and imports."""

import re
import uuid
from time import monotonic
from typing import Annotated

import psycopg
from fastapi import APIRouter, Body, Depends, FastAPI, Query, Request
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from starlette.types import ASGIApp, Scope

from lawful import i18n, processing, subjects
from lawful.actor import PUBLIC, Actor
from lawful.config import Settings
from lawful.db import insert_together
from lawful.errors import Forbidden, LawfulError
from lawful.lane import Answer, Lane, header
from lawful.web import AppKeys, AppSettings, Db, RateLimiter, language, require

from . import imports, links, service, submissions
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
    submissions.submit(
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
        optout_shown=body.optout_shown,
        optout_refused=body.marketing_optout,
    )
    return SubmissionRead()


@router.post("/api/subjects", status_code=201)
def create_subject(body: SubjectCreate, db: Db, keys: AppKeys, actor: Writer) -> SubjectCreated:
    collected = imports.record(db, actor, keys, organisation_id=_org(actor), body=body)
    if not actor.can("subjects:read"):
        return SubjectCreated()
    return SubjectCreated(
        subject_id=collected.subject.id, created=collected.created, changed=collected.changed
    )


@router.post("/api/imports", status_code=201)
def import_contacts(
    db: Db,
    keys: AppKeys,
    actor: Writer,
    csv: Annotated[bytes, Body(media_type="text/csv", max_length=20_000_000)],
    activity: Annotated[str, Query(max_length=120)],
    subject_category: Annotated[str, Query(max_length=120)],
    source: subjects.Source,
    source_name: Annotated[str, Query(max_length=200)],
    encoding: Annotated[str | None, Query(max_length=40, description="e.g. cp1252; default: sniffed")] = None,
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
        encoding=encoding,
    )
    return ImportRead(imported=result.imported, created=result.created, suppressed=result.suppressed)


@router.post("/api/subjects/{subject_id}/update-links", status_code=201)
def create_update_link(
    subject_id: uuid.UUID, db: Db, keys: AppKeys, actor: Writer, settings: AppSettings
) -> UpdateLinkRead:
    """The link opens a page showing the person's data: writing alone does not allow it."""
    if not actor.can("subjects:read"):
        raise Forbidden("this key lacks the 'subjects:read' scope")
    subjects.get(db, subject_id=subject_id, organisation_id=_org(actor))
    link = links.create_update_link(db, actor, subject_id=subject_id)
    return UpdateLinkRead(
        url=update_url(settings.base_url, keys, link.id), expires_in_days=links.UPDATE_LINK_DAYS
    )


def _org(actor: Actor) -> uuid.UUID:
    if actor.organisation_id is None:
        raise Forbidden("this key belongs to no organisation")
    return actor.organisation_id


class SubmissionLane(Lane):
    """The public forms' fast lane (lawful.lane): a submission from someone new, in one round trip on
    PostgreSQL.

    It runs `submissions.quick`: the same checks and rows as `submit_form`, stamped with the register
    and notice versions this process saw within CURRENT_SECONDS, and written only if, at that moment,
    those versions are still current and nobody holds the identities (one statement: guard and rows).
    Everything else goes to the route: bad input, a person already known, a version just changed, a
    referral, newsletter or age-gated form, a query string. The rate limit is the route's.
    """

    PATH = re.compile(r"/api/forms/([A-Za-z0-9_-]{1,80})/submissions")
    CURRENT_SECONDS = 2.0

    def __init__(self, app: ASGIApp, owner: FastAPI) -> None:
        super().__init__(app, owner)
        self._current: dict[str | None, tuple[float, uuid.UUID, submissions.Current]] = {}

    def forget(self) -> None:
        self._current.clear()

    def handles(self, path: str) -> bool:
        return self.PATH.fullmatch(path) is not None

    def answer(self, scope: Scope, body: bytes) -> Answer | None:
        ready = self._prepare(scope, body, cached_only=False)
        if ready is None:
            return None
        try:
            with self.writer() as connection:
                written = insert_together(connection, ready.new.groups, only_if=ready.guard)
        except IntegrityError:  # the same address given twice at once: the route finds the person
            written = False
        return self._answered(scope, written)

    async def answer_async(self, scope: Scope, body: bytes) -> Answer | None:
        """On PostgreSQL the submission is written from the event loop, without a thread."""
        ready = self._prepare(scope, body, cached_only=True) if self.direct() else None
        if ready is None:  # SQLite, a test's session, versions to read, or the route's case
            return await super().answer_async(scope, body)
        try:
            written = await self.write_direct(ready.new.groups, only_if=ready.guard)
        except psycopg.IntegrityError:
            written = False
        return self._answered(scope, written)

    def _prepare(self, scope: Scope, body: bytes, *, cached_only: bool) -> submissions.Quick | None:
        """The submission's rows and guard after every check of the route; None hands it over."""
        match = self.PATH.fullmatch(scope["path"])
        if match is None or scope.get("query_string") or b"\\u0000" in body:
            return None
        try:
            submission = SubmissionCreate.model_validate_json(body)
        except ValidationError:
            return None
        settings: Settings = self.owner.state.settings
        lang = submission.language or i18n.negotiate(
            None, header(scope, b"accept-language"), ["en", "fr", "nl"], "en"
        )
        try:
            found = self._now(settings.organisation, cached_only=cached_only)
            if found is None:
                return None
            quick = submissions.quick(
                PUBLIC,
                self.owner.state.keys,
                found[1],
                organisation_id=found[0],
                form_key=match[1],
                fields=submission.fields,
                marketing_consent=submission.marketing_consent,
                language=lang,
                channel=subjects.Channel.API,
                optout_shown=submission.optout_shown,
                optout_refused=submission.marketing_optout,
            )
        except LawfulError:
            return None
        if quick is None or not submissions_limit.allow(_client(scope), scope["path"]):
            return None
        return quick

    def _answered(self, scope: Scope, written: bool) -> Answer | None:
        if not written:  # a version changed, or the person is known now: the route answers
            submissions_limit.forget(_client(scope), scope["path"])  # the route counts this call itself
            self._current.clear()
            return None
        return 201, SubmissionRead().model_dump_json().encode()

    def _now(self, slug: str | None, *, cached_only: bool) -> tuple[uuid.UUID, submissions.Current] | None:
        cached = self._current.get(slug)
        if cached is not None and cached[0] > monotonic():
            return cached[1], cached[2]
        if cached_only:  # reading them is I/O: not from the event loop
            return None
        with self.session() as db:
            org = processing.get_organisation(db, slug=slug).id
            now = submissions.current(db, organisation_id=org)
        self._current[slug] = (monotonic() + self.CURRENT_SECONDS, org, now)
        return org, now


def _client(scope: Scope) -> str | None:
    return scope["client"][0] if scope.get("client") else None
