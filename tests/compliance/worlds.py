"""A world with one overdue item of each kind the compliance check knows, and the register it needs."""

import copy
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from lawful import audit, breaches, clock, dsr, keystore, staff, subjects
from lawful.actor import Actor
from lawful.audit.models import AuditEntry
from lawful.dsr import tombstones
from tests.factories import make_person, make_staff
from tests.registers import label, lia, people

T0 = date(2026, 6, 1)  # everything is opened, collected and placed on this day
LATE = date(2026, 8, 3)  # and checked on this one: every date below has passed
OLD = date(2025, 5, 1)  # the first data key: the master key is older than a year by LATE


def at(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=clock.BRUSSELS)


def register(
    *, lia_reviewed: date, valid_until: date, tested: date, dpa: bool = True, nl: bool = True
) -> dict[str, Any]:
    """The people register plus a legitimate-interest activity, a US recipient under the DPF and one measure
    tested on `tested`; without `dpa` a processor lacks its agreement, without `nl` one label lacks Dutch."""
    document = people()
    activity = copy.deepcopy(document["activities"][0])
    activity.update(
        key="fraud_prevention",
        legal_basis="legitimate_interests",
        legitimate_interest=lia() | {"reviewed_on": lia_reviewed.isoformat()},
        recipients=["support_desk"],
        name=label("Fraud prevention") if nl else {"en": "Fraud prevention", "fr": "Fraude"},
    )
    activity.pop("requirement", None)
    activity["requirement"] = {"kind": "voluntary"}
    document["activities"].append(activity)  # activities[7]
    document["recipients"].append(  # recipients[2]
        {
            "key": "support_desk",
            "name": "Desk Inc.",
            "label": label("Support desk"),
            "type": "processor",
            "countries": ["US"],
            "fields": ["user.contact.email"],
            "transfer": {
                "mechanism": "adequacy_dpf",
                "reference": "DPF-123",
                "valid_until": valid_until.isoformat(),
            },
        }
        | ({"dpa_ref": "DPA-7"} if dpa else {})
    )
    for other in document["activities"]:
        if other.get("legitimate_interest"):
            other["legitimate_interest"]["reviewed_on"] = lia_reviewed.isoformat()
    for measure in document["security_measures"]:
        measure.update(last_tested=tested.isoformat(), test_every="P12M")
    return document


def clean_register() -> dict[str, Any]:
    return register(lia_reviewed=T0, valid_until=date(2030, 1, 1), tested=T0)


def late_register() -> dict[str, Any]:
    day = date(2025, 7, 1)  # + P12M = 2026-07-01, before LATE
    return register(lia_reviewed=day, valid_until=date(2026, 7, 1), tested=day, dpa=False, nl=False)


@dataclass
class Made:
    request: dsr.Request | None = None
    breach: breaches.Breach | None = None
    person: subjects.Subject | None = None
    hold: subjects.LegalHold | None = None
    staff_id: uuid.UUID | None = None
    emails: list[str] = field(default_factory=list)


def person(
    db: Session, keys: keystore.Keys, organisation_id: uuid.UUID, made: Made, *, indirect: bool
) -> subjects.Subject:
    email = f"compliance-{uuid.uuid4().hex[:8]}@example.test"
    made.emails.append(email)
    source = subjects.Source.PARTNER if indirect else subjects.Source.SUBJECT
    return make_person(db, keys, organisation_id, email=email, source=source).subject


def request(
    db: Session, actor: Actor, keys: keystore.Keys, organisation_id: uuid.UUID, made: Made
) -> dsr.Request:
    email = f"asker-{uuid.uuid4().hex[:8]}@example.test"
    made.emails.append(email)
    made.request = dsr.open_request(
        db, actor, keys, organisation_id=organisation_id, kinds=["access"], email=email, language="en",
        channel="web_form", base_url="https://x.test",
    )  # fmt: skip
    return made.request


def breach(db: Session, actor: Actor, organisation_id: uuid.UUID, made: Made) -> breaches.Breach:
    facts = breaches.BreachCreate(summary="laptop stolen", aware_at=clock.now())
    made.breach = breaches.open_case(db, actor, organisation_id=organisation_id, facts=facts)
    return made.breach


def hold(db: Session, actor: Actor, subject_id: uuid.UUID, review_on: date, made: Made) -> subjects.LegalHold:
    made.hold = subjects.place_hold(
        db, actor, subject_id=subject_id, case_ref="C-1", reason="claim", purpose="request_followup",
        review_on=review_on,
    )  # fmt: skip
    return made.hold


def staff_member(
    db: Session, keys: keystore.Keys, organisation_id: uuid.UUID, review: date, made: Made
) -> uuid.UUID:
    new = make_staff(db, keys, organisation_id, [staff.Role.SUPPORT])
    db.execute(
        update(staff.StaffUser).where(staff.StaffUser.id == new.user.id).values(access_review_due=review)
    )
    grant = staff.StaffGrant
    db.execute(update(grant).where(grant.staff_id == new.user.id).values(review_due=review))
    made.staff_id = new.user.id
    return new.user.id


def erased_but_back(db: Session, keys: keystore.Keys, subject: subjects.Subject) -> None:
    """A tombstone for a person still in the main database: as after a backup restored over an erasure."""
    tombstones.record(
        db,
        keys,
        subject=subject,
        lookups=[],
        kept=[],
        suppression_lookup=None,
        request_reference=f"R-{uuid.uuid4().hex[:6]}",
    )


def break_audit_chain(db: Session) -> None:
    audit.seal(db)
    first = db.scalar(
        select(AuditEntry.seq).where(AuditEntry.seq.is_not(None)).order_by(AuditEntry.seq.desc())
    )
    db.execute(update(AuditEntry).where(AuditEntry.seq == first).values(outcome="tampered"))


def everything_late(db: Session, actor: Actor, keys: keystore.Keys, organisation_id: uuid.UUID) -> Made:
    """One overdue item of each kind by LATE (the register is `late_register()`, applied by the caller)."""
    made = Made()
    with clock.pinned(at(OLD)):
        person(db, keys, organisation_id, made, indirect=False)
    with clock.pinned(at(T0)):
        request(db, actor, keys, organisation_id, made)
        breach(db, actor, organisation_id, made)
        made.person = person(db, keys, organisation_id, made, indirect=True)
        hold(db, actor, made.person.id, T0 + timedelta(days=30), made)
        staff_member(db, keys, organisation_id, T0 + timedelta(days=30), made)
        gone = person(db, keys, organisation_id, made, indirect=False)
        erased_but_back(db, keys, gone)
    db.flush()
    break_audit_chain(db)
    return made
