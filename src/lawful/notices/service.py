"""Publish notices as immutable versions and serve the one in force."""

import hashlib
import json
import uuid
from datetime import date
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from lawful import audit, clock, i18n, processing, render
from lawful.actor import Actor

from . import content, rules
from .changes import service as changes
from .errors import ChangelogMissing, NoticeIncomplete, NoticeNotFound, NoticeUnchanged, TranslationsStale
from .models import NoticeVersion
from .rules import Classification, NoticeKind


def preview(register: processing.Register, kind: NoticeKind, lang: str) -> str:
    """The body a notice would have, for one language (nothing is stored)."""
    return render.render(f"notices/{kind}.html", c=content.build(register, kind, lang))


def missing(db: Session, *, organisation_id: uuid.UUID, kind: NoticeKind) -> list[rules.Missing]:
    """What keeps the register in force from being published as this notice; empty when nothing does."""
    register = processing.current_register(db, organisation_id=organisation_id)[1]
    return rules.missing_elements(register, kind)


def publish(
    db: Session,
    actor: Actor,
    *,
    organisation_id: uuid.UUID,
    kind: NoticeKind,
    effective_from: date | None = None,
    changelog: str | None = None,
    material: bool | None = None,
    override_reason: str | None = None,
    urgent_reason: str | None = None,
    translations_approved: bool = False,
    lead_days: int = 30,
) -> NoticeVersion:
    """Render the current register into a new immutable version in every language (R-07, R-115..R-117)."""
    register_version = processing.get_version(db, organisation_id=organisation_id)
    register = processing.register_of(register_version)
    if missing := rules.missing_elements(register, kind):
        raise NoticeIncomplete(
            f"the {kind} notice cannot be published; missing: "
            + ", ".join(sorted({m.element for m in missing})),
            problems=[{"element": m.element, "path": m.path, "message": m.message} for m in missing],
        )
    previous = find_latest(db, organisation_id=organisation_id, kind=kind)
    classification = _classify(db, previous, register_version, register, kind, translations_approved)
    if material is not None:
        classification = rules.override(classification, material=material, reason=override_reason)
    if previous is not None and not (changelog and changelog.strip()):
        raise ChangelogMissing("say what changed: a new version needs a changelog")
    today = clock.today()
    effective = effective_from or rules.earliest_effective(
        today, material=classification.material, lead_days=lead_days, urgent_reason=urgent_reason
    )
    rules.ensure_effective_date(
        effective, today, material=classification.material, lead_days=lead_days, urgent_reason=urgent_reason
    )
    org = register.organisation
    texts = {lang: preview(register, kind, lang) for lang in org.languages}
    if (
        previous is not None
        and previous.texts == texts
        and previous.register_number == register_version.number
    ):
        raise NoticeUnchanged(f"nothing changed since version {previous.number}")
    version = NoticeVersion(
        organisation_id=organisation_id,
        kind=str(kind),
        number=(previous.number + 1) if previous else 1,
        register_version_id=register_version.id,
        register_number=register_version.number,
        effective_from=effective,
        published_at=clock.now(),
        published_by=actor.label,
        changelog=(changelog or "").strip(),
        material=classification.material,
        classification={
            "reasons": list(classification.reasons),
            "overridden": classification.overridden,
            "urgent_reason": urgent_reason,
        },
        authoritative_language=org.authoritative_language,
        languages=list(org.languages),
        texts=texts,
        sha256=hashlib.sha256(json.dumps(texts, sort_keys=True).encode()).hexdigest(),
    )
    db.add(version)
    db.flush()
    if previous is not None:
        before = processing.get_version(db, organisation_id=organisation_id, number=previous.register_number)
        changes.record(
            db, actor, version=version, classification=classification, before=before, after=register_version
        )
    audit.record(
        db,
        actor,
        "notice.published",
        entity=version,
        organisation_id=organisation_id,
        data={
            "kind": str(kind),
            "number": version.number,
            "material": version.material,
            "effective_from": effective.isoformat(),
            "register_number": register_version.number,
        },
    )
    return version


def _classify(
    db: Session,
    previous: NoticeVersion | None,
    register_version: processing.RegisterVersion,
    register: processing.Register,
    kind: NoticeKind,
    translations_approved: bool,
) -> Classification:
    if previous is None:
        return Classification(material=False, reasons=("first publication",))
    before = processing.get_version(
        db, organisation_id=previous.organisation_id, number=previous.register_number
    )
    changes = processing.compare(before, register_version)
    org = register.organisation
    stale = rules.stale_translations(changes, org.authoritative_language, org.languages)
    if stale and not translations_approved:
        raise TranslationsStale(
            "the authoritative text changed but these translations did not; update them or approve them as they are: "
            + ", ".join(stale)
        )
    return rules.classify(changes, kind)


def find_latest(db: Session, *, organisation_id: uuid.UUID, kind: NoticeKind) -> NoticeVersion | None:
    query = (
        select(NoticeVersion)
        .where(NoticeVersion.organisation_id == organisation_id, NoticeVersion.kind == str(kind))
        .order_by(NoticeVersion.number.desc())
        .limit(1)
    )
    return db.scalars(query).first()


def list_versions(db: Session, *, organisation_id: uuid.UUID, kind: NoticeKind) -> list[NoticeVersion]:
    query = (
        select(NoticeVersion)
        .where(NoticeVersion.organisation_id == organisation_id, NoticeVersion.kind == str(kind))
        .order_by(NoticeVersion.number.desc())
    )
    return list(db.scalars(query))


def get_version(db: Session, *, organisation_id: uuid.UUID, kind: NoticeKind, number: int) -> NoticeVersion:
    query = select(NoticeVersion).where(
        NoticeVersion.organisation_id == organisation_id,
        NoticeVersion.kind == str(kind),
        NoticeVersion.number == number,
    )
    version = db.scalars(query).first()
    if version is None:
        raise NoticeNotFound(f"there is no {kind} notice version {number}")
    return version


def get_current(db: Session, *, organisation_id: uuid.UUID, kind: NoticeKind) -> NoticeVersion:
    """The version in force today (Brussels date)."""
    version: NoticeVersion | None = db.scalars(
        _in_force(select(NoticeVersion), organisation_id, kind)
    ).first()
    if version is None:
        raise NoticeNotFound(f"no {kind} notice is in force yet")
    return version


def current_number(db: Session, *, organisation_id: uuid.UUID, kind: NoticeKind) -> int | None:
    """The number of the version in force today, without loading it (stamped on every intake)."""
    number: int | None = db.scalar(_in_force(select(NoticeVersion.number), organisation_id, kind))
    return number


def number_in_force_select(organisation_id: Any, kind: NoticeKind, today: Any) -> Select[Any]:
    """The number of the version in force on `today`, for callers that compose it into their own
    statement (the arguments may be bound parameters)."""
    return _in_force(select(NoticeVersion.number), organisation_id, kind, today)


def _in_force(query: Select[Any], organisation_id: Any, kind: NoticeKind, today: Any = None) -> Select[Any]:
    return (
        query.where(
            NoticeVersion.organisation_id == organisation_id,
            NoticeVersion.kind == str(kind),
            NoticeVersion.effective_from <= (clock.today() if today is None else today),
        )
        .order_by(NoticeVersion.number.desc())
        .limit(1)
    )


_pages: dict[tuple[uuid.UUID, str, str, uuid.UUID | None], str] = {}
_MAX_CACHED_PAGES = 512


def page(version: NoticeVersion, lang: str, org_name: str, upcoming: NoticeVersion | None = None) -> str:
    """The full public page of a version, with the upcoming version announced beside it (T-38); versions
    never change, so each page is rendered once."""
    key = (version.id, lang, org_name, upcoming.id if upcoming else None)
    cached = _pages.get(key)
    if cached is None:
        if len(_pages) >= _MAX_CACHED_PAGES:
            _pages.clear()
        cached = _pages[key] = _render_page(version, lang, org_name, upcoming)
    return cached


def find_upcoming(db: Session, *, organisation_id: uuid.UUID, kind: NoticeKind) -> NoticeVersion | None:
    """The newest published version not yet in force, if any."""
    query = (
        select(NoticeVersion)
        .where(
            NoticeVersion.organisation_id == organisation_id,
            NoticeVersion.kind == str(kind),
            NoticeVersion.effective_from > clock.today(),
        )
        .order_by(NoticeVersion.number.desc())
        .limit(1)
    )
    return db.scalars(query).first()


def _render_page(version: NoticeVersion, lang: str, org_name: str, upcoming: NoticeVersion | None) -> str:
    language = lang if lang in version.languages else version.authoritative_language
    return render.render(
        "notices/page.html",
        lang=language,
        title=i18n.t(f"notice.{version.kind}.title", language),
        org_name=org_name,
        kind=version.kind,
        number=version.number,
        authoritative=version.authoritative_language,
        languages=version.languages,
        effective=version.effective_from,
        updated=clock.brussels_date(version.published_at),
        body=version.texts[language],
        upcoming=upcoming if upcoming is not None and upcoming.number > version.number else None,
    )
