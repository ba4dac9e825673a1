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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from lawful import audit, clock, consent, crypto, decisions, keystore, mail, staff, subjects
from lawful.actor import Actor
from lawful.clients import forwarding
from lawful.db import among

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


People = Sequence[Person]
Found = dict[uuid.UUID, int]  # copies found per person
Finder = Callable[[Session, Actor, keystore.Keys, People, dict[uuid.UUID, Destroyed]], Found]


@dataclass(frozen=True)
class Artefact:
    name: str
    models: tuple[type, ...]  # the tables whose rows hold the copies
    owners: tuple[str, ...]  # the key-store owner prefixes their keys have
    destroy: Finder


def destroy(db: Session, actor: Actor, keys: keystore.Keys, person: Person) -> Destroyed:
    """Every artefact kind finds and destroys the person's copies; what it found is audited as counts."""
    return destroy_many(db, actor, keys, [person])[person.subject_id]


def destroy_many(
    db: Session, actor: Actor, keys: keystore.Keys, people: People
) -> dict[uuid.UUID, Destroyed]:
    """`destroy` for many people at once: each kind looks for all of them in one pass (a retention run
    erases thousands), and each person's copies are counted and audited as if erased alone."""
    done = {person.subject_id: Destroyed() for person in people}
    for artefact in ARTEFACTS:
        found = artefact.destroy(db, actor, keys, people, done)
        for person in people:
            done[person.subject_id].counts[artefact.name] = found.get(person.subject_id, 0)
    for person in people:
        counts = done[person.subject_id].counts
        if any(counts.values()) and not person.dry_run:
            audit.record(
                db,
                actor,
                "dsr.copies_destroyed",
                entity_type="subject",
                entity_id=person.subject_id,
                organisation_id=person.organisation_id,
                data=dict(counts),
            )
    return done


def _earlier_requests(db: Session, people: People) -> dict[uuid.UUID, list[Request]]:
    """Each person's requests, except the erasure's own (and, after a restore, those received since)."""
    found: dict[uuid.UUID, list[Request]] = {person.subject_id: [] for person in people}
    by_id = {person.subject_id: person for person in people}
    query = select(Request).where(among(db.get_bind().dialect, Request.subject_id, list(by_id)))
    for request in db.scalars(query.order_by(Request.received_at)):
        assert request.subject_id is not None
        person = by_id[request.subject_id]
        if request.organisation_id != person.organisation_id:
            continue
        if person.keep_reference is not None and request.reference == person.keep_reference:
            continue
        if person.before is not None and request.received_at > person.before:
            continue
        found[person.subject_id].append(request)
    return found


def _answers(
    db: Session, actor: Actor, keys: keystore.Keys, people: People, done: dict[uuid.UUID, Destroyed]
) -> Found:
    """Access copies, portable copies, datastore extracts and letters of every earlier request."""
    requests = _earlier_requests(db, people)
    owner = {r.id: p.subject_id for p in people for r in requests[p.subject_id]}
    if not owner:
        return {}
    found: Found = {}
    for _, request_id in db.execute(
        select(Package.id, Package.request_id).where(Package.request_id.in_(owner))
    ):
        found[owner[request_id]] = found.get(owner[request_id], 0) + 1
    doomed = [r.id for p in people if not p.dry_run for r in requests[p.subject_id]]
    if doomed:
        db.execute(delete(Package).where(Package.request_id.in_(doomed)))
    for request_id, subject_id in owner.items():
        done[subject_id].owners.append(f"package:{request_id}")  # a restored copy of the parts stays sealed
    return found


def _case_records(
    db: Session, actor: Actor, keys: keystore.Keys, people: People, done: dict[uuid.UUID, Destroyed]
) -> Found:
    """A closed request stays as the case record (R-60), without the addresses or values it was sent."""
    requests = _earlier_requests(db, people)
    found: Found = {}
    for person in people:
        for request in requests[person.subject_id]:
            if request.status not in CLOSED:
                continue  # still running: its steps need the address
            personal = [k for k in PERSONAL_DETAILS if request.details.get(k) not in (None, ERASED)]
            if request.contact is None and request.postal is None and not personal:
                continue
            found[person.subject_id] = found.get(person.subject_id, 0) + 1
            if not person.dry_run:
                request.contact = request.postal = (
                    None  # the email, and the postal address of a letter
                )
                request.details = {**request.details, **dict.fromkeys(personal, ERASED)}
    return found


def _exports(
    db: Session, actor: Actor, keys: keystore.Keys, people: People, done: dict[uuid.UUID, Destroyed]
) -> Found:
    """Bulk export files that list the person are expired: their key goes, so every copy of the file."""
    organisations = {person.organisation_id for person in people}
    query = select(decisions.Export).where(
        decisions.Export.organisation_id.in_(organisations), decisions.Export.file.is_not(None)
    )
    found: Found = {}
    for export in db.scalars(query):
        key = keys.store.get(f"export:{export.id}")
        listed = _listed(key, export) if key is not None else None  # no key: it may list anyone
        expire = False
        for person in people:
            if person.organisation_id != export.organisation_id:
                continue
            if listed is not None and str(person.subject_id) not in listed:
                continue
            found[person.subject_id] = found.get(person.subject_id, 0) + 1
            done[person.subject_id].owners.append(f"export:{export.id}")
            expire = expire or not person.dry_run
        if expire:
            export.file, export.status = None, "expired"
    return found


def _listed(key: bytes, export: decisions.Export) -> set[str]:
    """The subject ids an export file lists (its first column)."""
    assert export.file is not None
    text = crypto.decrypt(key, export.file, context=str(export.id).encode()).decode()
    return {row[0] for row in csv.reader(io.StringIO(text)) if row}


def _queued_mail(
    db: Session, actor: Actor, keys: keystore.Keys, people: People, done: dict[uuid.UUID, Destroyed]
) -> Found:
    """Undelivered mail to the person, except the erasure's own answer (the only message still owed)."""
    found: Found = {}
    for organisation_id in {person.organisation_id for person in people}:
        ours = [person for person in people if person.organisation_id == organisation_id]
        anyone = mail.discard_queued(  # one look for all of them (it reads nothing it would not read alone)
            db,
            keys,
            lookups=[lookup for p in ours for lookup in p.lookups],
            organisation_id=organisation_id,
            dry_run=True,
        )
        for person in ours if anyone else []:
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
            if count:
                found[person.subject_id] = count
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
    return found


CONFIRMATION = frozenset({"dsr_answer"})


def _opt_ins(
    db: Session, actor: Actor, keys: keystore.Keys, people: People, done: dict[uuid.UUID, Destroyed]
) -> Found:
    """Newsletter sign-ups not yet confirmed hold only the sealed address (consent/optin.py)."""
    query = select(consent.OptIn).where(
        consent.OptIn.organisation_id.in_({person.organisation_id for person in people}),
        consent.OptIn.confirmed_at.is_(None),
        consent.OptIn.sealed.is_not(None),
    )
    pending = []
    for row in db.scalars(query):
        assert row.sealed is not None
        address = crypto.decrypt(keys.outbox, row.sealed, context=f"optin:{row.id}".encode()).decode()
        pending.append((row.id, row.organisation_id, mail.recipient_lookup(keys, address)))
    found: Found = {}
    doomed = []
    for person in people:
        wanted = set(person.lookups)
        mine = [i for i, org, lookup in pending if org == person.organisation_id and lookup in wanted]
        if mine:
            found[person.subject_id] = len(mine)
        if not person.dry_run:
            doomed += mine
    if doomed:
        db.execute(delete(consent.OptIn).where(consent.OptIn.id.in_(doomed)))
    return found


def _recipient_messages(
    db: Session, actor: Actor, keys: keystore.Keys, people: People, done: dict[uuid.UUID, Destroyed]
) -> Found:
    """Messages of earlier requests still waiting to reach a recipient (notices.py): the sealed message goes,
    and a recipient not yet told becomes a task for staff (the erasure tells every recipient anyway)."""
    requests = _earlier_requests(db, people)
    owner = {r.id: p for p in people for r in requests[p.subject_id]}
    if not owner:
        return {}
    query = select(RecipientNotice).where(
        RecipientNotice.request_id.in_(owner), RecipientNotice.payload.is_not(None)
    )
    found: Found = {}
    for notice in db.scalars(query):
        person = owner[notice.request_id]
        found[person.subject_id] = found.get(person.subject_id, 0) + 1
        if person.dry_run:
            continue
        notice.payload = None
        if notice.status == "retrying":
            notice.status, notice.reason, notice.next_attempt_at = "open", "message erased", None
            notice.due_on = notice.due_on or clock.next_working_day(clock.today())
    return found


def _forwardings(
    db: Session, actor: Actor, keys: keystore.Keys, people: People, done: dict[uuid.UUID, Destroyed]
) -> Found:
    """The requester's address a request forwarded to a client controller keeps (R-102): the forwarding
    stays as the record of what was sent to whom, without the address."""
    model = forwarding.Forwarding
    by_id = {person.subject_id: person for person in people}
    found: Found = {}
    query = select(model.id, model.subject_id).where(
        among(db.get_bind().dialect, model.subject_id, list(by_id)), model.contact.is_not(None)
    )
    doomed = []
    for row_id, subject_id in db.execute(query):
        assert subject_id is not None  # selected by it
        found[subject_id] = found.get(subject_id, 0) + 1
        if not by_id[subject_id].dry_run:
            doomed.append(row_id)
    if doomed:
        db.execute(update(model).where(model.id.in_(doomed)).values(contact=None))
    return found


ARTEFACTS: tuple[Artefact, ...] = (
    Artefact("answers", (Package,), ("package:",), _answers),
    Artefact("case records", (Request,), (), _case_records),  # the address sealed under system:outbox
    Artefact("bulk exports", (decisions.Export,), ("export:",), _exports),
    Artefact("queued mail", (mail.OutboxMessage,), (), _queued_mail),
    Artefact("pending opt-ins", (consent.OptIn,), (), _opt_ins),
    Artefact("recipient messages", (RecipientNotice,), (), _recipient_messages),  # sealed under system:outbox
    Artefact("forwarded requests", (forwarding.Forwarding,), (), _forwardings),  # sealed under system:outbox
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
    # a client's access data to its own systems: a company's secret, not a data subject's data
    "lawful.clients.vault.models.ClientCredential": "credentials for a client's systems, sealed under their "
    "own key: not personal data of a person who asks; destroyed at the end of the client's contract (R-87)",
    "credential:": "the key of one credential for a client's system, destroyed with it or at the contract's end",
}
