"""A client's DPA ends (R-107, Art. 28(3)(g)): its data are returned in the agreed format, then erased from
lawful's store with dsr's erasure (rows deleted, each person's key destroyed, a tombstone against restores),
its sub-processors told, and a certificate issued once the grace period has run."""

import base64
import hashlib
import uuid
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import audit, clients, clock, connectors, dsr, keystore, outbound, processing, subjects
from lawful.actor import Actor
from lawful.config import Settings

from . import files

ContractEnd = clients.ContractEnd
rules = clients.ending.rules


def end(
    db: Session, actor: Actor, *, organisation_id: uuid.UUID, client: str, ends_on: date | None
) -> ContractEnd:
    """Record the end: the day, the agreed format and the day the certificate is due."""
    found = _client(db, organisation_id, client)
    if find(db, organisation_id=organisation_id, client=client) is not None:
        raise clients.ending.StepRefused(f"client: the end of {client!r}'s DPA is recorded already")
    day = ends_on or found.dpa.ends_on or clock.today()
    if day < found.dpa.starts_on:
        raise clients.ending.StepRefused(f"ends_on: {day.isoformat()} is before the DPA started")
    row = ContractEnd(
        organisation_id=organisation_id,
        client=client,
        ends_on=day,
        recorded_at=clock.now(),
        recorded_by=actor.label,
        return_format=str(found.dpa.end_of_contract.return_format),
        certify_on=processing.add_period(day, found.dpa.end_of_contract.delete_within),
        status=rules.ENDED,
        people=0,
        sub_processors_told=[],
    )
    db.add(row)
    db.flush()
    _audit(
        db, actor, row, "clients.contract_ended", {"ends_on": day.isoformat(), "format": row.return_format}
    )
    return row


def record_due(db: Session, actor: Actor, *, organisation_id: uuid.UUID) -> list[ContractEnd]:
    """Record the end of every DPA whose `ends_on` in the register has come (a scheduled run's step)."""
    _, register = processing.current_register(db, organisation_id=organisation_id)
    today = clock.today()
    return [
        end(db, actor, organisation_id=organisation_id, client=c.key, ends_on=c.dpa.ends_on)
        for c in register.clients
        if c.dpa.ends_on is not None
        and c.dpa.ends_on <= today
        and find(db, organisation_id=organisation_id, client=c.key) is None
    ]


def hand_over(
    db: Session, actor: Actor, keys: keystore.Keys, *, organisation_id: uuid.UUID, client: str
) -> tuple[ContractEnd, bytes]:
    """The client's data in the agreed format, handed to the client (its webhook when declared, else the
    caller, who passes it on); the hand-over is recorded with the file's digest, never its content."""
    row = _step(db, organisation_id, client, rules.RETURNED)
    found = _client(db, organisation_id, client)
    people = _people(db, organisation_id, client)
    package = [
        {
            "id": str(person.id),
            "data": {v.category: v.value for v in subjects.values(db, keys, subject_id=person.id)},
        }
        for person in people
    ]
    body = files.write(package, row.return_format, client=client)
    row.handed_over_to = f"download by {actor.label} for {found.contact_email}"
    if found.webhook is not None:
        event = {"event": "contract_end_return", "client": client, "format": row.return_format}
        try:
            response = outbound.post(
                found.webhook, json=event | {"file_base64": base64.b64encode(body).decode()}, timeout=60
            )
            if outbound.delivered(response):
                row.handed_over_to = f"webhook of {found.name}"
        except outbound.OutboundError:
            pass  # the caller still receives the file and hands it over
    row.status, row.handed_over_at = rules.RETURNED, clock.now()
    row.export_sha256, row.export_bytes, row.people = hashlib.sha256(body).hexdigest(), len(body), len(people)
    _audit(
        db,
        actor,
        row,
        "clients.contract_data_returned",
        {"people": len(people), "sha256": row.export_sha256, "to": row.handed_over_to},
    )
    return row, body


def erase(
    db: Session,
    actor: Actor,
    keys: keystore.Keys,
    *,
    organisation_id: uuid.UUID,
    client: str,
    settings: Settings | None = None,
) -> ContractEnd:
    """Everything of the client's people goes from lawful's store, as an erasure does, and from the
    company's datastore tables mapped as the client's (`settings` gives their URLs); its sub-processors
    are told to delete their copies."""
    row = _step(db, organisation_id, client, rules.ERASED)
    if clock.today() < row.ends_on:
        raise clients.ending.StepRefused(f"ends_on: the DPA runs until {row.ends_on.isoformat()}")
    everyone = _people(db, organisation_id, client)
    held = _held(db, [p.id for p in everyone])
    people = [p for p in everyone if p.id not in held]
    in_datastores = _datastores(db, keys, settings, organisation_id, client, people)
    dsr.deletions.erase_many(db, actor, keys, organisation_id=organisation_id, people=people, suppress=False)
    row.sub_processors_told = _tell_sub_processors(db, organisation_id, client, row)
    credentials = clients.vault.destroy_for_client(
        db, actor, keys, organisation_id=organisation_id, client=client
    )
    row.status, row.erased_at, row.people = rules.ERASED, clock.now(), len(people)
    _audit(
        db,
        actor,
        row,
        "clients.contract_data_erased",
        {
            "people": len(people),
            "kept_under_legal_hold": len(held),
            "sub_processors": row.sub_processors_told,
            "datastore_rows_deleted": in_datastores,
            "credentials_destroyed": credentials,
        },
    )
    return row


def _datastores(
    db: Session,
    keys: keystore.Keys,
    settings: Settings | None,
    organisation_id: uuid.UUID,
    client: str,
    people: list[subjects.Subject],
) -> dict[str, int]:
    """The client's people's rows in the datastore tables its map marks as the client's, deleted (and
    committed there) while their addresses can still be read: a failure leaves lawful's store as it was,
    and the step can be run again."""
    _, register = processing.current_register(db, organisation_id=organisation_id)
    if not connectors.client_end.marked(register, client):
        return {}
    if settings is None:
        raise clients.ending.StepRefused(
            f"datastores: tables of {client!r} are mapped; erasing needs the datastores' settings"
        )
    emails = [email for email, _ in subjects.emails_and_languages(db, keys, [p.id for p in people]).values()]
    return connectors.client_end.delete_people(settings, register, client=client, emails=emails)


def _held(db: Session, ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """R-107: what a recorded legal obligation or claim keeps (a legal hold in force) stays, and is named
    in the certificate as kept; everything else goes."""
    if not ids:
        return set()
    hold = subjects.LegalHold
    return set(db.scalars(select(hold.subject_id).where(hold.subject_id.in_(ids), hold.in_force())))


def certify(
    db: Session, actor: Actor, keys: keystore.Keys, *, organisation_id: uuid.UUID, client: str
) -> ContractEnd:
    """The deletion certificate, after the grace period, once nothing of the client's people is left."""
    row = _step(db, organisation_id, client, rules.CERTIFIED)
    why = rules.certificate_refused(clock.today(), row.certify_on)
    if why is not None:
        raise clients.ending.StepRefused(why)
    left = [p.id for p in _people(db, organisation_id, client)]
    kept = len(_held(db, left))
    if len(left) > kept:
        raise clients.ending.StepRefused(
            f"client: {len(left) - kept} people of {client!r} are still in the store"
        )
    found = _client(db, organisation_id, client)
    row.status, row.certified_at = rules.CERTIFIED, clock.now()
    row.certificate = {
        "processor": processing.current_register(db, organisation_id=organisation_id)[
            1
        ].organisation.legal_name,
        "controller": found.name,
        "dpa": found.dpa.reference,
        "ends_on": row.ends_on.isoformat(),
        "returned": {
            "at": _iso(row.handed_over_at),
            "format": row.return_format,
            "sha256": row.export_sha256,
        },
        "erased": {"at": _iso(row.erased_at), "people": row.people, "remaining": 0, "keys_destroyed": True},
        "kept_under_legal_hold": kept,
        "sub_processors_told": row.sub_processors_told,
        "certified_at": row.certified_at.isoformat(),
        "certified_by": actor.label,
    }
    _audit(db, actor, row, "clients.contract_end_certified", {"people": row.people})
    return row


def find(db: Session, *, organisation_id: uuid.UUID, client: str) -> ContractEnd | None:
    return db.scalar(
        select(ContractEnd).where(
            ContractEnd.organisation_id == organisation_id, ContractEnd.client == client
        )
    )


def get(db: Session, *, organisation_id: uuid.UUID, client: str) -> ContractEnd:
    row = find(db, organisation_id=organisation_id, client=client)
    if row is None:
        raise clients.ending.ContractEndNotFound(f"no end of contract is recorded for {client!r}")
    return row


def _step(db: Session, organisation_id: uuid.UUID, client: str, wanted: str) -> ContractEnd:
    row = get(db, organisation_id=organisation_id, client=client)
    why = rules.step_refused(row.status, wanted)
    if why is not None:
        raise clients.ending.StepRefused(why)
    return row


def _client(db: Session, organisation_id: uuid.UUID, client: str) -> processing.Client:
    _, register = processing.current_register(db, organisation_id=organisation_id)
    found = next((c for c in register.clients if c.key == client), None)
    if found is None:
        raise clients.ClientNotFound(f"client: there is no client {client!r} in the register")
    return found


def _people(db: Session, organisation_id: uuid.UUID, client: str) -> list[subjects.Subject]:
    return list(
        db.scalars(
            select(subjects.Subject)
            .where(subjects.Subject.organisation_id == organisation_id, subjects.Subject.client == client)
            .order_by(subjects.Subject.id)
        )
    )


def _tell_sub_processors(
    db: Session, organisation_id: uuid.UUID, client: str, row: ContractEnd
) -> list[dict[str, Any]]:
    """Art. 28(3)(g), 28(4): each sub-processor deletes its copies; told at its endpoint, else by letter."""
    _, register = processing.current_register(db, organisation_id=organisation_id)
    found = next(c for c in register.clients if c.key == client)
    recipients = {r.key: r for r in register.recipients}
    told = []
    for key in found.dpa.sub_processors:
        recipient = recipients.get(key)
        if recipient is None:
            continue
        status = "to_tell_by_letter"
        if recipient.endpoint is not None:
            event = {
                "event": "client_data_deletion",
                "client": client,
                "delete_by": row.certify_on.isoformat(),
            }
            try:
                status = str(outbound.post(recipient.endpoint, json=event, timeout=15).status_code)
            except outbound.OutboundError as exc:
                status = f"failed:{exc.category}"
        told.append({"recipient": key, "name": recipient.name, "status": status})
    return told


def _audit(db: Session, actor: Actor, row: ContractEnd, action: str, data: dict[str, Any]) -> None:
    audit.record(
        db,
        actor,
        action,
        entity=row,
        organisation_id=row.organisation_id,
        data={"client": row.client, **data},
    )


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None
