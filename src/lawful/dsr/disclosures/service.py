"""Disclosures to authorities and legal recipients (R-89): a recorded request, approved by a legal or
privacy role, carried out with the minimum data, logged by category, and told to the person unless a
recorded legal prohibition forbids it (until it is lifted).

The values read for a disclosure go back to the caller alone and are never stored. They are read without
the purpose gate: the legal obligation (Art. 6(1)(c)) is weighed case by case by the approver, and a
consent withdrawn or an objection does not stop a court order; the approval is that gate.
"""

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import audit, clock, keystore, processing, subjects
from lawful.actor import Actor
from lawful.errors import Forbidden, NotFound

from . import rules, telling
from .models import Disclosure, DisclosureSubject
from .rules import Status


class DisclosureNotFound(NotFound):
    code = "disclosure_not_found"


@dataclass(frozen=True)
class Disclosed:
    """A disclosure carried out, with the data that went: for the requester, never stored."""

    disclosure: Disclosure
    data: dict[uuid.UUID, dict[str, list[str]]]


def create(
    db: Session,
    actor: Actor,
    *,
    organisation_id: uuid.UUID,
    requester_kind: str,
    legal_basis: str,
    subject_ids: list[uuid.UUID],
    categories: list[str],
    received_on: date,
    requester: str | None = None,
    recipient: str | None = None,
    reference: str | None = None,
    prohibited: bool = False,
    prohibition_ref: str | None = None,
) -> Disclosure:
    """Record an authority's request: who asks, on which basis, about whom and for which data (R-89)."""
    _may(actor)
    register = processing.current_register(db, organisation_id=organisation_id)[1]
    asked = rules.Asked(
        requester_kind, requester, recipient, legal_basis, subject_ids, categories, received_on,
        prohibited, prohibition_ref,
    )  # fmt: skip
    rules.check(asked, _known(db, register, organisation_id, subject_ids), clock.today())
    named = next((r.name for r in register.recipients if r.key == recipient), None)
    row = Disclosure(
        id=uuid.uuid4(),
        organisation_id=organisation_id,
        status=str(Status.REQUESTED),
        requester_kind=requester_kind,
        requester=(requester or "").strip() or named or "",
        recipient=recipient,
        legal_basis=legal_basis.strip(),
        reference=(reference or "").strip() or None,
        categories=list(dict.fromkeys(categories)),
        received_on=received_on,
        prohibition_ref=((prohibition_ref or "").strip() or None) if prohibited else None,
        created_at=clock.now(),
        created_by=actor.label,
        disclosed_categories=[],
        refused=[],
    )
    db.add(row)
    people = list(dict.fromkeys(subject_ids))
    db.add_all(
        DisclosureSubject(organisation_id=organisation_id, disclosure_id=row.id, subject_id=s, position=i)
        for i, s in enumerate(people)
    )
    db.flush()
    audit.record(
        db,
        actor,
        "dsr.disclosure_requested",
        entity=row,
        organisation_id=organisation_id,
        data={
            "requester_kind": requester_kind,
            "recipient": recipient,
            "categories": row.categories,
            "subject_ids": [str(s) for s in people],
            "prohibited": row.prohibition_ref is not None,
        },
    )
    return row


def approve(db: Session, actor: Actor, *, disclosure_id: uuid.UUID) -> Disclosure:
    """A legal or privacy role approves the request: only then may it be carried out (R-89)."""
    _may(actor)
    row = get(db, disclosure_id=disclosure_id, organisation_id=actor.organisation_id)
    rules.ensure_approvable(row.status)
    row.status, row.approved_at, row.approved_by = str(Status.APPROVED), clock.now(), actor.label
    audit.record(db, actor, "dsr.disclosure_approved", entity=row, organisation_id=row.organisation_id)
    db.flush()
    return row


def disclose(db: Session, actor: Actor, keys: keystore.Keys, *, disclosure_id: uuid.UUID) -> Disclosed:
    """Carry out an approved request with the minimum data: the categories it asked for, within what the
    register allows the recipient; the person is told unless a prohibition is in force."""
    _may(actor)
    row = get(db, disclosure_id=disclosure_id, organisation_id=actor.organisation_id)
    rules.ensure_disclosable(row.status)
    register = processing.current_register(db, organisation_id=row.organisation_id)[1]
    going, refused = rules.minimum(row.categories, _allowed(register, row.recipient))
    people = subject_ids(db, disclosure_id=row.id)
    data = {s: _values(db, keys, s, set(going)) for s in people}
    row.status, row.disclosed_at, row.disclosed_by = str(Status.DISCLOSED), clock.now(), actor.label
    row.disclosed_categories, row.refused = going, refused
    audit.record(
        db,
        actor,
        "dsr.disclosed",
        entity=row,
        organisation_id=row.organisation_id,
        data={"categories": going, "refused": [r["category"] for r in refused], "subjects": len(people)},
    )
    db.flush()
    if rules.tells_the_person(row.status, row.prohibition_ref, row.prohibition_lifted_at):
        telling.tell(db, actor, keys, row, register)
    return Disclosed(row, data)


def lift_prohibition(
    db: Session, actor: Actor, keys: keystore.Keys, *, disclosure_id: uuid.UUID
) -> Disclosure:
    """The legal bar to telling the person ended: a disclosure already made is told now, and appears in
    their access report from now on."""
    _may(actor)
    row = get(db, disclosure_id=disclosure_id, organisation_id=actor.organisation_id)
    rules.ensure_liftable(row.prohibition_ref, row.prohibition_lifted_at)
    row.prohibition_lifted_at, row.prohibition_lifted_by = clock.now(), actor.label
    audit.record(
        db, actor, "dsr.disclosure_prohibition_lifted", entity=row, organisation_id=row.organisation_id
    )
    db.flush()
    if rules.tells_the_person(row.status, row.prohibition_ref, row.prohibition_lifted_at):
        register = processing.current_register(db, organisation_id=row.organisation_id)[1]
        telling.tell(db, actor, keys, row, register)
    return row


def data(
    db: Session, actor: Actor, keys: keystore.Keys, *, disclosure_id: uuid.UUID
) -> dict[uuid.UUID, dict[str, list[str]]]:
    """The disclosed categories' values again, to hand over (the console's download); each read audited."""
    _may(actor)
    row = get(db, disclosure_id=disclosure_id, organisation_id=actor.organisation_id)
    rules.ensure_disclosed(row.status)
    people = subject_ids(db, disclosure_id=row.id)
    found = {s: _values(db, keys, s, set(row.disclosed_categories)) for s in people}
    audit.record(
        db,
        actor,
        "dsr.disclosure_downloaded",
        entity=row,
        organisation_id=row.organisation_id,
        data={"categories": row.disclosed_categories, "subjects": len(people)},
    )
    return found


def get(db: Session, *, disclosure_id: uuid.UUID, organisation_id: uuid.UUID | None) -> Disclosure:
    """One request; of that organisation only (None: the operator's, who named the organisation)."""
    row = db.get(Disclosure, disclosure_id)
    if row is None or (organisation_id is not None and row.organisation_id != organisation_id):
        raise DisclosureNotFound("no such disclosure request")
    return row


def find(db: Session, *, organisation_id: uuid.UUID, prefix: str) -> list[Disclosure]:
    """The requests whose id starts so (the CLI names them by the first characters `list` shows)."""
    found = list_disclosures(db, organisation_id=organisation_id, limit=100_000)
    return [d for d in found if str(d.id).startswith(prefix)]


def list_disclosures(
    db: Session, *, organisation_id: uuid.UUID, status: str | None = None, limit: int = 500
) -> list[Disclosure]:
    """Newest first."""
    query = select(Disclosure).where(Disclosure.organisation_id == organisation_id)
    if status is not None:
        query = query.where(Disclosure.status == status)
    return list(db.scalars(query.order_by(Disclosure.created_at.desc()).limit(limit)))


def people_of(db: Session, *, disclosure_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[DisclosureSubject]]:
    """Whom each request is about, in the order it named them."""
    found: dict[uuid.UUID, list[DisclosureSubject]] = {i: [] for i in disclosure_ids}
    if disclosure_ids:
        query = select(DisclosureSubject).where(DisclosureSubject.disclosure_id.in_(disclosure_ids))
        for person in db.scalars(query.order_by(DisclosureSubject.position)):
            found[person.disclosure_id].append(person)
    return found


def subject_ids(db: Session, *, disclosure_id: uuid.UUID) -> list[uuid.UUID]:
    return [p.subject_id for p in people_of(db, disclosure_ids=[disclosure_id])[disclosure_id]]


def reported(db: Session, *, subject_id: uuid.UUID) -> list[Disclosure]:
    """The disclosures about the person that their access report lists: made, and no prohibition in force."""
    query = (
        select(Disclosure)
        .join(DisclosureSubject, DisclosureSubject.disclosure_id == Disclosure.id)
        .where(DisclosureSubject.subject_id == subject_id, Disclosure.status == str(Status.DISCLOSED))
        .order_by(Disclosure.disclosed_at)
    )
    return [
        d
        for d in db.scalars(query)
        if rules.tells_the_person(d.status, d.prohibition_ref, d.prohibition_lifted_at)
    ]


def _may(actor: Actor) -> None:
    if not actor.can(rules.APPROVE):
        raise Forbidden(
            f"only a legal or privacy role ({rules.APPROVE!r}) handles disclosures to authorities"
        )


def _known(
    db: Session, register: processing.Register, organisation_id: uuid.UUID, subject_ids: list[uuid.UUID]
) -> rules.Known:
    found = (
        set(
            db.scalars(
                select(subjects.Subject.id).where(
                    subjects.Subject.organisation_id == organisation_id,
                    subjects.Subject.id.in_(set(subject_ids)),
                )
            )
        )
        if subject_ids
        else set()
    )
    return rules.Known(
        categories=frozenset(c.key for c in register.data_categories),
        recipient_types={r.key: str(r.type) for r in register.recipients},
        subjects_found=frozenset(found),
    )


def _allowed(register: processing.Register, recipient: str | None) -> frozenset[str] | None:
    """None: a requester the register does not name; a recipient it no longer lists may receive nothing."""
    if recipient is None:
        return None
    found = next((r for r in register.recipients if r.key == recipient), None)
    if found is None:
        return frozenset()
    naming = [a.data_categories for a in register.activities if found.key in a.recipients]
    return rules.whitelist(found.fields, naming)


def _values(
    db: Session, keys: keystore.Keys, subject_id: uuid.UUID, categories: set[str]
) -> dict[str, list[str]]:
    """The person's current values in those categories; nothing for a person erased since the request."""
    if not categories or db.get(subjects.Subject, subject_id) is None:
        return {}
    found: dict[str, list[str]] = {}
    for value in subjects.values(db, keys, subject_id=subject_id, categories=categories):
        found.setdefault(value.category, [])
        if value.value not in found[value.category]:
            found[value.category].append(value.value)
    return found
