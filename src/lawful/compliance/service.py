"""The compliance check: each domain's due dates and missing pieces gathered for one organisation (R-125).

Reads only. Every finding names a record by its reference, id or register path, never by a person's data.
"""

import uuid
from collections.abc import Iterator
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawful import audit, breaches, clock, dsr, i18n, keystore, notices, processing, staff, subjects
from lawful.breaches import clients as breach_clients
from lawful.db import make_sessionmaker

from . import rules, staff_grants
from .rules import Check, Item, Severity

LIA_REVIEW_EVERY = "P12M"  # EDPB Guidelines 1/2024: the balancing test is revisited; at least yearly here
CLOSED_BREACH = str(breaches.Status.CLOSED)


def check(db: Session, keys: keystore.Keys, *, organisation_id: uuid.UUID) -> list[Item]:
    """Everything overdue or soon due for the organisation, the most urgent first."""
    now = clock.now()
    today = clock.brussels_date(now)
    found = [
        *_requests(db, organisation_id, today),
        *_breaches(db, organisation_id, now),
        *_client_notices(db, organisation_id, now),
        *_art14(db, organisation_id, today),
        *_holds(db, organisation_id, today),
        *_staff_reviews(db, organisation_id, today),
        *staff_grants.items(db, organisation_id, today),
        *_register(db, organisation_id, today),
        *_audit_chain(db),
        *_master_key(keys, now),
        *_tombstones(db, keys, organisation_id),
        *_catalogue(),
    ]
    return rules.ordered(found)


def _requests(db: Session, organisation_id: uuid.UUID, today: date) -> Iterator[Item]:
    for request in dsr.list_on_our_clock(db, organisation_id=organisation_id):
        if severity := rules.request_severity(request.due_on, today):
            yield Item(
                Check.REQUEST, severity, "privacy_officer", f"requests/{request.reference}", request.due_on
            )


def _breaches(db: Session, organisation_id: uuid.UUID, now: datetime) -> Iterator[Item]:
    decided = (
        select(breaches.BreachDecision.breach_id)
        .where(breaches.BreachDecision.audience == str(breaches.Audience.AUTHORITY))
        .scalar_subquery()
    )
    rows = db.execute(
        select(breaches.Breach.reference, breaches.Breach.deadline_at, breaches.Breach.id.in_(decided)).where(
            breaches.Breach.organisation_id == organisation_id, breaches.Breach.status != CLOSED_BREACH
        )
    )
    for reference, deadline_at, was_decided in rows:
        if severity := rules.breach_severity(deadline_at, now, authority_decided=bool(was_decided)):
            yield Item(Check.BREACH, severity, "privacy_officer", f"breaches/{reference}", deadline_at)


def _client_notices(db: Session, organisation_id: uuid.UUID, now: datetime) -> Iterator[Item]:
    """R-103: a client controller not told of a breach by its DPA's deadline (flagged by the minute's job)."""
    for reference, client, due in breach_clients.alerts.overdue_rows(
        db, organisation_id=organisation_id, now=now
    ):
        yield Item(
            Check.BREACH, Severity.OVERDUE, "privacy_officer", f"breaches/{reference}/clients:{client}", due
        )


def _art14(db: Session, organisation_id: uuid.UUID, today: date) -> Iterator[Item]:
    """One line per severity with how many people: the list itself is `lawful subjects art14-pending`."""
    grouped: dict[Severity, list[date]] = {}
    for subject in subjects.art14_pending(
        db, organisation_id=organisation_id, due_by=today + rules.ART14_SOON
    ):
        if subject.art14_due and (severity := rules.art14_severity(subject.art14_due, today)):
            grouped.setdefault(severity, []).append(subject.art14_due)
    for severity, dues in grouped.items():
        yield Item(Check.ART14, severity, "privacy_officer", "subjects.art14_pending", min(dues), len(dues))


def _holds(db: Session, organisation_id: uuid.UUID, today: date) -> Iterator[Item]:
    hold = subjects.LegalHold
    rows = db.execute(
        select(hold.id, hold.review_on).where(hold.organisation_id == organisation_id, hold.in_force())
    )
    for hold_id, review_on in rows:
        if severity := rules.review_severity(review_on, today):
            yield Item(Check.LEGAL_HOLD, severity, "legal", f"legal_holds/{hold_id}", review_on)


def _staff_reviews(db: Session, organisation_id: uuid.UUID, today: date) -> Iterator[Item]:
    """R-84: grants are reviewed periodically; an account past its access review keeps access unreviewed."""
    user = staff.StaffUser
    rows = db.execute(
        select(user.id, user.access_review_due).where(
            user.organisation_id == organisation_id,
            user.active.is_(True),
            user.access_review_due.is_not(None),
        )
    )
    for user_id, due in rows:
        if due is not None and (severity := rules.review_severity(due, today)):
            yield Item(Check.STAFF_REVIEW, severity, "admin", f"staff/{user_id}", due)


def check_register(register: processing.Register) -> list[Item]:
    """The register's own items (reviews, agreements, transfers, tests, translations), for a register file
    checked in the CI of the repository that keeps it, before it is applied."""
    return rules.ordered(list(_register_items(register, clock.today())))


def _register(db: Session, organisation_id: uuid.UUID, today: date) -> Iterator[Item]:
    if processing.find_current(db, organisation_id=organisation_id) is None:
        return
    yield from _register_items(processing.current_register(db, organisation_id=organisation_id)[1], today)


def _register_items(register: processing.Register, today: date) -> Iterator[Item]:
    for index, activity in enumerate(register.activities):
        if (lia := activity.legitimate_interest) is not None:
            due = processing.add_period(lia.reviewed_on, LIA_REVIEW_EVERY)
            if severity := rules.review_severity(due, today):
                path = f"activities[{index}].legitimate_interest.reviewed_on"
                yield Item(Check.LIA, severity, "legal", path, due)
    for index, recipient in enumerate(register.recipients):
        if severity := rules.dpa_severity(str(recipient.type), recipient.dpa_ref):
            yield Item(Check.DPA, severity, "legal", f"recipients[{index}].dpa_ref")
        transfer = recipient.transfer
        if severity := rules.transfer_severity(
            [str(c) for c in recipient.countries],
            processing.EEA,
            mechanism=str(transfer.mechanism) if transfer else None,
            valid_until=transfer.valid_until if transfer else None,
            today=today,
        ):
            path = f"recipients[{index}].transfer" + (".valid_until" if transfer else "")
            yield Item(Check.TRANSFER, severity, "legal", path, transfer.valid_until if transfer else None)
    for index, measure in enumerate(register.security_measures):
        if measure.test_every is None:
            continue
        path = f"security_measures[{index}].last_tested"
        if measure.last_tested is None:
            yield Item(Check.SECURITY_MEASURE, Severity.OVERDUE, "engineer", path)
            continue
        due = processing.add_period(measure.last_tested, measure.test_every)
        if severity := rules.review_severity(due, today):
            yield Item(Check.SECURITY_MEASURE, severity, "engineer", path, due)
    missing = notices.missing_labels(register)
    if severity := rules.translation_severity(len(missing)):
        for gap in missing:
            yield Item(
                Check.TRANSLATION, severity, "privacy_officer", f"{gap.path}.{gap.element.split(':')[1]}"
            )


def _catalogue() -> Iterator[Item]:
    missing = i18n.missing_translations()
    if severity := rules.translation_severity(len(missing)):
        for key in missing:
            yield Item(Check.TRANSLATION, severity, "privacy_officer", f"catalogue:{key}")


def _audit_chain(db: Session) -> Iterator[Item]:
    _, broken = audit.verify(db)
    if severity := rules.audit_severity(broken is not None):
        yield Item(Check.AUDIT_CHAIN, severity, "admin", f"audit/{broken.seq if broken else ''}")


def _master_key(keys: keystore.Keys, now: datetime) -> Iterator[Item]:
    """The age of the current master key is read from the oldest data key wrapped under it: a rotation
    re-wraps older keys, so it is an upper bound."""
    wrapped = keystore.WrappedKey
    with make_sessionmaker(keys.store.engine)() as store:
        since = store.scalar(
            select(func.min(wrapped.created_at)).where(wrapped.kek_id == keys.store.keyring.current_id)
        )
    older = keys.store.count_not_current()
    if severity := rules.master_key_severity(since, now, older_keys=older):
        yield Item(Check.MASTER_KEY, severity, "engineer", "keystore/master_key", None, max(older, 1))


def _tombstones(db: Session, keys: keystore.Keys, organisation_id: uuid.UUID) -> Iterator[Item]:
    """Erased people found again in the main database (a restored backup): `lawful dsr tombstones apply`."""
    tombstone = keystore.Tombstone
    with make_sessionmaker(keys.store.engine)() as store:
        rows = store.execute(
            select(tombstone.subject_id, tombstone.kept).where(tombstone.organisation_id == organisation_id)
        )
        erased = {subject_id for subject_id, kept in rows if not kept}  # with data kept, the person stays
    back = 0
    ids = sorted(erased)
    for start in range(0, len(ids), 500):
        batch = ids[start : start + 500]
        back += db.scalar(select(func.count()).where(subjects.Subject.id.in_(batch))) or 0
    if severity := rules.tombstone_severity(back):
        yield Item(Check.TOMBSTONE, severity, "engineer", "keystore/tombstones", None, back)
