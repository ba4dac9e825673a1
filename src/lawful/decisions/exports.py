"""Bulk exports (R-91): a declared purpose, the gate for every person, approval above a size, an
encrypted file that expires. The file's key lives in the key store and is destroyed at expiry."""

import csv
import io
import uuid
from collections import Counter
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import audit, clock, crypto, keystore, render, subjects
from lawful.actor import Actor
from lawful.errors import Conflict, Forbidden, NotFound

from .models import Export
from .service import decide_many, purpose_of

EXPORT_LIFETIME = timedelta(hours=24)


class ExportNotReady(Conflict):
    code = "export_not_ready"


def _owner(export_id: uuid.UUID) -> str:
    return f"export:{export_id}"


def request(
    db: Session,
    actor: Actor,
    keys: keystore.Keys,
    *,
    organisation_id: uuid.UUID,
    purpose: str,
    fields: list[str],
    subject_category: str | None,
    approval_threshold: int,
) -> Export:
    """Decide for everyone concerned; build the file now, or wait for the privacy officer above the threshold."""
    target = purpose_of(db, organisation_id=organisation_id, purpose=purpose)
    wanted = sorted(set(fields) or target.data_categories)
    candidates = [s.id for s in _candidates(db, organisation_id, subject_category)]
    decided = decide_many(
        db, organisation_id=organisation_id, purpose=purpose, subject_ids=candidates, fields=frozenset(wanted)
    )
    allowed = {sid: d.hidden for sid, d in decided.items() if d.allow}
    excluded = Counter(str(r) for d in decided.values() if not d.allow for r in d.reasons)
    export = Export(
        organisation_id=organisation_id,
        purpose=purpose,
        subject_category=subject_category,
        fields=wanted,
        requested_by=actor.label,
        requested_by_id=actor.id,
        requested_at=clock.now(),
        people=len(allowed),
        excluded=dict(excluded),
        status="pending_approval",
    )
    db.add(export)
    db.flush()
    if len(allowed) <= approval_threshold:
        _build(db, keys, export, allowed)
    audit.record(
        db,
        actor,
        "decisions.export_requested",
        entity=export,
        organisation_id=organisation_id,
        purpose=purpose,
        data={"people": len(allowed), "excluded": dict(excluded), "status": export.status},
    )
    return export


def _candidates(db: Session, organisation_id: uuid.UUID, category: str | None) -> list[subjects.Subject]:
    people = db.scalars(select(subjects.Subject).where(subjects.Subject.organisation_id == organisation_id))
    return [s for s in people if category is None or category in s.categories]


def approve(db: Session, actor: Actor, keys: keystore.Keys, *, export_id: uuid.UUID) -> Export:
    """The privacy officer's approval of a large export (R-91); requesters cannot approve their own."""
    export = get(db, export_id=export_id, organisation_id=actor.organisation_id)
    if not actor.can("export:approve"):
        raise Forbidden("only the privacy officer approves large exports")
    if export.status != "pending_approval":
        raise ExportNotReady(f"this export is {export.status}")
    if export.requested_by_id is not None and export.requested_by_id == actor.id:
        raise Forbidden("another person must approve an export you asked for")
    decided = decide_many(
        db,
        organisation_id=export.organisation_id,
        purpose=export.purpose,
        subject_ids=[s.id for s in _candidates(db, export.organisation_id, export.subject_category)],
        fields=frozenset(export.fields),
    )
    export.approved_by, export.approved_at = actor.label, clock.now()
    _build(db, keys, export, {sid: d.hidden for sid, d in decided.items() if d.allow})
    audit.record(
        db,
        actor,
        "decisions.export_approved",
        entity=export,
        organisation_id=export.organisation_id,
        purpose=export.purpose,
        data={"people": export.people},
    )
    return export


def _build(
    db: Session, keys: keystore.Keys, export: Export, allowed: dict[uuid.UUID, tuple[str, ...]]
) -> None:
    """The file of the people allowed, each without the archived activities the purpose may not use."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["subject_id", *export.fields])
    for subject_id, hidden in allowed.items():
        found = {
            v.category: v.value
            for v in subjects.values(
                db, keys, subject_id=subject_id, categories=set(export.fields), without=hidden
            )
        }
        writer.writerow(
            [str(subject_id), *(render.spreadsheet_cell(found.get(f, "")) for f in export.fields)]
        )
    key = keys.store.create(_owner(export.id))
    export.file = crypto.encrypt(key, buffer.getvalue().encode(), context=str(export.id).encode())
    export.people, export.status, export.expires_at = len(allowed), "ready", clock.now() + EXPORT_LIFETIME
    db.flush()


def get(db: Session, *, export_id: uuid.UUID, organisation_id: uuid.UUID | None) -> Export:
    export = db.get(Export, export_id)
    if export is None or export.organisation_id != organisation_id:
        raise NotFound("no such export")
    return export


def download(db: Session, actor: Actor, keys: keystore.Keys, *, export_id: uuid.UUID) -> bytes:
    """The CSV, for the person who asked for it, until it expires; each download is audited."""
    if not (
        actor.can("personal_data:read") or actor.can("subjects:read")
    ):  # a requester who lost their roles
        raise Forbidden("your roles no longer allow reading personal data")
    export = get(db, export_id=export_id, organisation_id=actor.organisation_id)
    if export.requested_by != actor.label and not actor.can("export:approve"):
        raise NotFound("no such export")
    if export.expires_at is not None and export.expires_at <= clock.now():
        expire(db, keys, export)
    if export.status != "ready" or export.file is None:
        raise ExportNotReady(f"this export is {export.status}")
    key = keys.store.get(_owner(export.id))
    if key is None:
        raise ExportNotReady("this export has expired")
    audit.record(
        db,
        actor,
        "decisions.export_downloaded",
        entity=export,
        organisation_id=export.organisation_id,
        purpose=export.purpose,
    )
    return crypto.decrypt(key, export.file, context=str(export.id).encode())


def expire(db: Session, keys: keystore.Keys, export: Export) -> None:
    keys.store.destroy(_owner(export.id))
    export.file, export.status = None, "expired"
    db.flush()


def list_exports(db: Session, *, organisation_id: uuid.UUID) -> list[Export]:
    query = (
        select(Export).where(Export.organisation_id == organisation_id).order_by(Export.requested_at.desc())
    )
    return list(db.scalars(query.limit(100)))
