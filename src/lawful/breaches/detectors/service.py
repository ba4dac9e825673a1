"""Gather the counts each detector's rule needs, and open a case (reported by lawful itself) for each
finding. The case starts the clock at detection: the privacy officer corrects `aware_at` once the
investigation shows when the organisation became reasonably certain (EDPB Guidelines 9/2022)."""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from lawful import audit, clock, decisions, keystore, marketing, processing, subjects
from lawful.actor import Actor

from .. import service
from ..errors import UnknownDetector
from ..models import Breach
from ..schemas import BreachCreate
from . import rules
from .rules import Finding

DETECTORS = ("bulk_export", "login_spike", "audit_chain", "key_store")
EXPORT_LOOKBACK = timedelta(days=1)  # exports made since are examined at each run
_KEY_BATCH = 1000


@dataclass(frozen=True)
class Export:
    kind: str
    id: uuid.UUID
    at: datetime
    people: int
    purpose: str | None


def detect(
    db: Session,
    actor: Actor,
    keys: keystore.Keys,
    *,
    now: datetime,
    only: list[str] | None = None,
    organisation_id: uuid.UUID | None = None,
) -> list[Breach]:
    """Run every detector (or those named in `only`) over every organisation, or over one (its key's); the
    cases opened (or found again)."""
    unknown = sorted(set(only or ()) - set(DETECTORS))
    if unknown:
        problems = [{"path": "only", "message": f"one of {', '.join(DETECTORS)}", "rule": "choice"}]
        raise UnknownDetector(f"only: each one of {', '.join(DETECTORS)}", problems=problems)
    running = set(only or DETECTORS)
    opened = []
    chain = _audit_chain(db) if "audit_chain" in running else None
    organisations = processing.list_organisations(db)
    for organisation in (o for o in organisations if organisation_id in (None, o.id)):
        findings: list[Finding | None] = [chain]
        if "bulk_export" in running:
            findings += exports(db, organisation_id=organisation.id, now=now)
        if "login_spike" in running:
            findings.append(logins(db, organisation_id=organisation.id, now=now))
        if "key_store" in running:
            findings.append(key_store(db, keys, organisation_id=organisation.id, now=now))
        opened += [_open(db, actor, organisation.id, f, now) for f in findings if f is not None]
    return opened


def exports(db: Session, *, organisation_id: uuid.UUID, now: datetime) -> list[Finding]:
    """Each bulk export or list sent out since the lookback, against the organisation's usual size."""
    made = _exports(db, organisation_id, since=now - EXPORT_LOOKBACK - rules.EXPORT_HISTORY)
    found = []
    for export in (e for e in made if e.at >= now - EXPORT_LOOKBACK):
        history = [e.people for e in made if export.at - rules.EXPORT_HISTORY <= e.at < export.at]
        finding = rules.bulk_export(
            kind=export.kind,
            export_id=str(export.id),
            people=export.people,
            history=history,
            purpose=export.purpose,
        )
        found += [finding] if finding else []
    return found


def logins(db: Session, *, organisation_id: uuid.UUID, now: datetime) -> Finding | None:
    """Failed console logins into the organisation's accounts: the last hour against the week before."""
    recent = _login_failures(db, organisation_id, now - rules.LOGIN_WINDOW, now)
    start = now - rules.LOGIN_WINDOW
    baseline = _login_failures(db, organisation_id, start - rules.LOGIN_BASELINE, start)
    return rules.login_spike(failures=recent, baseline_failures=baseline, day=clock.brussels_date(now))


def key_store(
    db: Session, keys: keystore.Keys, *, organisation_id: uuid.UUID, now: datetime
) -> Finding | None:
    """Each person of the organisation has a data key in the key store, and it unwraps."""
    people = subjects.ids_of(db, organisation_id=organisation_id)
    missing = unreadable = 0
    unreachable = False
    try:
        for start in range(0, len(people), _KEY_BATCH):
            batch = [keystore.subject_owner(i) for i in people[start : start + _KEY_BATCH]]
            present, failed = _check_keys(keys, batch)
            missing += len(batch) - present
            unreadable += failed
    except SQLAlchemyError:  # the key store is down or gone: nobody's data can be read
        unreachable = True
    day = clock.brussels_date(now)
    return rules.key_store(
        people=len(people), missing=missing, unreadable=unreadable, unreachable=unreachable, day=day
    )


def _check_keys(keys: keystore.Keys, owners: list[str]) -> tuple[int, int]:
    """How many of `owners` have a key, and how many of those do not unwrap."""
    present = failed = 0
    with keys.store.transaction() as store:
        rows = store.execute(
            select(keystore.WrappedKey.kek_id, keystore.WrappedKey.wrapped).where(
                keystore.WrappedKey.owner.in_(owners)
            )
        )
        for kek_id, wrapped in rows:
            present += 1
            try:
                keys.store.keyring.unwrap(kek_id, wrapped)
            except Exception:  # an unknown master key, or a wrapped key altered: unreadable either way
                failed += 1
    return present, failed


def _audit_chain(db: Session) -> Finding | None:
    checked, broken = audit.verify(db)
    return rules.audit_chain(
        checked=checked, broken_seq=broken.seq if broken else None, reason=broken.reason if broken else None
    )


def _open(db: Session, actor: Actor, organisation_id: uuid.UUID, finding: Finding, now: datetime) -> Breach:
    facts = BreachCreate(
        title=finding.title,
        summary=f"Opened by lawful's {finding.detector} detector; assess whether personal data were affected.",
        detected_at=now,
        aware_at=now,
        nature=finding.nature,
    )
    return service.open_case(
        db,
        actor,
        organisation_id=organisation_id,
        facts=facts,
        detector=finding.detector,
        signal_key=finding.signal_key,
        signal=finding.counts,
    )


def _exports(db: Session, organisation_id: uuid.UUID, *, since: datetime) -> list[Export]:
    bulk = select(
        decisions.Export.id, decisions.Export.requested_at, decisions.Export.people, decisions.Export.purpose
    ).where(decisions.Export.organisation_id == organisation_id, decisions.Export.requested_at >= since)
    lists = select(
        marketing.AudienceUpload.id,
        marketing.AudienceUpload.uploaded_at,
        marketing.AudienceUpload.people,
        marketing.AudienceUpload.purpose,
    ).where(
        marketing.AudienceUpload.organisation_id == organisation_id,
        marketing.AudienceUpload.uploaded_at >= since,
    )
    made = [Export("export", *row) for row in db.execute(bulk)]
    made += [Export("upload", *row) for row in db.execute(lists)]
    return sorted(made, key=lambda e: e.at)


def _login_failures(db: Session, organisation_id: uuid.UUID, start: datetime, end: datetime) -> int:
    query = select(func.count()).where(
        audit.AuditEntry.action == "staff.login_failed",
        audit.AuditEntry.organisation_id == organisation_id,
        audit.AuditEntry.at > start,
        audit.AuditEntry.at <= end,
    )
    return int(db.scalar(query) or 0)
