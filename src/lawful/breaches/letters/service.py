"""Letters to the people affected (Art. 34, R-97): once the decision to tell them is recorded, each person
of the case's sealed list gets the letter in their language, as service mail through the outbox (no
marketing opt-out holds it back), or on paper without an email address; nobody erased since is written
to. Each letter is recorded by the person's entry in the sealed list only."""

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from lawful import audit, clock, keystore, mail, processing, subjects
from lawful.actor import Actor
from lawful.db import table_of

from .. import service as cases
from ..errors import BreachClosed
from ..models import Breach, BreachDecision
from ..rules import Status
from ..scope import service as scopes
from . import rules
from .errors import LettersRefused
from .models import BreachCommunication, BreachLetter
from .schemas import LettersCreate
from .wording import Writer

LETTERS = table_of(BreachLetter)
CHUNK = 2000


@dataclass(frozen=True)
class Reach:
    erased: bool
    email: str | None
    lang: str


@dataclass(frozen=True)
class Sent:
    reference: str
    queued: int
    printable: int
    skipped: dict[str, int]
    already: int


def send(
    db: Session,
    actor: Actor,
    keys: keystore.Keys,
    *,
    organisation_id: uuid.UUID,
    reference: str,
    letters: LettersCreate,
) -> Sent:
    """Tell each person of the list not yet told under the latest decision; refused, naming what is
    missing, with nothing queued, when there is no decision to tell them or a language lacks its text."""
    breach = cases.get(db, organisation_id=organisation_id, reference=reference)
    if breach.status == Status.CLOSED:
        raise BreachClosed(f"{breach.reference} is closed; its record is kept as it was closed")
    if breach.client_controller and not letters.on_instruction:
        raise LettersRefused(
            f"{breach.reference} concerns {breach.client_controller}'s data: its people are told by that "
            "controller, or by us on its instruction (R-103)",
            problems=[
                {"path": "on_instruction", "message": "the client controller's instruction is required"}
            ],
        )
    decisions = _decisions(db, breach.id)
    if problems := rules.decision_problems(decisions):
        raise LettersRefused("no letter can go: " + problems[0]["message"], problems=problems)
    decision = [d for d in decisions if d.audience == "people"][-1]
    register = processing.current_register(db, organisation_id=organisation_id)[1]
    done = set(db.scalars(select(BreachLetter.entry).where(BreachLetter.decision_id == decision.id)))
    entries = [e for e in scopes.affected(keys, breach) if e["id"] not in done]
    reach = _reach(db, keys, organisation_id, register, entries)
    notice = rules.public_notice(decision)
    ways = [
        (e, rules.way(erased=reach[e["id"]].erased, email=reach[e["id"]].email, public_notice=notice))
        for e in entries
    ]
    needed = {reach[e["id"]].lang for e, way in ways if way.status != rules.SKIPPED}
    if problems := rules.missing_texts(needed, letters.texts):
        raise LettersRefused(
            "the letter is missing in: " + ", ".join(p["path"] for p in problems), problems=problems
        )
    counts = rules.counted([(e["id"], way) for e, way in ways])
    texts = {lang: words.model_dump() for lang, words in letters.texts.items()}
    sending = BreachCommunication(
        breach_id=breach.id, decision_id=decision.id, texts=texts, counts=counts, created_at=clock.now(),
        created_by=actor.label[:200],
    )  # fmt: skip
    db.add(sending)
    db.flush()
    _write(db, keys, breach, register, sending, [(e, way, reach[e["id"]]) for e, way in ways])
    audit.record(
        db,
        actor,
        "breach.letters_queued",
        entity=sending,
        organisation_id=organisation_id,
        data={"reference": breach.reference, **counts, "already": len(done)},
    )
    return Sent(breach.reference, counts["email"], counts["post"], counts["skipped"], len(done))


def _write(
    db: Session,
    keys: keystore.Keys,
    breach: Breach,
    register: processing.Register,
    sending: BreachCommunication,
    chosen: list[tuple[dict[str, Any], rules.Way, Reach]],
) -> None:
    """Each letter's outbox row and record, written a few thousand at a time (a list may hold 100,000)."""
    writer = Writer(breach, register, sending.texts)
    now = clock.now()
    outbox: list[dict[str, Any]] = []
    letters: list[dict[str, Any]] = []
    for entry, way, reached in chosen:
        outbox_id = None
        if way.status == rules.QUEUED and reached.email:
            message = mail.Mail(
                to=reached.email, subject=writer.subject(reached.lang), text=writer.text(reached.lang, entry["categories"]),
                lang=reached.lang,
            )  # fmt: skip
            row = mail.outbox_row(
                db,
                keys,
                message,
                kind="breach_letter",
                category="service",
                organisation_id=breach.organisation_id,
            )
            outbox.append(row)
            outbox_id = row["id"]
        letters.append(
            {
                "id": uuid.uuid4(), "breach_id": breach.id, "decision_id": sending.decision_id,
                "communication_id": sending.id, "entry": entry["id"], "channel": way.channel, "language": reached.lang,
                "status": way.status, "reason": way.reason, "outbox_id": outbox_id, "created_at": now,
            }
        )  # fmt: skip
    for start in range(0, len(outbox), CHUNK):
        db.execute(insert(mail.TABLE), outbox[start : start + CHUNK])
    for start in range(0, len(letters), CHUNK):
        db.execute(insert(LETTERS), letters[start : start + CHUNK])
    if outbox:
        mail.mark_queued(db)


def _reach(
    db: Session,
    keys: keystore.Keys,
    organisation_id: uuid.UUID,
    register: processing.Register,
    entries: list[dict[str, Any]],
) -> dict[str, Reach]:
    """Each entry's address and language now: a person erased since the scope (no row, or no key any more,
    or an address under a tombstone) is not written to."""
    org = register.organisation
    offered, default = org.languages, org.authoritative_language
    ids = [uuid.UUID(e["subject"]) for e in entries if e["subject"]]
    reachable = subjects.emails_and_languages(db, keys, ids)
    # the few without an address: still held (a letter on paper), or erased since (no row, or no key)
    rest = [i for i in ids if i not in reachable]
    keyed = set(
        keys.store.get_many([keystore.subject_owner(i) for i in _existing(db, organisation_id, rest)])
    )
    erased_addresses = _tombstoned(
        keys, organisation_id, [e["email"] for e in entries if not e["subject"] and e["email"]]
    )
    found: dict[str, Reach] = {}
    for entry in entries:
        if entry["subject"]:
            subject_id = uuid.UUID(entry["subject"])
            email, spoken = reachable.get(subject_id, (None, entry["language"]))
            erased = subject_id not in reachable and keystore.subject_owner(subject_id) not in keyed
        else:
            email, spoken = entry["email"], entry["language"]
            erased = entry["email"] in erased_addresses
        found[entry["id"]] = Reach(
            erased, None if erased else email, rules.language(spoken, offered, default)
        )
    return found


def _existing(db: Session, organisation_id: uuid.UUID, ids: list[uuid.UUID]) -> list[uuid.UUID]:
    model = subjects.Subject
    found: list[uuid.UUID] = []
    for start in range(0, len(ids), 1000):
        query = select(model.id).where(
            model.organisation_id == organisation_id, model.id.in_(ids[start : start + 1000])
        )
        found += list(db.scalars(query))
    return found


def _tombstoned(keys: keystore.Keys, organisation_id: uuid.UUID, emails: list[str]) -> set[str]:
    """The addresses of people lawful erased (its tombstones, in the key store): a datastore may still hold
    them, but they asked to be forgotten and are not written to."""
    if not emails:
        return set()
    lookups = {subjects.lookup_key(keys, subjects.IdentityKind.EMAIL, e): e for e in emails}
    with keys.store.transaction() as session:
        stones = session.scalars(
            select(keystore.Tombstone.lookups).where(keystore.Tombstone.organisation_id == organisation_id)
        )
        gone = {lookup for row in stones for lookup in row}
    return {email for lookup, email in lookups.items() if lookup in gone}


def _decisions(db: Session, breach_id: uuid.UUID) -> list[BreachDecision]:
    query = select(BreachDecision).where(BreachDecision.breach_id == breach_id)
    return list(db.scalars(query.order_by(BreachDecision.decided_at)))


def status(db: Session, *, organisation_id: uuid.UUID, reference: str) -> dict[str, Any]:
    """What became of the letters, by channel: sent, waiting, failed, taken back (an erasure since), printed."""
    breach = cases.get(db, organisation_id=organisation_id, reference=reference)
    outbox = mail.OutboxMessage
    rows = db.execute(
        select(
            BreachLetter.channel,
            BreachLetter.status,
            BreachLetter.reason,
            BreachLetter.outbox_id.is_(None),
            outbox.status,
            func.count(),
        )
        .outerjoin(outbox, outbox.id == BreachLetter.outbox_id)
        .where(BreachLetter.breach_id == breach.id)
        .group_by(
            BreachLetter.channel,
            BreachLetter.status,
            BreachLetter.reason,
            BreachLetter.outbox_id.is_(None),
            outbox.status,
        )
    )
    found: dict[str, dict[str, int]] = {"email": {}, "post": {}, "skipped": {}}
    for channel, state, reason, unlinked, delivery, n in rows:
        if state == rules.SKIPPED:
            bucket, key = "skipped", reason or "other"
        elif channel == rules.EMAIL:
            bucket = "email"
            key = delivery or ("discarded" if unlinked and state == rules.QUEUED else state)
        else:
            bucket, key = "post", state
        found[bucket][key] = found[bucket].get(key, 0) + int(n)
    return {"reference": breach.reference, **found}
