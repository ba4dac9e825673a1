"""The banner's public API, and the consent ledger of a person (read-only: events are never changed)."""

import uuid
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import FileResponse

from lawful import jobs, processing, subjects
from lawful.actor import Actor, ActorKind
from lawful.errors import Forbidden
from lawful.web import AppKeys, AppSettings, Db, RateLimiter, language, require

from . import banner, optin, service
from .schemas import (
    BannerChoiceCreate,
    BannerChoiceRead,
    ConsentEventRead,
    ConsentId,
    CookieChoiceRead,
    SubscriptionCreate,
)

router = APIRouter(tags=["consent"])
STATIC = Path(__file__).parent.parent / "static"
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
    db.commit()
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
    db.commit()
    jobs.kick_mail(db)
    return {"status": "confirmation_sent"}


@router.get("/banner.js", include_in_schema=False)
def banner_script() -> FileResponse:
    return FileResponse(
        STATIC / "banner.js", media_type="text/javascript", headers={"Cache-Control": "public, max-age=3600"}
    )


@router.get("/api/subjects/{subject_id}/consents")
def consent_history(
    subject_id: uuid.UUID, db: Db, actor: Annotated[Actor, Depends(require("subjects:read"))]
) -> list[ConsentEventRead]:
    """A person's consent events in order, with the text hash and version shown (R-20)."""
    if actor.organisation_id is None:
        raise Forbidden("this key belongs to no organisation")
    subjects.get(db, subject_id=subject_id, organisation_id=actor.organisation_id)
    return [ConsentEventRead.model_validate(e) for e in service.history(db, subject_id=subject_id)]
