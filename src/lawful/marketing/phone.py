"""Telephone prospecting (R-41): the "Do Not Call Me" register as keyed hashes, and screened call lists."""

import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from lawful import audit, clock, consent, decisions, keystore, processing, subjects
from lawful.actor import Actor

from . import rules
from .errors import DncmFileInvalid, DncmMissing, InvalidNumber, NotForPhone, PhoneMarketingDisabled
from .models import DncmImport, DncmNumber
from .service import NotMarketing, unarchived_values

Progress = Callable[[int, int], None]
_CHUNK = 2000


def _lookup(keys: keystore.Keys, number: str) -> str:
    """The same keyed hash as a phone identity, so the register and the exclusion list match people."""
    return subjects.lookup_key(keys, subjects.IdentityKind.PHONE, number)


def _ensure_enabled(db: Session, organisation_id: uuid.UUID) -> processing.Register:
    register = processing.current_register(db, organisation_id=organisation_id)[1]
    if not register.organisation.phone_marketing.enabled:
        raise PhoneMarketingDisabled(
            "phone_marketing: telephone prospecting is disabled (organisation.phone_marketing.enabled)"
        )
    return register


def import_dncm(
    db: Session,
    actor: Actor,
    keys: keystore.Keys,
    *,
    organisation_id: uuid.UUID,
    text: str,
    source: str,
    progress: Progress | None = None,
) -> DncmImport:
    """Replace the register's numbers with this file's; a malformed row refuses the whole file."""
    _ensure_enabled(db, organisation_id)
    rows = list(rules.dncm_rows(text))
    if not rows:
        raise DncmFileInvalid("file: no numbers found")
    lookups: set[str] = set()
    for done, (row, raw) in enumerate(rows, start=1):
        try:
            lookups.add(_lookup(keys, subjects.normalise_phone(rules.dialable(raw))))
        except subjects.InvalidIdentity:
            raise DncmFileInvalid(
                f"row {row}: not an E.164 or Belgian national phone number; nothing was imported"
            ) from None
        if progress is not None and (done % 1000 == 0 or done == len(rows)):
            progress(done, len(rows))
    earlier = select(DncmImport.id).where(DncmImport.organisation_id == organisation_id)
    db.execute(delete(DncmNumber).where(DncmNumber.import_id.in_(earlier)))
    stored = DncmImport(
        organisation_id=organisation_id, source=source[:200], numbers=len(lookups), imported_at=clock.now()
    )
    db.add(stored)
    db.flush()
    ordered = sorted(lookups)
    for start in range(0, len(ordered), _CHUNK):
        chunk = ordered[start : start + _CHUNK]
        db.execute(insert(DncmNumber), [{"import_id": stored.id, "lookup": lookup} for lookup in chunk])
    audit.record(
        db,
        actor,
        "marketing.dncm_imported",
        entity=stored,
        organisation_id=organisation_id,
        data={"numbers": len(lookups), "rows": len(rows), "source": stored.source},
    )
    return stored


def latest_import(db: Session, *, organisation_id: uuid.UUID) -> DncmImport | None:
    query = (
        select(DncmImport)
        .where(DncmImport.organisation_id == organisation_id)
        .order_by(DncmImport.imported_at.desc())
        .limit(1)
    )
    return db.scalars(query).first()


def suppress_number(
    db: Session, actor: Actor, keys: keystore.Keys, *, organisation_id: uuid.UUID, number: str
) -> consent.Suppression:
    """A person asked on the phone not to be called again (Art. 21(3)): an exclusion-list entry, written
    once (asked again, the entry already there)."""
    try:
        normal = subjects.normalise_phone(number)
    except subjects.InvalidIdentity:
        problem = {"path": "number", "message": "not a valid phone number", "rule": "phone"}
        raise InvalidNumber("number: not a valid phone number", problems=[problem]) from None
    return consent.suppress(
        db, actor, organisation_id=organisation_id, lookup=_lookup(keys, normal), reason="phone_objection"
    )


@dataclass(frozen=True)
class Call:
    subject_id: uuid.UUID
    number: str
    basis: str


@dataclass(frozen=True)
class CallList:
    id: uuid.UUID
    purpose: str
    calls: list[Call]
    bases: dict[str, int]
    excluded: dict[str, int]
    dncm_imported_at: datetime
    dncm_stale: bool


def call_list(
    db: Session, actor: Actor, keys: keystore.Keys, *, organisation_id: uuid.UUID, purpose: str
) -> CallList:
    """Who may be called for `purpose` now: through the gate, then screened; the basis of each is logged."""
    register = _ensure_enabled(db, organisation_id)
    target = decisions.purpose_of(db, organisation_id=organisation_id, purpose=purpose)
    if not target.marketing:
        raise NotMarketing(f"purpose: {purpose!r} is not a marketing activity")
    if rules.PHONE not in target.data_categories:
        raise NotForPhone(f"purpose: {purpose!r} does not use {rules.PHONE}")
    dncm = latest_import(db, organisation_id=organisation_id)
    if dncm is None:
        raise DncmMissing(
            "dncm: import the Do Not Call Me register first (lawful marketing phone import-dncm)"
        )
    ids = subjects.ids_of(db, organisation_id=organisation_id)
    decided = decisions.decide_many(
        db, organisation_id=organisation_id, purpose=purpose, subject_ids=ids, fields=frozenset({rules.PHONE})
    )
    excluded: Counter[str] = Counter()
    candidates: list[tuple[uuid.UUID, str, str]] = []
    allowed = [subject_id for subject_id, decision in decided.items() if decision.allow]
    held = unarchived_values(db, keys, subject_ids=allowed, categories={rules.PHONE})
    for subject_id, decision in decided.items():
        if not decision.allow:
            excluded.update(str(r) for r in decision.reasons[:1])
            continue
        number = _number(held[subject_id])
        if number is None:
            excluded["no_phone_number"] += 1
        else:
            candidates.append((subject_id, number, decision.basis or ""))
    calls = _screen(db, keys, organisation_id, dncm, candidates, excluded)
    now = clock.now()
    result = CallList(
        id=uuid.uuid4(),
        purpose=purpose,
        calls=calls,
        bases=dict(Counter(c.basis for c in calls)),
        excluded=dict(excluded),
        dncm_imported_at=dncm.imported_at,
        dncm_stale=rules.dncm_stale(
            dncm.imported_at, refresh_days=register.organisation.phone_marketing.dncm_refresh_days, now=now
        ),
    )
    audit.record(
        db,
        actor,
        "marketing.call_list_built",
        entity_type="CallList",
        entity_id=result.id,
        organisation_id=organisation_id,
        purpose=purpose,
        outcome="stale_register" if result.dncm_stale else "ok",
        data={
            "calls": len(calls),
            "bases": result.bases,
            "excluded": result.excluded,
            "dncm_import": str(dncm.id),
            "dncm_imported_at": dncm.imported_at.isoformat(),
        },
    )
    return result


def _number(held: list[subjects.Value]) -> str | None:
    """The first number that dials, of the person's live (not archived) ones."""
    for value in held:
        try:
            return subjects.normalise_phone(value.value)
        except subjects.InvalidIdentity:
            continue
    return None


def _screen(
    db: Session,
    keys: keystore.Keys,
    organisation_id: uuid.UUID,
    dncm: DncmImport,
    candidates: list[tuple[uuid.UUID, str, str]],
    excluded: Counter[str],
) -> list[Call]:
    lookups = {number: _lookup(keys, number) for _, number, _ in candidates}
    wanted = list(set(lookups.values()))
    listed: set[str] = set()
    for start in range(0, len(wanted), _CHUNK):
        listed |= set(
            db.scalars(
                select(DncmNumber.lookup).where(
                    DncmNumber.import_id == dncm.id, DncmNumber.lookup.in_(wanted[start : start + _CHUNK])
                )
            )
        )
    suppressed = consent.suppressed(db, organisation_id=organisation_id, lookups=wanted)
    calls = []
    for subject_id, number, basis in candidates:
        reason = rules.screen(lookups[number], dncm=listed, suppressed=suppressed)
        if reason is None:
            calls.append(Call(subject_id, number, basis))
        else:
            excluded[reason] += 1
    return calls
