"""Newsletter double opt-in and the one-click unsubscribe (R-21, R-22, R-35..R-37).

Nothing about a person is kept until they confirm: the pending row holds only the sealed address and the
hash of the text they were shown. An unsubscribe stops all direct marketing unless its link was narrowed
to one newsletter (`unsubscribe`), and the exclusion list keeps what it stopped stopped (consent.withdrawals).
"""

import hashlib
import uuid
from dataclasses import dataclass
from datetime import timedelta

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import Session

from lawful import audit, clock, crypto, i18n, keystore, mail, processing, subjects
from lawful.actor import Actor

from . import partners
from .errors import LinkExpired, LinkUsed, UnknownLink
from .models import OptIn
from .rules import EventKind
from .service import Proof, ensure_consent_purpose, lift_exclusion, record, suppression_lookup
from .withdrawals import marketing_purposes, stop_marketing, withdraw

CONFIRM_WITHIN = timedelta(hours=48)


def _serializer(keys: keystore.Keys, salt: str) -> URLSafeSerializer:
    return URLSafeSerializer(keys.session, salt=salt)


def unsubscribe_token(keys: keystore.Keys, subject_id: uuid.UUID, purpose: str, *, only: bool = False) -> str:
    """The link of a marketing mail from `purpose`: all marketing by default, that newsletter with `only`."""
    data: dict[str, object] = {"s": subject_id.hex, "p": purpose} | ({"o": 1} if only else {})
    return str(_serializer(keys, "unsubscribe").dumps(data))


def _read(keys: keystore.Keys, salt: str, token: str) -> object:
    try:
        return _serializer(keys, salt).loads(token)
    except BadSignature as exc:
        raise UnknownLink("this link is not valid") from exc


def subscription_text(register: processing.Register, purpose: str, language: str) -> str:
    """What the person agrees to; a consent to pass data to partners names them (R-33)."""
    return partners.offer_text(register, purpose, language)[0]


def subscribe(
    db: Session,
    actor: Actor,
    keys: keystore.Keys,
    *,
    organisation_id: uuid.UUID,
    purpose: str,
    email: str,
    language: str,
    base_url: str,
) -> OptIn:
    """Start a double opt-in: a confirmation link goes to the address; no profile exists yet."""
    register = processing.current_register(db, organisation_id=organisation_id)[1]
    ensure_consent_purpose(register, purpose)
    address = subjects.normalise_email(email)
    text = subscription_text(register, purpose, language)
    now = clock.now()
    row = OptIn(
        organisation_id=organisation_id,
        purpose=purpose,
        language=language,
        created_at=now,
        expires_at=now + CONFIRM_WITHIN,
        text_hash=_digest(text),
    )
    db.add(row)
    db.flush()
    row.sealed = crypto.encrypt(keys.outbox, address.encode(), context=f"optin:{row.id}".encode())
    url = f"{base_url}/u/confirm/{_serializer(keys, 'opt-in').dumps(row.id.hex)}"
    activity = next(a for a in register.activities if a.key == purpose)
    name = mail.public_name(activity.name, language)
    org = register.organisation.legal_name
    mail.queue(
        db,
        keys,
        mail.Mail(
            to=address,
            subject=i18n.t("mail.optin.subject", language, name=name),
            text=i18n.t("mail.optin.body", language, name=name, organisation=org, url=url),
            lang=language,
        ),
        kind="opt_in",
        category="service",
        organisation_id=organisation_id,
    )
    audit.record(
        db,
        actor,
        "consent.opt_in_requested",
        entity=row,
        organisation_id=organisation_id,
        data={"purpose": purpose},
    )
    return row


@dataclass(frozen=True)
class Pending:
    """What the confirmation page shows before the person presses its button: nothing personal."""

    organisation_id: uuid.UUID
    language: str
    text: str
    text_hash: str  # posted back by the page's button: the text the person confirms
    changed: bool  # not the text shown when they signed up: the page says so and they read it again


def pending(db: Session, keys: keystore.Keys, *, token: str) -> Pending:
    """The subscription a confirmation link stands for, still to confirm; reading it changes nothing
    (mail scanners open links: only the page's button, a POST, confirms)."""
    return _asked(db, _pending_row(db, keys, token))


def _asked(db: Session, row: OptIn) -> Pending:
    register = processing.current_register(db, organisation_id=row.organisation_id)[1]
    text = subscription_text(register, row.purpose, row.language)
    digest = _digest(text)
    return Pending(row.organisation_id, row.language, text, digest, digest != row.text_hash)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _pending_row(db: Session, keys: keystore.Keys, token: str) -> OptIn:
    found = _read(keys, "opt-in", token)
    try:
        row = db.get(OptIn, uuid.UUID(hex=str(found)))
    except ValueError as exc:
        raise UnknownLink("this link is not valid") from exc
    if row is None:
        raise UnknownLink("this link is not valid")
    if row.confirmed_at is not None or row.sealed is None:
        raise LinkUsed("this subscription is already confirmed")
    if row.expires_at <= clock.now():
        raise LinkExpired("this link has expired; subscribe again to get a new one")
    return row


def confirm(
    db: Session, actor: Actor, keys: keystore.Keys, *, token: str, shown: str | None = None
) -> subjects.Collected | Pending:
    """The second step: now the person, their address and their consent (with the text shown) are recorded.

    The person confirms the text they saw: `shown`, the hash the confirmation page posts back (without it,
    the text of the sign-up), must be the hash of the text in force now. If the wording changed in between
    (a partner added, a purpose reworded), nothing is recorded and the page asks again with the new text:
    recording the new text would prove a choice nobody made, recording the old one would be consent to
    what the purpose no longer says (R-20, R-21; Art. 7(1))."""
    row = _pending_row(db, keys, token)
    asked = _asked(db, row)
    if (shown or row.text_hash) != asked.text_hash:
        return asked
    assert row.sealed is not None  # _pending_row refuses a used one
    address = crypto.decrypt(keys.outbox, row.sealed, context=f"optin:{row.id}".encode()).decode()
    register = processing.current_register(db, organisation_id=row.organisation_id)[1]
    activity = next(a for a in register.activities if a.key == row.purpose)
    category = next(s for s, b in processing.bases(activity).items() if b == processing.Basis.CONSENT)
    collected = subjects.collect(
        db,
        actor,
        keys,
        organisation_id=row.organisation_id,
        subject_category=category,
        identities={subjects.IdentityKind.EMAIL: address},
        values={"user.contact.email": address},
        language=row.language,
        collection=subjects.CollectionCreate(
            activity=row.purpose, channel=subjects.Channel.WEB_FORM, language=row.language
        ),
    )
    record(
        db,
        actor,
        organisation_id=row.organisation_id,
        subject_id=collected.subject.id,
        purpose=row.purpose,
        kind=EventKind.GIVEN,
        proof=Proof(
            text=asked.text,
            text_version=f"register-{register_number(db, row)}",
            language=row.language,
            channel="double_opt_in",
            element="opt_in_link",
            recipients=partners.offer_text(register, row.purpose, row.language)[1],
        ),
    )
    # a fresh, confirmed opt-in outranks the person's earlier exclusion of this newsletter, and only of it
    lift_exclusion(
        db,
        actor,
        organisation_id=row.organisation_id,
        lookup=suppression_lookup(keys, address),
        purpose=row.purpose,
        others=marketing_purposes(register),
    )
    row.confirmed_at, row.sealed = clock.now(), None
    return collected


def register_number(db: Session, row: OptIn) -> int:
    return processing.get_version(db, organisation_id=row.organisation_id).number


@dataclass(frozen=True)
class Unsubscribed:
    subject: subjects.Subject
    purpose: str  # the newsletter the link came with
    everything: bool  # all direct marketing (the default), or that newsletter only


def unsubscribe(db: Session, actor: Actor, keys: keystore.Keys, *, token: str) -> Unsubscribed:
    """One click, no login, no reason; effective before the next dispatch; replaying it changes nothing.

    What it covers is R-36's default: all direct marketing of the organisation, profiling for it included,
    because that is what "unsubscribe" means to the person who clicks it in any of our mails, and the
    RFC 8058 one-click POST leaves no room to ask. The subscriber narrows it to one newsletter with the
    second link of the mail (`only`), or gives a newsletter back on the preference page; consents that
    are not marketing (a talent pool, a contest) are never touched. It is not recorded as an Art. 21
    objection, so a newsletter given back later is not refused for ever (withdrawals.stop_marketing)."""
    found = _read(keys, "unsubscribe", token)
    if not isinstance(found, dict) or not {"s", "p"} <= found.keys():
        raise UnknownLink("this link is not valid")
    subject = subject_of(db, str(found["s"]))
    purpose, only = str(found["p"]), bool(found.get("o"))
    proof = Proof(
        text="unsubscribe link" if only else "unsubscribe link: all marketing",
        text_version="2",
        language=subject.language or "en",
        channel="email",
        element="unsubscribe_link",
    )
    if only:
        withdraw(
            db,
            actor,
            keys,
            subject=subject,
            purpose=purpose,
            proof=proof,
            reason="unsubscribed",
            strict=False,
        )
    else:
        stop_marketing(db, actor, keys, subject=subject, proof=proof, reason="unsubscribed")
    return Unsubscribed(subject, purpose, not only)


def subject_of(db: Session, hex_id: str) -> subjects.Subject:
    try:
        return subjects.get(db, subject_id=uuid.UUID(hex=hex_id))
    except (ValueError, subjects.SubjectNotFound) as exc:
        raise UnknownLink("this link is not valid") from exc
