"""Withdrawals, unsubscribes and marketing objections, each with its exact scope (R-22, R-36, R-37, R-62).

A withdrawal covers one purpose: that consent ends and, for a marketing purpose, the address gets an
exclusion entry scoped to it. An unsubscribe (`stop_marketing`) and a marketing objection (Art. 21(2)-(3))
cover every marketing purpose and nothing else: a talent-pool or contest consent survives both, and so do
the data kept for it.

Either takes back the person's queued marketing mail for the purposes it covers in the same transaction,
through the hooks the marketing domain registers (consent sits below marketing and cannot call it).
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import keystore, processing, subjects
from lawful.actor import Actor

from . import rules
from .errors import ConsentNotGiven, UnknownPurpose
from .models import ConsentState
from .rules import ConsentStatus, EventKind
from .service import ALL_MARKETING, Proof, lift_exclusion, record, suppress, suppression_lookup


@dataclass(frozen=True)
class OptOut:
    """What a person stopped: `purposes` None is every marketing purpose (an objection)."""

    organisation_id: uuid.UUID
    subject_id: uuid.UUID
    purposes: frozenset[str] | None
    reason: str


OptOutHook = Callable[[Session, OptOut], object]
_hooks: list[OptOutHook] = []


def on_opt_out(hook: OptOutHook) -> None:
    """Call `hook(db, opt_out)` in the transaction of every withdrawal and marketing objection."""
    if hook not in _hooks:
        _hooks.append(hook)


def _opted_out(db: Session, opt_out: OptOut) -> None:
    for hook in _hooks:
        hook(db, opt_out)


@dataclass(frozen=True)
class Withdrawal:
    subject: subjects.Subject
    purpose: str
    withdrawn: bool  # False: there was no consent in force (a replayed link, a soft opt-in purpose)
    marketing: bool


def marketing_purposes(register: processing.Register) -> frozenset[str]:
    return frozenset(a.key for a in register.activities if rules.is_marketing(a.data_use))


def withdraw(
    db: Session,
    actor: Actor,
    keys: keystore.Keys,
    *,
    subject: subjects.Subject,
    purpose: str,
    proof: Proof,
    reason: str = "withdrawn",
    strict: bool = True,
) -> Withdrawal:
    """End the consent for `purpose` only (Art. 7(3)); with `strict`, a purpose without consent in force
    is refused, otherwise (a link replayed, an unsubscribe from a soft opt-in purpose) it only opts out."""
    register = processing.current_register(db, organisation_id=subject.organisation_id)[1]
    activity = next((a for a in register.activities if a.key == purpose), None)
    if activity is None and strict:
        raise UnknownPurpose(f"purpose: {purpose!r} is not an activity of the register")
    # an unsubscribe link outlives a register change: a purpose gone from it was a campaign's, so marketing
    marketing = activity is None or rules.is_marketing(activity.data_use)
    given = _state(db, subject, purpose) is ConsentStatus.GIVEN
    if not given and strict:
        raise ConsentNotGiven(f"purpose: there is no consent in force for {purpose!r} to withdraw")
    if marketing:  # first: it may wait for a delivery batch, better before the ledger and audit writes
        _opted_out(db, OptOut(subject.organisation_id, subject.id, frozenset({purpose}), reason))
    if given:
        record(
            db,
            actor,
            organisation_id=subject.organisation_id,
            subject_id=subject.id,
            purpose=purpose,
            kind=EventKind.WITHDRAWN,
            proof=proof,
        )
    if marketing:
        _suppress(db, actor, keys, subject, scope=purpose, reason=reason)
    return Withdrawal(subject, purpose, given, marketing)


def object_to_marketing(
    db: Session,
    actor: Actor,
    keys: keystore.Keys,
    *,
    subject: subjects.Subject,
    proof: Proof,
    reason: str = "objection",
) -> list[str]:
    """Art. 21(2)-(3): every marketing purpose stops, absolutely; other consents stay. The purposes whose
    consent was withdrawn."""
    _opted_out(db, OptOut(subject.organisation_id, subject.id, None, reason))  # first, as in `withdraw`
    already = any(
        kind == "direct_marketing"
        for kind, _, _ in subjects.facts(
            db, organisation_id=subject.organisation_id, subject_ids=[subject.id]
        )[subject.id].objections
    )
    if not already:
        subjects.record_objection(db, actor, subject_id=subject.id, kind="direct_marketing", activity=None)
    return _end_marketing(db, actor, keys, subject=subject, proof=proof, reason=reason)


def stop_marketing(
    db: Session,
    actor: Actor,
    keys: keystore.Keys,
    *,
    subject: subjects.Subject,
    proof: Proof,
    reason: str = "unsubscribed",
) -> list[str]:
    """An unsubscribe that covers all direct marketing (R-36's default): every marketing consent ends and
    the address is excluded from every marketing purpose, profiling for it included (the purpose gate
    refuses a marketing purpose to an excluded address). Unlike an objection it records no Art. 21 case:
    the person may later give one newsletter back, which narrows the exclusion (`narrow_exclusion`).
    The purposes whose consent was withdrawn; other consents (a talent pool, a contest) stay."""
    _opted_out(db, OptOut(subject.organisation_id, subject.id, None, reason))  # first, as in `withdraw`
    return _end_marketing(db, actor, keys, subject=subject, proof=proof, reason=reason)


def _end_marketing(
    db: Session,
    actor: Actor,
    keys: keystore.Keys,
    *,
    subject: subjects.Subject,
    proof: Proof,
    reason: str,
) -> list[str]:
    register = processing.current_register(db, organisation_id=subject.organisation_id)[1]
    covered = marketing_purposes(register)
    ended = []
    for state in db.scalars(
        select(ConsentState).where(ConsentState.subject_id == subject.id, ConsentState.state == "given")
    ):
        if state.purpose in covered:
            record(
                db,
                actor,
                organisation_id=subject.organisation_id,
                subject_id=subject.id,
                purpose=state.purpose,
                kind=EventKind.WITHDRAWN,
                proof=proof,
            )
            ended.append(state.purpose)
    _suppress(db, actor, keys, subject, scope=ALL_MARKETING, reason=reason)
    return sorted(ended)


def narrow_exclusion(
    db: Session,
    actor: Actor,
    keys: keystore.Keys,
    *,
    subject: subjects.Subject,
    purpose: str,
    register: processing.Register,
) -> None:
    """The person gave `purpose` again: its own exclusion entry goes, and an entry for every marketing
    purpose becomes one entry for each of the others, so what they stopped stays stopped (R-36, R-37)."""
    email = subjects.identity_values(db, keys, subject_id=subject.id).get("email")
    if email is not None:
        lift_exclusion(
            db,
            actor,
            organisation_id=subject.organisation_id,
            lookup=suppression_lookup(keys, email),
            purpose=purpose,
            others=marketing_purposes(register),
        )


def _state(db: Session, subject: subjects.Subject, purpose: str) -> ConsentStatus:
    state = db.scalars(
        select(ConsentState.state).where(
            ConsentState.organisation_id == subject.organisation_id,
            ConsentState.subject_id == subject.id,
            ConsentState.purpose == purpose,
        )
    ).first()
    return ConsentStatus(state) if state else ConsentStatus.NEVER_GIVEN


def _suppress(
    db: Session, actor: Actor, keys: keystore.Keys, subject: subjects.Subject, *, scope: str, reason: str
) -> None:
    """R-37: no later import or list brings the address back for what the person stopped."""
    email = subjects.identity_values(db, keys, subject_id=subject.id).get("email")
    if email is not None:
        suppress(
            db,
            actor,
            organisation_id=subject.organisation_id,
            lookup=suppression_lookup(keys, email),
            reason=reason,
            scope=scope,
        )
