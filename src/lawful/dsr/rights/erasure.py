"""Art. 17 erasure: what is erased, what the law keeps, and the tombstone that keeps it erased."""

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from lawful import clock, connectors, consent, i18n, keystore, processing, subjects
from lawful.actor import Actor

from .. import artefacts, tombstones
from ..models import Request
from ..service import contact
from .access import current_register

RETAINING_BASES = frozenset({processing.Basis.LEGAL_OBLIGATION})
LEGAL_OBLIGATION, LEGAL_HOLD = "legal_obligation", "legal_hold"  # Art. 17(3)(b) and 17(3)(e)
# the retention periods that run from the date the data arrived (an invoice's date), so an end date is known
DATED_TRIGGERS = frozenset({processing.Trigger.COLLECTION, processing.Trigger.DOCUMENT_YEAR_END})


def erase(db: Session, actor: Actor, keys: keystore.Keys, request: Request, base_url: str) -> dict[str, Any]:
    """Art. 17: erased per activity unless a legal obligation or a legal hold keeps it (17(3)(b), (e))."""
    if request.subject_id is None:
        return {"found": False, "erased": [], "kept": []}
    register = current_register(db, request)
    subject = subjects.get(db, subject_id=request.subject_id)
    held = (
        subjects.held_for(  # the legal holds in force, as the gate reads them: the one flag an erasure reads
            db.scalars(
                select(subjects.LegalHold).where(
                    subjects.LegalHold.subject_id == subject.id, subjects.LegalHold.in_force()
                )
            ),
            clock.today(),
        )
    )
    keep: dict[str, str] = {}
    for activity in register.activities:
        basis = {processing.bases(activity).get(c) for c in subject.categories} & RETAINING_BASES
        if basis:
            keep[activity.key] = LEGAL_OBLIGATION
        elif activity.key in held:
            keep[activity.key] = LEGAL_HOLD
    history = subjects.history(db, subject_id=subject.id)
    events = [e for e in consent.history(db, subject_id=subject.id) if not e.purpose.startswith("cookies:")]
    consented = {e.purpose for e in events}
    as_child = {e.purpose for e in events if e.as_child}  # erased without any balancing
    erased_activities = sorted(({c.activity for c in history} | consented) - set(keep))
    suppression = consent.suppression_lookup(keys, contact(keys, request))
    consent.suppress(
        db, actor, organisation_id=request.organisation_id, lookup=suppression, reason="erasure"
    )  # T-01: never re-imported
    kept = sorted({c.activity for c in history} & set(keep))
    lookups = tombstones.identity_lookups(db, subject.id)
    copies = artefacts.destroy(  # T-05: every copy outside the record (answers, exports, mail, …)
        db,
        actor,
        keys,
        artefacts.Person(
            organisation_id=request.organisation_id,
            subject_id=subject.id,
            lookups=[*lookups, suppression],
            keep_reference=request.reference,
        ),
    )
    tombstones.record(  # so a restored main database is erased again; the keys go with it
        db,
        keys,
        subject=subject,
        lookups=lookups,
        kept=kept,
        suppression_lookup=suppression,
        request_reference=request.reference,
        owners=copies.owners,
    )
    if not kept:
        db.delete(subject)
        db.flush()
    else:
        for collection in history:
            if collection.activity not in keep:
                db.execute(
                    delete(subjects.PersonalData).where(subjects.PersonalData.collection_id == collection.id)
                )
                db.delete(collection)
        subjects.restrict(
            db,
            actor,
            subject_id=subject.id,
            ground=subjects.RestrictionGround.RETAINED_BY_LAW,
            reason=f"kept after erasure {request.reference}",
        )
    return {
        "erased": erased_activities,
        "kept": [_kept(register, request.language, a, keep[a], history) for a in kept],
        "consent_proof": bool(consented),  # kept pseudonymised until the limitation period
        "child_consent": sorted(
            as_child & set(erased_activities)
        ),  # Art. 17(1)(f): no other interest weighed
        "key_destroyed": not kept,
        "exclusion_entry": True,
        "queued_mail_deleted": copies.counts["queued mail"],
        "copies_destroyed": {k: n for k, n in copies.counts.items() if n and k != "queued mail"},
    }


def _kept(
    register: processing.Register, lang: str, activity: str, ground: str, history: list[subjects.Collection]
) -> dict[str, Any]:
    """One kept activity: the legal ground, the retention rule and, where its period runs from the date
    the data arrived, the last day it is kept (an invoice of 2024-03-15: 2034-12-31, R-57, R-75)."""
    found = next(a for a in register.activities if a.key == activity)
    rule = next(r for r in register.retention_rules if r.key == found.retention)
    ends = [
        connectors.rules.kept_until(clock.brussels_date(c.collected_at), rule)
        for c in history
        if c.activity == activity
    ]
    dated = [e for e in ends if e is not None]
    until = (
        max(dated).isoformat()
        if ground == LEGAL_OBLIGATION and rule.trigger in DATED_TRIGGERS and dated
        else None
    )
    label = rule.label.get(lang) or rule.label.en or ""
    return {
        "activity": activity,
        "ground": ground,
        "why": f"{i18n.t(f'erasure.ground.{ground}', lang)}; {label}"
        if ground == LEGAL_OBLIGATION
        else i18n.t(f"erasure.ground.{ground}", lang),
        "retention": rule.key,
        "until": until,
    }
