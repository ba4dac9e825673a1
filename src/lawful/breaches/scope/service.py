"""The scope of a case (R-98): compute who and what was affected from the sources named, keep the list of
the people sealed under a key of its own with the case, and the counts in the register. At closure plus the
configured period the key is destroyed: the case stays, with its numbers and without anyone in it (R-82)."""

import json
import uuid
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import audit, clock, crypto, keystore, mail, marketing, processing, work
from lawful.actor import Actor
from lawful.config import Settings

from .. import service as cases
from ..errors import BreachClosed
from ..letters.models import BreachLetter
from ..models import Breach
from ..rules import Status
from . import rules, sources
from .errors import AffectedListGone, ScopeRefused
from .models import BreachScope
from .schemas import ScopeCreate, ScopeRead

OWNER = "breach_affected:"  # the key store's owner prefix of a case's list of people


@dataclass(frozen=True)
class Computed:
    breach: Breach
    scope: BreachScope


def compute(
    db: Session,
    actor: Actor,
    keys: keystore.Keys,
    settings: Settings,
    *,
    organisation_id: uuid.UUID,
    reference: str,
    scope: ScopeCreate,
) -> Computed:
    """List the people affected and count them per category; refused with every wrong field, nothing written."""
    breach = cases.get(db, organisation_id=organisation_id, reference=reference)
    if breach.status == Status.CLOSED:
        raise BreachClosed(f"{breach.reference} is closed; its record is kept as it was closed")
    register = processing.current_register(db, organisation_id=organisation_id)[1]
    definition = scope.model_dump(mode="json")
    since, until, problems = rules.window(scope.since, scope.until, breach.aware_at)
    problems += rules.problems(definition, _known(register))
    uploads, missing = sources.uploads_by_id(db, organisation_id=organisation_id, ids=scope.exports)
    problems += missing
    problems += sources.actor_problems(db, organisation_id=organisation_id, actors=scope.actors)
    if problems:
        raise ScopeRefused(
            "the scope cannot be computed: " + ", ".join(p["path"] for p in problems), problems=problems
        )
    people = _gather(db, keys, settings, register, organisation_id, scope, since, until, uploads)
    return _keep(db, actor, keys, breach, people, definition | {"until": until.isoformat()})


def _gather(
    db: Session,
    keys: keystore.Keys,
    settings: Settings,
    register: processing.Register,
    organisation_id: uuid.UUID,
    scope: ScopeCreate,
    since: datetime | None,
    until: datetime,
    uploads: list[Any],
) -> sources.People:
    people: sources.People = {}
    window: dict[str, Any] = {"organisation_id": organisation_id, "since": since, "until": until}
    wanted = scope.categories
    if rules.LAWFUL in scope.systems:
        sources.held(db, people, categories=wanted, **window)
    if scope.activities:
        sources.held(db, people, categories=wanted, activities=scope.activities, **window)
    if scope.purposes:
        sources.consented(db, people, register, categories=wanted, purposes=scope.purposes, **window)
    if scope.recipients:
        uploads = uploads + sources.uploads_to(db, recipients=scope.recipients, **window)
    sources.exported(db, people, organisation_id=organisation_id, categories=wanted, uploads=uploads)
    if scope.actors:
        sources.read_by(db, people, categories=wanted, actors=scope.actors, **window)
    stores: list[tuple[str, list[str]]] = [(s, []) for s in scope.systems if s != rules.LAWFUL] + [
        (d.key, d.tables) for d in scope.datastores
    ]
    for key, tables in stores:
        sources.in_datastore(
            db,
            people,
            keys,
            settings,
            register,
            organisation_id=organisation_id,
            key=key,
            tables=tables,
            categories=wanted,
        )
    sources.describe(db, people, organisation_id=organisation_id)
    return people


def _keep(
    db: Session,
    actor: Actor,
    keys: keystore.Keys,
    breach: Breach,
    people: sources.People,
    definition: dict[str, Any],
) -> Computed:
    """Seal the list under a new key (the earlier list's key goes once this is committed), count it into
    the case, and keep how it was computed. Each person's entry is named the same in every computation of
    the case (a keyed hash under the case's own naming key), so a letter sent stays sent to them."""
    naming = keys.store.create(f"breach_affected:{breach.id}:entries")  # the same for every computation
    entries = []
    for who, person in sorted(people.items()):
        entries.append({"id": crypto.keyed_hash(naming, who)[:32], **person.sealed()})
    tally = rules.tally(people.values())
    previous = latest(db, breach_id=breach.id)
    old_owner = breach.affected_key_id
    owner = f"breach_affected:{breach.id}:{uuid.uuid4().hex[:12]}"  # OWNER, spelt out for the inventory scan
    key = keys.store.create(owner)
    sealed = zlib.compress(json.dumps(entries, separators=(",", ":")).encode(), 1)
    breach.affected = crypto.encrypt(key, sealed, context=owner.encode())
    breach.affected_key_id, breach.affected_count = owner, tally.people
    breach.approx_subjects, breach.approx_records = tally.people, tally.records
    breach.data_categories = rules.merged(
        breach.data_categories, previous.data_categories if previous else [], tally.data_categories
    )
    breach.subject_categories = rules.merged(
        breach.subject_categories, previous.subject_categories if previous else [], tally.subject_categories
    )
    breach.datastores = _union(breach.datastores, [d["key"] for d in definition["datastores"]])
    breach.systems = _union(breach.systems, definition["systems"])
    breach.recipients = _union(breach.recipients, definition["recipients"])
    now = clock.now()
    breach.updated_at = now
    made = BreachScope(
        breach_id=breach.id,
        definition=definition,
        people=tally.people,
        records=tally.records,
        data_categories=tally.data_categories,
        subject_categories=tally.subject_categories,
        countries=tally.countries,
        sources=tally.sources,
        computed_at=now,
        computed_by=actor.label[:200],
    )
    db.add(made)
    db.flush()
    if old_owner is not None:
        work.after_commit(db, f"breach.scope.{old_owner}", lambda: keys.store.destroy(old_owner))
    audit.record(
        db,
        actor,
        "breach.scoped",
        entity=made,
        organisation_id=breach.organisation_id,
        data={
            "reference": breach.reference,
            "people": tally.people,
            "records": tally.records,
            "sources": tally.sources,
        },
    )
    return Computed(breach, made)


def affected(keys: keystore.Keys, breach: Breach) -> list[dict[str, Any]]:
    """The sealed list of the people affected; gone when never computed or destroyed (R-82)."""
    owner = breach.affected_key_id
    key = keys.store.get(owner) if owner else None
    if owner is None or key is None or breach.affected is None:
        raise AffectedListGone(
            f"{breach.reference} has no list of the people affected (never computed, or destroyed)"
        )
    sealed = crypto.decrypt(key, breach.affected, context=owner.encode())
    entries: list[dict[str, Any]] = json.loads(zlib.decompress(sealed))
    return entries


def read(breach: Breach, made: BreachScope) -> ScopeRead:
    """A computation as the API and the console show it: numbers, never people."""
    return ScopeRead.model_validate(
        {
            "reference": breach.reference,
            "people": made.people,
            "records": made.records,
            "data_categories": made.data_categories,
            "subject_categories": made.subject_categories,
            "countries": made.countries,
            "sources": made.sources,
            "definition": made.definition,
            "computed_at": made.computed_at,
            "computed_by": made.computed_by,
            "sealed": breach.affected_key_id is not None,
        }
    )


def exports_of(db: Session, *, organisation_id: uuid.UUID) -> list[marketing.AudienceUpload]:
    """The organisation's exports and audience uploads, newest first, for staff to choose from."""
    upload = marketing.AudienceUpload
    query = select(upload).where(upload.organisation_id == organisation_id)
    return list(db.scalars(query.order_by(upload.uploaded_at.desc()).limit(200)))


def latest(db: Session, *, breach_id: uuid.UUID) -> BreachScope | None:
    query = select(BreachScope).where(BreachScope.breach_id == breach_id)
    return db.scalars(query.order_by(BreachScope.computed_at.desc())).first()


def forget_due(
    db: Session,
    actor: Actor,
    keys: keystore.Keys,
    *,
    now: datetime,
    keep: timedelta,
    organisation_id: uuid.UUID | None = None,
) -> list[Breach]:
    """R-82: destroy the key of each closed case's list once closure plus `keep` has passed, in every
    organisation or in one (its key's). The case stays in the register with its numbers; the letters keep
    what became of them, and no one's entry."""
    query = select(Breach).where(Breach.status == Status.CLOSED, Breach.affected_key_id.is_not(None))
    if organisation_id is not None:
        query = query.where(Breach.organisation_id == organisation_id)
    done = []
    for breach in db.scalars(query):
        due = rules.destroy_at(breach.closed_at, breach.affected_destroy_after, keep)
        if due is None or due > now:
            continue
        owner = breach.affected_key_id
        assert owner is not None
        # first: once gone, every copy of the list is unreadable, backups included; and no letter's entry
        # can be named again from a person
        keys.store.destroy(owner, f"breach_affected:{breach.id}:entries")
        breach.affected, breach.affected_key_id, breach.affected_destroy_after = None, None, due
        _settle_letters(db, breach.id)
        db.flush()
        audit.record(
            db,
            actor,
            "breach.affected_destroyed",
            entity=breach,
            organisation_id=breach.organisation_id,
            data={"reference": breach.reference, "people": breach.affected_count},
        )
        done.append(breach)
    return done


def _settle_letters(db: Session, breach_id: uuid.UUID) -> None:
    """Each letter keeps its outcome; its link to the person's entry and to the outbox goes."""
    letters = list(db.scalars(select(BreachLetter).where(BreachLetter.breach_id == breach_id)))
    sent = [letter.outbox_id for letter in letters if letter.outbox_id is not None]
    outbox = mail.OutboxMessage
    outcomes: dict[uuid.UUID, str] = {}
    for start in range(0, len(sent), 1000):
        rows = db.execute(select(outbox.id, outbox.status).where(outbox.id.in_(sent[start : start + 1000])))
        outcomes |= {row_id: status for row_id, status in rows}
    for letter in letters:
        if letter.outbox_id is not None:
            letter.status = str(outcomes.get(letter.outbox_id, letter.status))
        letter.entry, letter.outbox_id = None, None


def _known(register: processing.Register) -> rules.Known:
    return rules.Known(
        datastores={s.key: [t.name for t in s.tables] for s in register.datastores},
        categories=frozenset(c.key for c in register.data_categories),
        recipients=frozenset(r.key for r in register.recipients),
        activities=frozenset(a.key for a in register.activities),
    )


def _union(current: list[Any], added: list[str]) -> list[Any]:
    return [*current, *(a for a in added if a not in current)]
