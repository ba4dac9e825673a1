"""Every copy of a person's data outside their record, in one inventory that erasure walks (R-59, T-05).

An erasure (rights/erasure.py), a whole deletion (deletions/execution.py) and a tombstone re-applied after
a restore (tombstones.apply) all call `destroy`, so a copy is found the same way by each. Keys named in the
result are destroyed with the tombstone, in the key store that no backup of the main database holds: a
restored main database then holds those copies sealed under keys that no longer exist.

A new kind of copy (a model with a sealed column, a key-store owner) goes in ARTEFACTS, or in OUTSIDE with
the reason it is not one: tests/dsr/test_artefacts.py fails until it is in one of them.
"""

import csv
import io
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from lawful import audit, clock, consent, crypto, decisions, keystore, mail, staff, subjects
from lawful.actor import Actor

from .models import Package, Request
from .notices.models import RecipientNotice
from .rules import Status

CLOSED = frozenset({str(Status.COMPLETED), str(Status.REFUSED)})
ERASED = "[erased]"
PERSONAL_DETAILS = ("values", "statement", "on_behalf_of")  # what a case record holds of the person


@dataclass(frozen=True)
class Person:
    """Whose copies go: the subject and the keyed hashes of their email addresses."""

    organisation_id: uuid.UUID
    subject_id: uuid.UUID
    lookups: list[str]
    keep_reference: str | None  # the erasure's own request: its answer is owed to the person (Art. 12(3))
    before: datetime | None = None  # after a restore: only what predates the erasure
    dry_run: bool = False


@dataclass
class Destroyed:
    counts: dict[str, int] = field(default_factory=dict)
    owners: list[str] = field(default_factory=list)  # key-store keys to destroy, with the tombstone


Finder = Callable[[Session, Actor, keystore.Keys, Person, Destroyed], int]


@dataclass(frozen=True)
class Artefact:
    name: str
    models: tuple[type, ...]  # the tables whose rows hold the copies
    owners: tuple[str, ...]  # the key-store owner prefixes their keys have
    destroy: Finder


def destroy(db: Session, actor: Actor, keys: keystore.Keys, person: Person) -> Destroyed:
    """Every artefact kind finds and destroys the person's copies; what it found is audited as counts."""
    done = Destroyed()
    for artefact in ARTEFACTS:
        done.counts[artefact.name] = artefact.destroy(db, actor, keys, person, done)
    if any(done.counts.values()) and not person.dry_run:
        audit.record(
            db,
            actor,
            "dsr.copies_destroyed",
            entity_type="subject",
            entity_id=person.subject_id,
            organisation_id=person.organisation_id,
            data=dict(done.counts),
        )
    return done


def _earlier_requests(db: Session, person: Person) -> list[Request]:
    query = select(Request).where(
        Request.organisation_id == person.organisation_id, Request.subject_id == person.subject_id
    )
    if person.keep_reference is not None:
        query = query.where(Request.reference != person.keep_reference)
    if person.before is not None:
        query = query.where(Request.received_at <= person.before)
    return list(db.scalars(query))


def _answers(db: Session, actor: Actor, keys: keystore.Keys, person: Person, done: Destroyed) -> int:
    """Access copies, portable copies, datastore extracts and letters of every earlier request."""
    ids = [r.id for r in _earlier_requests(db, person)]
    if not ids:
        return 0
    parts = db.scalars(select(Package.id).where(Package.request_id.in_(ids))).all()
    if not person.dry_run:
        db.execute(delete(Package).where(Package.request_id.in_(ids)))
    done.owners += [f"package:{i}" for i in ids]  # a restored copy of the parts stays sealed
    return len(parts)


def _case_records(db: Session, actor: Actor, keys: keystore.Keys, person: Person, done: Destroyed) -> int:
    """A closed request stays as the case record (R-60), without the addresses or values it was sent."""
    count = 0
    for request in _earlier_requests(db, person):
        if request.status not in CLOSED:
            continue  # still running: its steps need the address
        personal = [k for k in PERSONAL_DETAILS if request.details.get(k) not in (None, ERASED)]
        if request.contact is None and request.postal is None and not personal:
            continue
        count += 1
        if not person.dry_run:
            request.contact = request.postal = None  # the email, and the postal address of a letter
            request.details = {**request.details, **dict.fromkeys(personal, ERASED)}
    return count


def _exports(db: Session, actor: Actor, keys: keystore.Keys, person: Person, done: Destroyed) -> int:
    """Bulk export files that list the person are expired: their key goes, so every copy of the file."""
    query = select(decisions.Export).where(
        decisions.Export.organisation_id == person.organisation_id, decisions.Export.file.is_not(None)
    )
    count = 0
    for export in db.scalars(query):
        key = keys.store.get(f"export:{export.id}")
        if key is not None and not _lists(key, export, person.subject_id):
            continue
        count += 1
        done.owners.append(f"export:{export.id}")
        if not person.dry_run:
            export.file, export.status = None, "expired"
    return count


def _lists(key: bytes, export: decisions.Export, subject_id: uuid.UUID) -> bool:
    assert export.file is not None
    text = crypto.decrypt(key, export.file, context=str(export.id).encode()).decode()
    return any(row[:1] == [str(subject_id)] for row in csv.reader(io.StringIO(text)))


def _queued_mail(db: Session, actor: Actor, keys: keystore.Keys, person: Person, done: Destroyed) -> int:
    """Undelivered mail to the person, except the erasure's own answer (the only message still owed)."""
    count = mail.discard_queued(
        db,
        keys,
        lookups=person.lookups,
        organisation_id=person.organisation_id,
        keep_about=person.keep_reference,
        keep_kinds=CONFIRMATION,
        queued_before=person.before,
        dry_run=person.dry_run,
    )
    if count and not person.dry_run:
        audit.record(
            db,
            actor,
            "dsr.mail_discarded",
            entity_type="subject",
            entity_id=person.subject_id,
            organisation_id=person.organisation_id,
            data={"messages": count},
        )
    return count


CONFIRMATION = frozenset({"dsr_answer"})


def _opt_ins(db: Session, actor: Actor, keys: keystore.Keys, person: Person, done: Destroyed) -> int:
    """Newsletter sign-ups not yet confirmed hold only the sealed address (consent/optin.py)."""
    query = select(consent.OptIn).where(
        consent.OptIn.organisation_id == person.organisation_id,
        consent.OptIn.confirmed_at.is_(None),
        consent.OptIn.sealed.is_not(None),
    )
    wanted, doomed = set(person.lookups), []
    for row in db.scalars(query):
        assert row.sealed is not None
        address = crypto.decrypt(keys.outbox, row.sealed, context=f"optin:{row.id}".encode()).decode()
        if mail.recipient_lookup(keys, address) in wanted:
            doomed.append(row.id)
    if doomed and not person.dry_run:
        db.execute(delete(consent.OptIn).where(consent.OptIn.id.in_(doomed)))
    return len(doomed)


def _recipient_messages(
    db: Session, actor: Actor, keys: keystore.Keys, person: Person, done: Destroyed
) -> int:
    """Messages of earlier requests still waiting to reach a recipient (notices.py): the sealed message goes,
    and a recipient not yet told becomes a task for staff (the erasure tells every recipient anyway)."""
    ids = [r.id for r in _earlier_requests(db, person)]
    query = select(RecipientNotice).where(
        RecipientNotice.request_id.in_(ids), RecipientNotice.payload.is_not(None)
    )
    found = list(db.scalars(query)) if ids else []
    for notice in found if not person.dry_run else []:
        notice.payload = None
        if notice.status == "retrying":
            notice.status, notice.reason, notice.next_attempt_at = "open", "message erased", None
            notice.due_on = notice.due_on or clock.next_working_day(clock.today())
    return len(found)


ARTEFACTS: tuple[Artefact, ...] = (
    Artefact("answers", (Package,), ("package:",), _answers),
    Artefact("case records", (Request,), (), _case_records),  # the address sealed under system:outbox
    Artefact("bulk exports", (decisions.Export,), ("export:",), _exports),
    Artefact("queued mail", (mail.OutboxMessage,), (), _queued_mail),
    Artefact("pending opt-ins", (consent.OptIn,), (), _opt_ins),
    Artefact("recipient messages", (RecipientNotice,), (), _recipient_messages),  # sealed under system:outbox
)

# sealed data that is not a copy to destroy here, and why
OUTSIDE: dict[object, str] = {
    subjects.Identity: "the record itself: erased per activity by the erasure, its key with the tombstone",
    subjects.PersonalData: "the record itself: erased per activity by the erasure, its key with the tombstone",
    "subject:": "the person's data key: destroyed with the tombstone when nothing is kept",
    staff.StaffUser: "staff authenticator secrets, not a data subject's",
    keystore.WrappedKey: "the key store itself",
    "system:": "deployment keys (look-ups, sessions, outbox): the rows they seal are artefacts above",
    # a breach's list of the people it reached (breaches is dsr's peer: named by path, not imported)
    "lawful.breaches.models.Breach": "the breach's sealed list, below: kept for the duties of Art. 33-34",
    "breach_affected:": "a breach's list of the people affected, kept for the notification and letters "
    "(Art. 17(3)(b), Art. 33-34) and destroyed with its key at the case's closure plus a period (R-82)",
}
