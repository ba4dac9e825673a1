"""What needs a person: mandates, further identification, questions and complaints, reminders (R-45..R-50, R-70)."""

import uuid
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from lawful import audit, clock, i18n, keystore, mail, render, staff
from lawful.actor import Actor

from . import identification, rules
from .errors import AssigneeRefused, CodeRefused, IdentificationNotAsked
from .letters import post
from .models import Request
from .service import CASES, get, list_on_our_clock, mark_verified, move, tell


def confirm_mandate(db: Session, actor: Actor, *, request_id: uuid.UUID, evidence: str) -> Request:
    """R-50: a representative's mandate (or parental authority) checked and recorded by staff."""
    request = get(db, request_id=request_id, organisation_id=actor.organisation_id)
    if request.status != rules.Status.AWAITING_MANDATE or not evidence.strip():
        raise CodeRefused("record what proves the mandate, for a request waiting for one")
    request.details = {**request.details, "mandate_checked": evidence.strip()}
    move(db, actor, request, rules.Status.AWAITING_IDENTITY)
    mark_verified(db, actor, request, request.identity_method or "email_code")
    return request


def ask_more_identification(
    db: Session,
    actor: Actor,
    keys: keystore.Keys,
    *,
    request_id: uuid.UUID,
    doubt: str,
    asked: str,
    pause_while_identity: bool = False,
) -> Request:
    """R-46, T-21: more than the code only for a recorded, reasonable doubt, and never more than is held.
    R-47: asked within 5 working days of receipt; a request answered on paper gets it as a letter."""
    if not doubt.strip() or not asked.strip():
        raise CodeRefused("record the reasonable doubt and what you ask for")
    request = get(db, request_id=request_id, organisation_id=actor.organisation_id)
    send_by = rules.identity_request_by(rules.received_date(request.received_at), clock.is_working_day)
    reply_by = rules.identity_request_by(
        clock.today(), clock.is_working_day, identification.REPLY_WORKING_DAYS
    )
    request.details = {
        **request.details,
        "doubt": doubt.strip(),
        "asked": asked.strip(),
        "asked_at": clock.now().isoformat(),
        "identification_due_on": send_by.isoformat(),
        "identification_reply_by": reply_by.isoformat(),
    }
    if request.status != rules.Status.AWAITING_IDENTITY:
        move(db, actor, request, rules.Status.AWAITING_IDENTITY)
    if post.by_letter(request):
        paragraphs = identification.asking(request, asked.strip(), reply_by, paused=pause_while_identity)
        post.send(
            db,
            actor,
            keys,
            request,
            "identification",
            subject=i18n.t("letter.identification.subject", request.language),
            paragraphs=paragraphs,
        )
    audit.record(
        db,
        actor,
        "dsr.identification_asked",
        entity=request,
        organisation_id=request.organisation_id,
        data={
            "due_on": send_by.isoformat(),
            "late": clock.today() > send_by,
            "reply_by": reply_by.isoformat(),
        },
    )
    return request


def close_unidentified(
    db: Session, actor: Actor, keys: keystore.Keys, *, request_id: uuid.UUID, why: str
) -> Request:
    """Art. 11(2), 12(2), R-47: once more identification was asked and identity still cannot be established,
    the request closes with a letter saying why, what would allow identification, the APD and the courts."""
    if not why.strip():
        raise CodeRefused(
            "say why the person could not be identified", problems=[{"path": "text", "message": "empty"}]
        )
    request = get(db, request_id=request_id, organisation_id=actor.organisation_id)
    if request.status != rules.Status.AWAITING_IDENTITY or not request.details.get("asked"):
        raise IdentificationNotAsked(
            "a request closes as unidentified only after more identification was asked, while it waits for it"
        )
    move(db, actor, request, rules.Status.REFUSED)
    request.refusal, request.completed_at = why.strip(), clock.now()
    request.outcome = {**request.outcome, "closed": identification.UNIDENTIFIED}
    paragraphs = identification.closing(request, why.strip())
    subject = i18n.t("letter.unidentified.subject", request.language)
    if post.by_letter(request):
        post.send(db, actor, keys, request, "unidentified", subject=subject, paragraphs=paragraphs)
    else:
        tell(db, keys, request, "unidentified", text="\n\n".join(paragraphs))
    audit.record(
        db, actor, "dsr.closed_unidentified", entity=request, organisation_id=request.organisation_id
    )
    return request


def confirm_identity(
    db: Session, actor: Actor, *, request_id: uuid.UUID, method: str, pause_while_identity: bool = False
) -> Request:
    """Staff record the outcome of an additional check (only the outcome: documents are not kept). With
    the organisation's pause (A-19), the month starts again today, as after a code."""
    if not method.strip():
        raise CodeRefused("say how identity was checked", problems=[{"path": "text", "message": "empty"}])
    request = get(db, request_id=request_id, organisation_id=actor.organisation_id)
    if request.status != rules.Status.AWAITING_IDENTITY:
        raise CodeRefused("this request is not waiting for identification")
    if pause_while_identity:
        request.due_on = rules.due_date(clock.today(), clock.is_working_day, request.extension_months)
        request.details = {**request.details, "clock_paused_for_identity": True}
    mark_verified(db, actor, request, method.strip()[:40])
    return request


def close_case(
    db: Session, actor: Actor, keys: keystore.Keys, *, request_id: uuid.UUID, answer: str
) -> Request:
    """R-70: a question or complaint is answered by a person, with the APD and the courts named."""
    request = get(db, request_id=request_id, organisation_id=actor.organisation_id)
    if not CASES.issuperset(request.kinds) or not answer.strip():
        raise CodeRefused("only questions and complaints are closed by hand, with an answer")
    lang = request.language
    text = (
        f"{answer.strip()}\n\n{i18n.t('complaint.intro', lang)} {i18n.t('apd.name', lang)}, "
        f"{i18n.t('apd.address', lang)}, {i18n.t('apd.email', lang)}.\n{i18n.t('complaint.courts', lang)}"
    )
    tell(db, keys, request, "answer", text=text)
    request.completed_at = clock.now()
    move(db, actor, request, rules.Status.COMPLETED)
    audit.record(db, actor, "dsr.case_closed", entity=request, organisation_id=request.organisation_id)
    return request


def reminders_due(db: Session, *, organisation_id: uuid.UUID, today: date) -> list[tuple[Request, str]]:
    """R-45: requests whose reminder falls today, or that are overdue and go to the privacy officer."""
    found = []
    for request in list_on_our_clock(db, organisation_id=organisation_id):
        if rules.is_overdue(request.due_on, today, completed=False):
            found.append((request, "overdue"))
        elif today in rules.reminders(request.due_on):
            found.append((request, f"due in {(request.due_on - today).days} days"))
        elif _to_identify(request) and today >= _identify_by(request) - IDENTIFY_WARNING:
            found.append((request, "identify"))
    return found


IDENTIFY_WARNING = timedelta(days=2)  # before the last day to ask for more identification


def _to_identify(request: Request) -> bool:
    """A request staff must identify themselves (no address for a code) that nobody identified or asked yet."""
    return (
        request.status in (rules.Status.RECEIVED, rules.Status.AWAITING_IDENTITY)
        and request.identity_verified_at is None
        and request.contact is None
        and not request.details.get("asked")
    )


def _identify_by(request: Request) -> date:
    return rules.identity_request_by(rules.received_date(request.received_at), clock.is_working_day)


def _reminder_line(request: Request, why: str, today: date, lang: str) -> str:
    """One request as the officer reads it, in the organisation's language: no keys, no raw dates."""
    days = (request.due_on - today).days
    if why == "overdue":
        said = i18n.t("mail.reminder.overdue", lang)
    elif why == "identify":
        said = i18n.t("mail.reminder.identify", lang, date=i18n.long_date(_identify_by(request), lang))
    else:
        said = i18n.t("mail.reminder.due_in", lang, days=days)
    return i18n.t(
        "mail.reminder.line",
        lang,
        reference=request.reference,
        kinds=", ".join(i18n.t(f"mail.reminder.kind.{k}", lang) for k in request.kinds),
        date=i18n.long_date(request.due_on, lang),
        why=said,
    )


def send_reminders(db: Session, keys: keystore.Keys, *, organisation_id: uuid.UUID, today: date) -> int:
    """One mail to each privacy officer listing the requests due soon or overdue (R-45 escalation)."""
    due = reminders_due(db, organisation_id=organisation_id, today=today)
    if not due:
        return 0
    lang = mail.letterhead(db, organisation_id).language
    lines = [_reminder_line(r, why, today, lang) for r, why in due]
    text = render.render("mail/reminder.txt", lang=lang, lines=lines)
    subject = i18n.t("mail.reminder.subject", lang, count=len(due))
    officers = [
        u
        for u in staff.list_staff(db, organisation_id=organisation_id)
        if "privacy_officer" in u.roles and u.active
    ]
    for officer in officers:
        mail.queue(
            db,
            keys,
            mail.Mail(to=officer.email, subject=subject, text=text),
            kind="dsr_reminder",
            category="service",
            organisation_id=organisation_id,
        )
    return len(officers)


def acknowledge(
    db: Session, actor: Actor, keys: keystore.Keys, request: Request, base_url: str
) -> dict[str, Any]:
    """R-70: a question or complaint is acknowledged once the code is confirmed, with its one-month date."""
    lang = request.language
    tell(db, keys, request, "acknowledgement", date=i18n.long_date(request.due_on, lang))
    return {"acknowledged": True}


def assign(db: Session, actor: Actor, *, request_id: uuid.UUID, staff_id: uuid.UUID | None) -> Request:
    """R-45, R-70: the staff member who owns a request (or none); an active member of the organisation."""
    request = get(db, request_id=request_id, organisation_id=actor.organisation_id)
    if staff_id is not None:
        member = db.get(staff.StaffUser, staff_id)
        if member is None or member.organisation_id != request.organisation_id or not member.active:
            raise AssigneeRefused(
                "no such active staff member in this organisation",
                problems=[{"path": "staff_id", "message": "not an active staff member here"}],
            )
    before = str(request.assignee_id) if request.assignee_id else None
    request.assignee_id = staff_id
    db.flush()
    audit.record(
        db,
        actor,
        "dsr.assigned",
        entity=request,
        organisation_id=request.organisation_id,
        data={"before": before, "after": str(staff_id) if staff_id else None},
    )
    return request
