"""Data that arrive outside the forms: recorded by staff (R-16) or imported from a list (R-09)."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from lawful import audit, consent, keystore, processing, subjects
from lawful.actor import Actor

from . import csvfiles
from .errors import ImportRefused, SubmissionInvalid
from .schemas import SubjectCreate
from .service import IDENTITY_CATEGORIES


def record(
    db: Session, actor: Actor, keys: keystore.Keys, *, organisation_id: uuid.UUID, body: SubjectCreate
) -> subjects.Collected:
    """Data that arrived by email, phone, post, contract or at an event (R-16); the real receipt time is kept."""
    register = processing.current_register(db, organisation_id=organisation_id)[1]
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
    text: str | bytes,
    activity: str,
    subject_category: str,
    source: subjects.Source,
    source_name: str,
    progress: Callable[[int, int], None] | None = None,
    encoding: str | None = None,
) -> ImportResult:
    """A contact list from a partner or aggregator: checked whole first, then imported whole, or not at all.

    Columns are the data categories of `activity`, by key or by the register's label in any language;
    `;`, `,` or tab separated, UTF-8 (with or without BOM) or Windows-1252 (csvfiles.py). Addresses on the
    exclusion list are dropped and counted.
    """
    register = processing.current_register(db, organisation_id=organisation_id)[1]
    target = next((a for a in register.activities if a.key == activity), None)
    if target is None:
        raise ImportRefused(f"{activity!r} is not an activity of the register")
    decoded = csvfiles.decode(text, encoding)
    reader = csv.DictReader(io.StringIO(decoded, newline=""), dialect=csvfiles.dialect(decoded))
    headers = [name.strip() for name in reader.fieldnames or []]
    columns = csvfiles.columns(headers, register, list(target.data_categories))
    reader.fieldnames = columns
    if not any(c in IDENTITY_CATEGORIES for c in columns):
        raise ImportRefused(
            "the file was refused; nothing was imported",
            problems=[
                {
                    "path": "header",
                    "message": "needs a user.contact.email or user.contact.phone_number column",
                }
            ],
        )
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
