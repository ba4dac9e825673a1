"""The banner's public API, and the consent ledger of a person (read-only: events are never changed)."""

import uuid
from datetime import timedelta
from time import monotonic
from typing import Annotated, ClassVar

from fastapi import APIRouter, Depends, FastAPI, Request, Response
from pydantic import ValidationError
from starlette.types import ASGIApp, Scope

from lawful import clock, processing, statics, subjects
from lawful.actor import Actor, ActorKind
from lawful.config import Settings
from lawful.db import insert_together
from lawful.errors import Forbidden, LawfulError
from lawful.lane import Answer, Lane, header
from lawful.web import AppKeys, AppSettings, Db, RateLimiter, language, require

from . import analytics, banner, optin, service, withdrawals
from .schemas import (
    AnalyticsUpdate,
    BannerChoiceCreate,
    BannerChoiceRead,
    ConsentEventRead,
    ConsentId,
    CookieChoiceRead,
    SubscriptionCreate,
    WithdrawalCreate,
    WithdrawalRead,
)

router = APIRouter(tags=["consent"])
choices_limit = RateLimiter(limit=120, seconds=60)


def _public_org(db: Db, settings: AppSettings) -> uuid.UUID:
    return processing.get_organisation(db, slug=settings.organisation).id


PublicOrg = Annotated[uuid.UUID, Depends(_public_org)]


@router.get("/api/banner/config")
def banner_config(
    request: Request, response: Response, db: Db, org: PublicOrg, settings: AppSettings
) -> dict[str, object]:
    """Everything the banner shows, in the visitor's language, built from the tracker inventory."""
    lang = language(request, ["en", "fr", "nl"], "")
    found = banner.config(
        db,
        organisation_id=org,
        lang=lang,
        base_url=settings.base_url,
        lifetime_days=settings.banner_lifetime_days,
    )
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Vary"] = "Accept-Language"
    return found.data


@router.get("/api/analytics/config")
def analytics_config(response: Response, db: Db, org: PublicOrg) -> dict[str, object]:
    """Which trackers run under which consent category, as the banner enforces it, and each analytics
    tool's minimisation settings (R-30); nothing about anyone."""
    register = processing.current_register(db, organisation_id=org)[1]
    response.headers["Cache-Control"] = "public, max-age=300"
    return analytics.config(register)


@router.put("/api/analytics/config")
def set_analytics(
    body: AnalyticsUpdate, db: Db, actor: Annotated[Actor, Depends(require("register:write"))]
) -> dict[str, object]:
    """An analytics tool's settings, recorded as a new register version (as `lawful analytics set`); settings
    that are not minimised are refused naming each one, and nothing is stored (R-30)."""
    if actor.organisation_id is None:
        raise Forbidden("this key belongs to no organisation")
    change = analytics.Change(
        body.ip_anonymisation, body.vendor_sharing, body.advertising_features, body.retention_months
    )
    return analytics.set_settings(
        db, actor, organisation_id=actor.organisation_id, recipient=body.recipient, change=change
    )


@router.post("/api/banner/consents", status_code=201, dependencies=[Depends(choices_limit)])
def record_choice(
    body: BannerChoiceCreate, request: Request, db: Db, org: PublicOrg, settings: AppSettings
) -> BannerChoiceRead:
    config = banner.config(
        db,
        organisation_id=org,
        lang=body.language,
        base_url=settings.base_url,
        lifetime_days=settings.banner_lifetime_days,
    )
    row = banner.record(
        db,
        Actor(ActorKind.PUBLIC, label="banner"),
        config,
        consent_id=body.consent_id,
        choices=body.choices,
        gpc=body.gpc or request.headers.get("sec-gpc") == "1",
        client=request.client.host if request.client else None,
        shown_version=body.version,  # the proof names the inventory the visitor actually saw
    )
    return BannerChoiceRead(
        consent_id=row.consent_id,
        choices=row.choices,
        expires_at=banner.expires_at(row, settings.banner_lifetime_days),
    )


@router.get("/api/banner/consents/{consent_id}")
def choice_proof(consent_id: ConsentId, db: Db, org: PublicOrg) -> list[CookieChoiceRead]:
    """Proof of every choice under an id: whoever holds the id (the visitor's cookie) may see it."""
    return [
        CookieChoiceRead.model_validate(r)
        for r in banner.proof(db, organisation_id=org, consent_id=consent_id)
    ]


@router.post(
    "/api/newsletters/{purpose}/subscriptions", status_code=202, dependencies=[Depends(choices_limit)]
)
def subscribe(
    purpose: str,
    body: SubscriptionCreate,
    request: Request,
    db: Db,
    keys: AppKeys,
    org: PublicOrg,
    settings: AppSettings,
) -> dict[str, str]:
    """Double opt-in: the answer is the same whoever the address belongs to."""
    optin.subscribe(
        db,
        Actor(ActorKind.PUBLIC, label="newsletter-form"),
        keys,
        organisation_id=org,
        purpose=purpose,
        email=body.email,
        language=body.language or language(request, ["en", "fr", "nl"], "en"),
        base_url=settings.base_url,
    )
    return {"status": "confirmation_sent"}


@router.get("/banner.js", include_in_schema=False)
def banner_script(request: Request) -> Response:
    """An older stable URL of the script (the snippet now names /static/banner.js): compressed, revalidated."""
    return statics.answer(statics.assets()["banner.js"], request.headers, versioned=False)


@router.get("/api/subjects/{subject_id}/consents")
def consent_history(
    subject_id: uuid.UUID, db: Db, actor: Annotated[Actor, Depends(require("subjects:read"))]
) -> list[ConsentEventRead]:
    """A person's consent events in order, with the text hash and version shown (R-20)."""
    if actor.organisation_id is None:
        raise Forbidden("this key belongs to no organisation")
    subjects.get(db, subject_id=subject_id, organisation_id=actor.organisation_id)
    return [ConsentEventRead.model_validate(e) for e in service.history(db, subject_id=subject_id)]


@router.post("/api/subjects/{subject_id}/consents/withdrawals", status_code=201)
def record_withdrawal(
    subject_id: uuid.UUID,
    body: WithdrawalCreate,
    db: Db,
    keys: AppKeys,
    actor: Annotated[Actor, Depends(require("subjects:write"))],
) -> WithdrawalRead:
    """Staff record a withdrawal received by phone or letter, for one purpose only; 409 when there is no
    consent in force for it. Other consents stay; queued marketing mail for it is taken back."""
    if actor.organisation_id is None:
        raise Forbidden("this key belongs to no organisation")
    subject = subjects.get(db, subject_id=subject_id, organisation_id=actor.organisation_id)
    done = withdrawals.withdraw(
        db,
        actor,
        keys,
        subject=subject,
        purpose=body.purpose,
        proof=service.Proof(
            text=f"withdrawal received by {body.channel}",
            text_version="1",
            language=subject.language or "en",
            channel=body.channel,
            element="staff:withdrawal",
        ),
    )
    return WithdrawalRead(
        subject_id=subject.id, purpose=done.purpose, withdrawn=done.withdrawn, marketing=done.marketing
    )


class BannerLane(Lane):
    """The banner's fast lane (lawful.lane): records a first choice, `POST /api/banner/consents` with no
    consent id, in one round trip on PostgreSQL. Every visitor of the company's site posts one, so
    this is the busiest write there is.

    It runs the route's own steps (the same validation, `banner.prepare`, the same rows through
    `insert_together`, the same rate limit) and hands everything else to the route: a returning visitor
    (its earlier choice must be read), bad input, an unknown category, a site without a register. The
    banner's configuration is kept for CONFIG_SECONDS: a visitor's browser caches it for five minutes
    anyway, and the proof names the inventory version the visitor says it was shown.
    """

    PATHS: ClassVar[frozenset[str]] = frozenset({"/api/banner/consents"})
    CONFIG_SECONDS = 2.0

    def __init__(self, app: ASGIApp, owner: FastAPI) -> None:
        super().__init__(app, owner)
        self._configs: dict[str, tuple[float, banner.BannerConfig]] = {}

    def forget(self) -> None:
        self._configs.clear()

    def answer(self, scope: Scope, body: bytes) -> Answer | None:
        ready = self._prepare(scope, body, cached_only=False)
        if ready is None:
            return None
        written, answer = ready
        with self.writer() as connection:
            insert_together(connection, written.groups())
        return answer

    async def answer_async(self, scope: Scope, body: bytes) -> Answer | None:
        """On PostgreSQL the choice is written from the event loop, without a thread."""
        ready = self._prepare(scope, body, cached_only=True) if self.direct() else None
        if ready is None:  # SQLite, a test's session, the configuration to load, or the route's case
            return await super().answer_async(scope, body)
        written, answer = ready
        await self.write_direct(written.groups())
        return answer

    def _prepare(
        self, scope: Scope, body: bytes, *, cached_only: bool
    ) -> tuple[banner.Written, Answer] | None:
        """The choice's rows and the answer, after every check of the route; None hands it over."""
        if b"\\u0000" in body:
            return None
        try:
            choice = BannerChoiceCreate.model_validate_json(body)
        except ValidationError:
            return None
        settings: Settings = self.owner.state.settings
        if choice.consent_id is not None:
            return None
        config = self._config(choice.language, settings, cached_only=cached_only)
        if config is None:
            return None
        client = scope["client"][0] if scope.get("client") else None
        try:
            written = banner.prepare(
                Actor(ActorKind.PUBLIC, label="banner"),
                config,
                previous=None,
                choices=choice.choices,
                gpc=choice.gpc or header(scope, b"sec-gpc") == "1",
                client=client,
                shown_version=choice.version,
                now=clock.now(),
            )
        except LawfulError:
            return None
        if not choices_limit.allow(client, scope["path"]):
            return None  # the route answers 429
        row = written.choice
        read = BannerChoiceRead(
            consent_id=row["consent_id"],
            choices=row["choices"],
            expires_at=row["created_at"] + timedelta(days=settings.banner_lifetime_days),
        )
        return written, (201, read.model_dump_json().encode())

    def _config(self, lang: str, settings: Settings, *, cached_only: bool) -> banner.BannerConfig | None:
        now = monotonic()
        cached = self._configs.get(lang)
        if cached is not None and cached[0] > now:
            return cached[1]
        if cached_only:  # reading it is I/O: not from the event loop
            return None
        with self.session() as db:
            try:
                org = processing.get_organisation(db, slug=settings.organisation).id
                found = banner.config(
                    db,
                    organisation_id=org,
                    lang=lang,
                    base_url=settings.base_url,
                    lifetime_days=settings.banner_lifetime_days,
                )
            except LawfulError:
                return None
        self._configs[lang] = (now + self.CONFIG_SECONDS, found)
        return found
