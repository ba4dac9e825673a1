"""Art. 14 notices sent, not only listed (R-09, R-16): everyone whose data came from someone else gets, at
the latest within the month, the notice in their language as service mail through the outbox, or a letter
to print when there is no address; then the notice is marked done. An Art. 14(5) exemption, recorded with
its ground, stops it. Each person once: the done mark and the notice row are written in one transaction."""

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from lawful import audit, mail, processing, subjects
from lawful.actor import Actor
from lawful.db import table_of
from lawful.errors import Conflict, NotFound
from lawful.keystore import Keys

from ..models import Art14Notice
from . import rules, wording

CHUNK = 500
NOTICES = table_of(Art14Notice)
POSTAL = ("user.name", "user.contact.address", "user.contact.address.street",
          "user.contact.address.postal_code", "user.contact.address.city", "user.contact.address.country")  # fmt: skip


class Art14NotFound(NotFound):
    code = "art14_not_found"


class Art14Done(Conflict):
    code = "art14_already_done"


@dataclass(frozen=True)
class Sent:
    emailed: int
    letters: int


def pending_ids(db: Session, *, organisation_id: uuid.UUID) -> list[uuid.UUID]:
    """People of the organisation's own (not a client's) still owed the notice, whatever its due date:
    sending as soon as possible is within the month."""
    model = subjects.Subject
    query = select(model.id).where(
        model.organisation_id == organisation_id,
        model.art14_done_at.is_(None),
        model.art14_due.is_not(None),
        model.role == "controller",
    )
    return list(db.scalars(query.order_by(model.art14_due, model.id)))


def send_due(
    db: Session, actor: Actor, keys: Keys, *, organisation_id: uuid.UUID, now: datetime, base_url: str
) -> Sent:
    ids = pending_ids(db, organisation_id=organisation_id)
    if not ids:
        return Sent(0, 0)
    register = processing.current_register(db, organisation_id=organisation_id)[1]
    offered = [str(x) for x in register.organisation.languages]
    default = str(register.organisation.authoritative_language)
    emailed = letters = 0
    for start in range(0, len(ids), CHUNK):
        claimed = _claim(db, ids[start : start + CHUNK], now)  # another run's people are its own: once
        if not claimed:
            continue
        reach = subjects.emails_and_languages(db, keys, list(claimed))
        obtained = _obtained(db, list(claimed))
        outbox, rows = [], []
        for subject_id, spoken in claimed.items():
            email, language = reach.get(subject_id, (None, spoken))
            lang = rules.language(language or spoken, offered, default)
            outbox_id = None
            if email is not None:
                text = wording.text(
                    register, obtained[subject_id], lang, notice_url=mail.notice_url(base_url, lang)
                )
                message = mail.Mail(to=email, subject=wording.subject(register, lang), text=text, lang=lang)
                row = mail.outbox_row(db, keys, message, kind="art14_notice", category="service",
                                      organisation_id=organisation_id, subject_id=subject_id)  # fmt: skip
                outbox.append(row)
                outbox_id = row["id"]
            rows.append({"id": uuid.uuid4(), "organisation_id": organisation_id, "subject_id": subject_id,
                         "method": str(rules.method(email)), "language": lang, "ground": None,
                         "outbox_id": outbox_id, "done_at": now})  # fmt: skip
        if outbox:
            db.execute(insert(mail.TABLE), outbox)
            mail.mark_queued(db)
        db.execute(insert(NOTICES), rows)
        emailed += len(outbox)
        letters += len(rows) - len(outbox)
    audit.record(db, actor, "compliance.art14_sent", entity_type="Organisation", entity_id=organisation_id,
                 organisation_id=organisation_id, data={"emailed": emailed, "letters": letters})  # fmt: skip
    return Sent(emailed, letters)


def _claim(db: Session, chunk: list[uuid.UUID], now: datetime) -> dict[uuid.UUID, str | None]:
    """Mark these people's notice done, only those still owed it; who was marked, with their language."""
    model = subjects.Subject
    marked = db.execute(
        update(model)
        .where(model.id.in_(chunk), model.art14_done_at.is_(None))
        .values(art14_done_at=now)
        .returning(model.id, model.language)
        .execution_options(synchronize_session=False)
    )
    return {subject_id: language for subject_id, language in marked}


def send_all(db: Session, actor: Actor, keys: Keys, *, now: datetime, base_url: str) -> dict[str, Sent]:
    """Every organisation's notices due; a staff member's own organisation's only (`lawful --as`)."""
    return {
        org.slug: send_due(db, actor, keys, organisation_id=org.id, now=now, base_url=base_url)
        for org in processing.list_organisations(db)
        if processing.find_current(db, organisation_id=org.id) is not None
        and actor.organisation_id in (None, org.id)
    }


def exempt(
    db: Session,
    actor: Actor,
    *,
    organisation_id: uuid.UUID,
    subject_id: uuid.UUID,
    ground: rules.Ground,
    reason: str,
    now: datetime,
) -> Art14Notice:
    """Art. 14(5): record why the notice is not owed; the person then leaves the list and is not written to."""
    person = db.get(subjects.Subject, subject_id)
    if person is None or person.organisation_id != organisation_id:
        raise Art14NotFound(
            "subject_id: no such person here", problems=[{"path": "subject_id", "message": "unknown"}]
        )
    if person.art14_due is None or person.art14_done_at is not None:
        raise Art14Done("subject_id: this person is owed no Art. 14 notice now (none due, or already done)")
    person.art14_exemption = f"{ground}: {reason.strip()}"[:300]
    person.art14_done_at = now
    row = Art14Notice(organisation_id=organisation_id, subject_id=subject_id, method=str(rules.Method.EXEMPT),
                      ground=str(ground), done_at=now)  # fmt: skip
    db.add(row)
    db.flush()
    audit.record(db, actor, "compliance.art14_exempted", entity=row, organisation_id=organisation_id,
                 data={"subject_id": str(subject_id), "ground": str(ground)})  # fmt: skip
    return row


def notices(db: Session, *, organisation_id: uuid.UUID, method: str | None = None) -> list[Art14Notice]:
    query = select(Art14Notice).where(Art14Notice.organisation_id == organisation_id)
    if method is not None:
        query = query.where(Art14Notice.method == method)
    return list(db.scalars(query.order_by(Art14Notice.done_at.desc())))


def letter(
    db: Session, keys: Keys, *, organisation_id: uuid.UUID, subject_id: uuid.UUID, base_url: str
) -> str:
    """The printable letter of a person without an email address: the name and postal address held, then
    the notice in their language."""
    query = select(Art14Notice).where(
        Art14Notice.organisation_id == organisation_id,
        Art14Notice.subject_id == subject_id,
        Art14Notice.method == str(rules.Method.LETTER),
    )
    row = db.scalars(query.order_by(Art14Notice.done_at.desc())).first()
    if row is None or row.subject_id is None:
        raise Art14NotFound(
            "subject_id: no letter for this person here",
            problems=[{"path": "subject_id", "message": "unknown"}],
        )
    register = processing.current_register(db, organisation_id=organisation_id)[1]
    held = {
        v.category: v.value for v in subjects.values(db, keys, subject_id=subject_id, categories=set(POSTAL))
    }
    lang = row.language or str(register.organisation.authoritative_language)
    head = [register.organisation.legal_name, "", *(held[c] for c in POSTAL if held.get(c)), ""]
    body = wording.text(register, _obtained(db, [subject_id])[subject_id], lang,
                        notice_url=mail.notice_url(base_url, lang))  # fmt: skip
    return "\n".join(head) + "\n" + wording.subject(register, lang) + "\n\n" + body


def _obtained(db: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, wording.Obtained]:
    """Per person: every activity their data serve, and the source of the first indirect collection."""
    activities: dict[uuid.UUID, list[str]] = defaultdict(list)
    source: dict[uuid.UUID, tuple[str, str | None]] = {}
    collection = subjects.Collection
    query = select(collection).where(collection.subject_id.in_(ids)).order_by(collection.collected_at)
    for row in db.scalars(query):
        if row.activity not in activities[row.subject_id]:
            activities[row.subject_id].append(row.activity)
        if not row.provided_by_subject and row.subject_id not in source:
            source[row.subject_id] = (row.source, row.source_name)
    return {i: wording.Obtained(activities[i], *source.get(i, ("subject", None))) for i in ids}
