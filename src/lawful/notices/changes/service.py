"""Record each published notice change with whom it concerns, and tell those people once, by service mail
in their language, before a material change takes effect (R-116, R-117, T-38)."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from lawful import audit, clock, i18n, keystore, mail, processing
from lawful.actor import Actor
from lawful.db import table_of

from ..errors import NoticeNotFound
from ..models import NoticeVersion
from ..rules import Classification
from . import rules
from .models import NoticeChange, NoticeChangeMail
from .rules import Concerned


@dataclass(frozen=True)
class Reachable:
    subject_id: uuid.UUID
    email: str
    language: str | None


# the subjects domain plugs in how the people concerned are found (it sits above notices)
Finder = Callable[[Session, keystore.Keys, uuid.UUID, Concerned], list[Reachable]]
_finders: list[Finder] = []
MAILS = table_of(NoticeChangeMail)
CHUNK = 2000


def audience_from(finder: Finder) -> None:
    _finders[:] = [finder]


def record(
    db: Session,
    actor: Actor,
    *,
    version: NoticeVersion,
    classification: Classification,
    before: processing.RegisterVersion | None,
    after: processing.RegisterVersion,
) -> NoticeChange:
    """The change a newly published version brings, classified, with the activities it concerns."""
    changes = processing.compare(before, after) if before is not None else []
    reasons = rules.material_reasons(changes, classification.reasons)
    if classification.material and not reasons:  # overridden to material: tell everyone
        concerned = Concerned(everyone=True, activities=())
    else:
        concerned = rules.concerned(reasons, before.document if before else {}, after.document)
    change = NoticeChange(
        organisation_id=version.organisation_id,
        notice_version_id=version.id,
        kind=version.kind,
        number=version.number,
        material=classification.material,
        reasons=list(classification.reasons),
        concerned=concerned.as_dict(),
        effective_from=version.effective_from,
        recorded_at=clock.now(),
        mailed_at=None,
        mailed=0,
    )
    db.add(change)
    db.flush()
    audit.record(
        db,
        actor,
        "notice.change_recorded",
        entity=change,
        organisation_id=version.organisation_id,
        data={
            "kind": version.kind,
            "number": version.number,
            "material": change.material,
            **change.concerned,
        },
    )
    return change


def notify(
    db: Session,
    actor: Actor,
    keys: keystore.Keys,
    *,
    organisation_id: uuid.UUID,
    change_id: uuid.UUID,
    base_url: str,
) -> int:
    """Queue one service mail to each person concerned not yet told; nothing for an editorial change or
    once the change is in force. Returns how many were queued now."""
    change = get(db, organisation_id=organisation_id, change_id=change_id)
    if not change.material or clock.today() > rules.mail_by(change.effective_from) or not _finders:
        return 0
    concerned = Concerned(bool(change.concerned["everyone"]), tuple(change.concerned["activities"]))
    done = set(db.scalars(select(NoticeChangeMail.subject_id).where(NoticeChangeMail.change_id == change.id)))
    people = [p for p in _finders[0](db, keys, organisation_id, concerned) if p.subject_id not in done]
    register = processing.current_register(db, organisation_id=organisation_id)[1]
    offered, default = register.organisation.languages, register.organisation.authoritative_language
    now, outbox, mails = clock.now(), [], []
    for person in people:
        lang = rules.language(person.language, offered, default)
        message = mail.Mail(
            to=person.email, subject=_subject(change, lang), text=_text(change, lang, base_url), lang=lang
        )
        row = mail.outbox_row(
            db, keys, message, kind="notice_change", category="service", organisation_id=organisation_id,
            subject_id=person.subject_id,
        )  # fmt: skip
        outbox.append(row)
        mails.append(
            {"id": uuid.uuid4(), "change_id": change.id, "subject_id": person.subject_id, "language": lang,
             "outbox_id": row["id"], "created_at": now}
        )  # fmt: skip
    for start in range(0, len(outbox), CHUNK):
        db.execute(insert(mail.TABLE), outbox[start : start + CHUNK])
        db.execute(insert(MAILS), mails[start : start + CHUNK])
    if not outbox:
        return 0
    mail.mark_queued(db)
    change.mailed += len(outbox)
    change.mailed_at = change.mailed_at or now
    audit.record(
        db,
        actor,
        "notice.change_mailed",
        entity=change,
        organisation_id=organisation_id,
        data={"number": change.number, "queued": len(outbox), "already": len(done)},
    )
    return len(outbox)


def notify_due(db: Session, actor: Actor, keys: keystore.Keys, *, base_url: str) -> int:
    """Every material change not yet in force: its people not yet told (the worker's periodic run)."""
    query = select(NoticeChange).where(NoticeChange.material, NoticeChange.effective_from > clock.today())
    return sum(
        notify(db, actor, keys, organisation_id=c.organisation_id, change_id=c.id, base_url=base_url)
        for c in db.scalars(query).all()
    )


def _subject(change: NoticeChange, lang: str) -> str:
    return i18n.t("notice_changes.subject", lang, effective=i18n.long_date(change.effective_from, lang))


def _text(change: NoticeChange, lang: str, base_url: str) -> str:
    effective = i18n.long_date(change.effective_from, lang)
    url = f"{base_url.rstrip('/')}/{change.kind}/versions/{change.number}?lang={lang}"
    return "\n\n".join(
        [
            i18n.t("notice_changes.intro", lang),
            i18n.t("notice_changes.effective", lang, effective=effective),
            i18n.t("notice_changes.read", lang, url=url),
            i18n.t("notice_changes.rights", lang),
        ]
    )


def get(db: Session, *, organisation_id: uuid.UUID, change_id: uuid.UUID) -> NoticeChange:
    found = db.get(NoticeChange, change_id)
    if found is None or found.organisation_id != organisation_id:
        raise NoticeNotFound("there is no such notice change")
    return found


def find(db: Session, *, organisation_id: uuid.UUID, kind: str, number: int) -> NoticeChange:
    query = select(NoticeChange).where(
        NoticeChange.organisation_id == organisation_id,
        NoticeChange.kind == kind,
        NoticeChange.number == number,
    )
    found = db.scalars(query).first()
    if found is None:
        raise NoticeNotFound(f"no change is recorded for {kind} notice version {number}")
    return found


def list_changes(db: Session, *, organisation_id: uuid.UUID) -> list[NoticeChange]:
    query = (
        select(NoticeChange)
        .where(NoticeChange.organisation_id == organisation_id)
        .order_by(NoticeChange.recorded_at.desc(), NoticeChange.number.desc())
    )
    return list(db.scalars(query))


def mails_by_language(db: Session, *, change_id: uuid.UUID) -> dict[str, int]:
    """How many people were told, per language (the delivery log, without naming anyone)."""
    counts: dict[str, int] = {}
    for lang in db.scalars(select(NoticeChangeMail.language).where(NoticeChangeMail.change_id == change_id)):
        counts[lang] = counts.get(lang, 0) + 1
    return counts


def as_dict(db: Session, change: NoticeChange) -> dict[str, Any]:
    return {
        "kind": change.kind,
        "number": change.number,
        "material": change.material,
        "reasons": change.reasons,
        "concerned": change.concerned,
        "effective_from": change.effective_from.isoformat(),
        "recorded_at": change.recorded_at.isoformat(),
        "mailed_at": change.mailed_at.isoformat() if change.mailed_at else None,
        "mailed": change.mailed,
        "by_language": mails_by_language(db, change_id=change.id),
    }
