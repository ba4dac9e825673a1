"""Every kind of mail lawful sends is a letter from the company: sent through its real entry point,
delivered to a real SMTP server on loopback, and read back with the email package (R-08, R-119).

SENDERS holds one way to cause each kind in mail.KINDS; `queue` refuses a kind not declared there, and
the first test fails when a declared kind has no sender here, so a new mail cannot skip these checks."""

import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import parsedate_to_datetime
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from lawful import (
    breaches,
    clients,
    clock,
    compliance,
    consent,
    dsr,
    i18n,
    intake,
    keystore,
    mail,
    marketing,
    notices,
    retention,
    staff,
    subjects,
)
from lawful.actor import PUBLIC, Actor
from lawful.breaches import clients as breach_clients
from lawful.breaches import letters, scope
from lawful.clients import forwarding
from lawful.config import Settings
from lawful.dsr import cases, disclosures, fees, objections
from tests.clients.forwarding_world import with_client
from tests.conftest import Mailbox, Receiver, _free_port
from tests.factories import give_consent, make_fulfilled_request, make_person, make_register, make_staff
from tests.registers import label, people

COMPANY = "Société Générale Test"
PRIVACY = "vie.privee@societe-generale.example.test"
LANGS = ("en", "fr", "nl")
FEE = {"amount": "5.00", "currency": "EUR", "window_days": 30, "reason": label("Printing and postage")}
# what the register calls its activities, told apart by their legal basis: never wording for a letter
INTERNAL = re.compile(
    r"\((consent|consentement|toestemming|legitimate interests|intérêts légitimes|gerechtvaardigde belangen)\)"
)
GROUNDS = "Fraud prevention on this account outweighs the situation described."
_seen_ids: set[str] = set()  # Message-IDs across the whole module: each letter is a new message


BRAND: dict[str, Any] = {
    "key": "brand", "name": "Marque Cliente SA", "country": "BE", "contact_email": "privacy@brand.example.test",
    "privacy_policy_url": "https://brand.example.test/privacy",
    "dpa": {
        "reference": "DPA-BRAND-1", "version": "1", "signed_on": "2026-01-01", "starts_on": "2026-01-01",
        "subject_matter": label("Contests"), "duration": label("Until terminated"), "nature": label("Hosting"),
        "purposes": label("Running the brand's contests"), "data_categories": ["user.contact.email"],
        "subject_categories": ["prospect"], "instructions": [label("Collect entries only")], "locations": ["BE"],
        "end_of_contract": {"return_format": "csv", "deletion": label("Everything deleted within 30 days")},
    },
}  # fmt: skip


def _register() -> dict[str, Any]:
    document = people()
    organisation = document["organisation"]
    organisation["legal_name"] = COMPANY
    organisation["contact"] = [{"kind": "privacy_email", "value": PRIVACY}]
    organisation["further_copy_fee"] = FEE
    names = {
        "newsletter": {"en": "Newsletter (consent)", "fr": "Lettre d'information (consentement)",
                       "nl": "Nieuwsbrief (toestemming)"},
        "customer_offers": {"en": "Offers to customers (legitimate interests)",
                            "fr": "Offres aux clients (intérêts légitimes)",
                            "nl": "Aanbiedingen aan klanten (gerechtvaardigde belangen)"},
    }  # fmt: skip
    for activity in document["activities"]:
        activity["name"] = names.get(activity["key"], activity["name"])
    document["clients"] = [BRAND]  # a client controller we process data for (breach notices, R-103)
    document["retention_rules"].append(
        {
            "key": "account_12m",
            "label": label("12 months after the account is closed"),
            "trigger": "account_closure",
            "duration": "P12M",
            "action": "delete",
            "warn_before": "P30D",
        }
    )
    document["activities"].append(
        {"key": "accounts", "name": label("Customer accounts"), "purpose": label("Running the account."),
         "data_use": "essential.service", "legal_basis": "contract", "subjects": ["customer"],
         "retention": "account_12m", "data_categories": ["user.name", "user.contact.email"], "recipients": [],
         "security_measures": ["encryption"], "requirement": {"kind": "voluntary"}}
    )  # fmt: skip
    return document


@dataclass
class World:
    db: Session
    keys: keystore.Keys
    settings: Settings
    actor: Actor
    org: uuid.UUID

    def email(self) -> str:
        return f"p-{uuid.uuid4().hex[:8]}@example.test"

    def request(self, kinds: list[str], lang: str, **details: object) -> dsr.Request:
        """A request received by email with the identity checked, every step of it run (answer included)."""
        return make_fulfilled_request(
            self.db, self.actor, self.keys, self.org, kinds=kinds, email=self.email(), language=lang,
            base_url=self.settings.base_url, details=details or None,
        )  # fmt: skip

    def waiting(
        self, kinds: list[str], lang: str, *, verified: bool = False, email: str | None = None
    ) -> dsr.Request:
        """A request whose code went out and was not entered yet, or one received already verified."""
        return dsr.open_request(
            self.db, self.actor, self.keys, organisation_id=self.org, kinds=kinds, email=email or self.email(),
            language=lang, channel="web_form", base_url=self.settings.base_url, identity_verified=verified,
        )  # fmt: skip


@pytest.fixture
def world(db: Session, keys: keystore.Keys, settings: Settings, actor: Actor, receiver: Receiver) -> World:
    document = _register()
    next(r for r in document["recipients"] if r["key"] == "hubspot")["endpoint"] = receiver.url
    return World(db, keys, settings, actor, make_register(db, document).organisation_id)


def _code(w: World, lang: str) -> None:
    w.waiting(["access"], lang)


def _acknowledgement(w: World, lang: str) -> None:
    w.request(["complaint"], lang, message="Vous m'écrivez encore.")


def _answer(w: World, lang: str) -> None:
    w.request(["access"], lang)


def _extension(w: World, lang: str) -> None:
    request = w.waiting(["erasure"], lang, verified=True)
    dsr.extend(w.db, w.actor, w.keys, request_id=request.id, months=1, reason="Many systems to search.")


def _refusal(w: World, lang: str) -> None:
    request = w.waiting(["access"], lang)
    dsr.refuse(w.db, w.actor, w.keys, request_id=request.id, justification="A manifestly unfounded request.")


def _unidentified(w: World, lang: str) -> None:
    """Identity could not be established after more was asked: the closing letter goes by mail (R-47)."""
    request = w.waiting(["access"], lang)
    cases.ask_more_identification(
        w.db, w.actor, w.keys, request_id=request.id, doubt="The name differs.", asked="Your customer number."
    )
    cases.close_unidentified(w.db, w.actor, w.keys, request_id=request.id, why="No customer number came.")


def _fee_quote(w: World, lang: str) -> dsr.Request:
    """A second copy within the window: the quote is mailed (R-52)."""
    email = w.email()
    make_person(w.db, w.keys, w.org, email=email)
    for _ in range(2):
        request = make_fulfilled_request(
            w.db, w.actor, w.keys, w.org, kinds=["access"], email=email, language=lang,
            base_url=w.settings.base_url,
        )  # fmt: skip
    return request


def _fee(w: World, lang: str) -> None:
    _fee_quote(w, lang)


def _fee_declined(w: World, lang: str) -> None:
    held = _fee_quote(w, lang)
    fees.decide(w.db, w.actor, w.keys, request_id=held.id, decision="declined", note=None)


def _objection(w: World, lang: str) -> dsr.Request:
    email = w.email()
    make_person(w.db, w.keys, w.org, email=email, category="customer", activity="customer_offers")
    return make_fulfilled_request(
        w.db, w.actor, w.keys, w.org, kinds=["objection"], email=email, language=lang,
        base_url=w.settings.base_url, details={"scope": "legitimate_interest", "activity": "customer_offers"},
    )  # fmt: skip


def _objection_upheld(w: World, lang: str) -> None:
    objections.decide(w.db, w.actor, w.keys, request_id=_objection(w, lang).id, outcome="upheld")


def _objection_rejected(w: World, lang: str) -> None:
    request = _objection(w, lang)
    objections.decide(w.db, w.actor, w.keys, request_id=request.id, outcome="rejected", grounds=GROUNDS)


def _disclosure(w: World, lang: str) -> None:
    """The police received the person's name on an order: the person is told (R-89)."""
    address = w.email()
    told = subjects.collect(
        w.db, w.actor, w.keys, organisation_id=w.org, subject_category="prospect",
        identities={subjects.IdentityKind.EMAIL: address}, values={"user.name": "Anaïs"},
        collection=subjects.CollectionCreate(activity="request_followup", channel=subjects.Channel.EMAIL),
        language=lang,
    ).subject  # fmt: skip
    row = disclosures.create(
        w.db, w.actor, organisation_id=w.org, requester_kind="police", requester="Police de Bruxelles",
        legal_basis="Art. 46bis Code d'instruction criminelle", reference="PV 2026/77",
        subject_ids=[told.id], categories=["user.name"], received_on=clock.today(),
    )  # fmt: skip
    disclosures.approve(w.db, w.actor, disclosure_id=row.id)
    disclosures.disclose(w.db, w.actor, w.keys, disclosure_id=row.id)


def _reminder(w: World, lang: str) -> None:
    """The privacy officer hears of one request due soon and one overdue (R-45)."""
    make_staff(w.db, w.keys, w.org, [staff.Role.PRIVACY_OFFICER])
    soon = w.waiting(["access", "erasure"], lang)
    with clock.pinned(clock.now() - timedelta(days=60)):
        w.waiting(["objection"], lang)
    dsr.cases.send_reminders(w.db, w.keys, organisation_id=w.org, today=dsr.rules.reminders(soon.due_on)[0])


def _breach_alert(w: World, lang: str) -> None:
    """The privacy officer hears that 24 of a breach's 72 hours have passed (R-95)."""
    make_staff(w.db, w.keys, w.org, [staff.Role.PRIVACY_OFFICER])
    aware = clock.now() - timedelta(hours=25)
    breaches.open_case(
        w.db, w.actor, organisation_id=w.org, facts=breaches.BreachCreate(title="Lost laptop", aware_at=aware)
    )
    breaches.alerts.send_alerts(w.db, w.actor, w.keys, now=clock.now(), base_url=w.settings.base_url)


def _opt_in(w: World, lang: str) -> None:
    consent.optin.subscribe(
        w.db, PUBLIC, w.keys, organisation_id=w.org, purpose="newsletter", email=w.email(), language=lang,
        base_url=w.settings.base_url,
    )  # fmt: skip


def _campaign(w: World, lang: str) -> None:
    address = w.email()
    reader = subjects.collect(
        w.db,
        w.actor,
        w.keys,
        organisation_id=w.org,
        subject_category="prospect",
        identities={subjects.IdentityKind.EMAIL: address},
        values={"user.contact.email": address},
        collection=subjects.CollectionCreate(activity="request_followup", channel=subjects.Channel.EMAIL),
        language=lang,  # their stored preference
    ).subject
    give_consent(w.db, w.org, reader.id, actor=w.actor)
    marketing.send_campaign(
        w.db, w.actor, w.keys, organisation_id=w.org, purpose="newsletter", campaign="spring",
        subject_line="Nouveautés de printemps", text="Bonjour. Se désinscrire : {unsubscribe_url}",
        base_url=w.settings.base_url,
    )  # fmt: skip


def _referral(w: World, lang: str) -> None:
    intake.submit(
        w.db, PUBLIC, w.keys, organisation_id=w.org, form_key="tell_a_friend", language=lang,
        fields={"friend_email": w.email(), "referrer_name": "Anaïs", "message": "Regarde, c'est l'été !"},
        marketing_consent=False, channel=subjects.Channel.WEB_FORM, base_url=w.settings.base_url,
    )  # fmt: skip


def _breach_letter(w: World, lang: str) -> None:
    """A high-risk breach reaching one person: the letter of Art. 34 in their language (R-97)."""
    address = w.email()
    subjects.collect(
        w.db, w.actor, w.keys, organisation_id=w.org, subject_category="prospect",
        identities={subjects.IdentityKind.EMAIL: address}, values={"user.contact.email": address},
        collection=subjects.CollectionCreate(activity="request_followup", channel=subjects.Channel.EMAIL),
        language=lang,
    )  # fmt: skip
    facts = breaches.BreachCreate(
        title="Export lost", aware_at=clock.now(), nature=[breaches.Nature.CONFIDENTIALITY]
    )
    breaches.open_case(w.db, w.actor, organisation_id=w.org, facts=facts)
    scope.compute(
        w.db, w.actor, w.keys, w.settings, organisation_id=w.org, reference="B-1",
        scope=scope.ScopeCreate(systems=["lawful"]),
    )  # fmt: skip
    breaches.assess(
        w.db, w.actor, organisation_id=w.org, reference="B-1", risk=breaches.Risk.HIGH, rationale="x"
    )
    decision = breaches.DecisionCreate(audience=breaches.Audience.PEOPLE, notify=True, reasons="a high risk")
    breaches.decide(w.db, w.actor, organisation_id=w.org, reference="B-1", decision=decision)
    words = {
        "what_happened": "Un fichier a été perdu.",
        "consequences": "Hameçonnage.",
        "measures": "Révoqué.",
    }
    texts = letters.LettersCreate.model_validate({"texts": {lang: words}})
    letters.send(w.db, w.actor, w.keys, organisation_id=w.org, reference="B-1", letters=texts)


def _retention_warning(w: World, lang: str) -> None:
    """An account closed 355 days ago, kept 12 months and warned 30 days ahead: the warning is due (R-77)."""
    address = w.email()
    person = subjects.collect(
        w.db, w.actor, w.keys, organisation_id=w.org, subject_category="customer",
        identities={subjects.IdentityKind.EMAIL: address}, values={"user.contact.email": address},
        collection=subjects.CollectionCreate(activity="accounts", channel=subjects.Channel.EMAIL,
                                             collected_at=clock.now() - timedelta(days=700)),
        language=lang,
    ).subject  # fmt: skip
    closed = clock.now() - timedelta(days=355)
    retention.record_event(
        w.db, w.actor, organisation_id=w.org, subject_id=person.id, kind="account_closure", at=closed.date(),
        channel="staff",
    )  # fmt: skip
    retention.warnings.send_due(w.db, w.actor, w.keys, organisation_id=w.org, now=clock.now())


def _client_notice(w: World, lang: str) -> None:
    """A client controller is told of a new sub-processor for its data (R-104)."""
    document = _register()
    document["recipients"].append(
        {
            "key": "print_house",
            "name": "Imprimerie Exemple",
            "label": label("Print house"),
            "type": "sub_processor",
            "countries": ["BE"],
            "dpa_ref": "SUB-1",
        }
    )
    dpa = {
        "reference": "DPA-1",
        "version": "1",
        "signed_on": "2026-01-05",
        "starts_on": "2026-01-05",
        "subject_matter": label("Contests"),
        "duration": label("Until terminated"),
        "nature": label("Storage"),
        "purposes": label("Draw winners"),
        "data_categories": ["user.contact.email"],
        "subject_categories": ["prospect"],
        "instructions": [label("Only the draw")],
        "locations": ["BE"],
        "end_of_contract": {"return_format": "csv", "deletion": label("Everything")},
    }
    document["clients"] = [
        {
            "key": "brand",
            "name": "Marque Exemple SA",
            "country": "BE",
            "contact_email": "dpo@brand.example.test",
            "privacy_policy_url": "https://brand.example.test/privacy",
            "dpa": dpa,
        }
    ]
    make_register(w.db, document)
    change = clients.subprocessors.SubProcessorChangeCreate(
        recipient="print_house", notice="Imprimerie Exemple imprime les lettres des gagnants, en Belgique."
    )
    clients.subprocessors.record_change(w.db, w.actor, w.keys, organisation_id=w.org, change=change)


def _client_instruction_flag(w: World, lang: str) -> None:
    """A client controller is told its instruction appears to infringe the law; processing stops (R-100)."""
    make_register(w.db, with_client(_register()))
    clients.instructions.flag(
        w.db, w.actor, w.keys, organisation_id=w.org, client="brand", instruction=1,
        reasons=["aucune durée de conservation"],
    )  # fmt: skip


def _forwarded_request(w: World, lang: str) -> dsr.Request:
    """A brand's participant asks the company: the request is forwarded to the brand (R-102)."""
    make_register(w.db, with_client(_register()))
    address = w.email()
    intake.submit(
        w.db, PUBLIC, w.keys, organisation_id=w.org, form_key="brand_contest", language=lang,
        fields={"name": "Anaïs", "email": address}, marketing_consent=False, channel=subjects.Channel.WEB_FORM,
    )  # fmt: skip
    return w.waiting(["erasure"], lang, email=address)


def _forwarding(w: World) -> forwarding.Forwarding:
    return w.db.scalars(select(forwarding.Forwarding)).one()


def _dsr_forwarded(w: World, lang: str) -> None:
    _forwarded_request(w, lang)
    # the brand's copy is written in the company's language: its own case checks it
    w.db.execute(delete(mail.OutboxMessage).where(mail.OutboxMessage.kind.like("client_%")))


def _client_forwarded(w: World, lang: str) -> None:
    _forwarded_request(w, lang)


def _client_reminder(w: World, lang: str) -> None:
    _forwarded_request(w, lang)
    row = _forwarding(w)
    forwarding.follow_ups(
        w.db, w.actor, w.keys, organisation_id=w.org, today=row.remind_on, base_url=w.settings.base_url
    )


def _client_escalation(w: World, lang: str) -> None:
    make_staff(w.db, w.keys, w.org, [staff.Role.PRIVACY_OFFICER])
    _forwarded_request(w, lang)
    row = _forwarding(w)
    forwarding.follow_ups(
        w.db, w.actor, w.keys, organisation_id=w.org, today=row.escalate_on, base_url=w.settings.base_url
    )


def _client_answer(w: World, lang: str, kinds: list[str]) -> None:
    request = _forwarded_request(w, lang)
    request.kinds = kinds
    row = _forwarding(w)
    row.kinds = kinds
    forwarding.instruct(
        w.db, w.actor, w.keys, organisation_id=w.org, client=row.client, request_id=row.request_id,
        instruction=forwarding.Instruction.CARRY_OUT, note=None, base_url=w.settings.base_url,
    )  # fmt: skip
    while dsr.steps.run_next(w.db, w.actor, w.keys, request_id=request.id, base_url=w.settings.base_url):
        pass


def _client_answer_access(w: World, lang: str) -> None:
    _client_answer(w, lang, ["access"])


def _client_answer_erasure(w: World, lang: str) -> None:
    _client_answer(w, lang, ["erasure"])


def _notice_change(w: World, lang: str) -> None:
    """A material change of the privacy notice, told to a person whose data it concerns (R-117)."""
    address = w.email()
    subjects.collect(
        w.db, w.actor, w.keys, organisation_id=w.org, subject_category="prospect",
        identities={subjects.IdentityKind.EMAIL: address}, values={"user.contact.email": address},
        collection=subjects.CollectionCreate(activity="request_followup", channel=subjects.Channel.EMAIL),
        language=lang,
    )  # fmt: skip
    document = _register()
    activity = next(a for a in document["activities"] if a["key"] == "request_followup")
    activity["purpose"] = {k: f"{v} (v2)" for k, v in activity["purpose"].items()}
    notices.publish(w.db, w.actor, organisation_id=w.org, kind=notices.NoticeKind.PRIVACY)
    make_register(w.db, document)
    version = notices.publish(
        w.db, w.actor, organisation_id=w.org, kind=notices.NoticeKind.PRIVACY, changelog="v2"
    )
    change = notices.changes.find(w.db, organisation_id=w.org, kind="privacy", number=version.number)
    notices.changes.notify(
        w.db, w.actor, w.keys, organisation_id=w.org, change_id=change.id, base_url=w.settings.base_url
    )


def _art14_notice(w: World, lang: str) -> None:
    """Data bought from a list supplier: the Art. 14 notice in the person's language (R-09)."""
    address = w.email()
    subjects.collect(
        w.db, w.actor, w.keys, organisation_id=w.org, subject_category="prospect",
        identities={subjects.IdentityKind.EMAIL: address}, values={"user.contact.email": address},
        collection=subjects.CollectionCreate(activity="request_followup", channel=subjects.Channel.IMPORT,
                                             source=subjects.Source.AGGREGATOR),
        language=lang,
    )  # fmt: skip
    compliance.art14.send_due(
        w.db, w.actor, w.keys, organisation_id=w.org, now=clock.now(), base_url=w.settings.base_url
    )


def _breach_client_notice(w: World, lang: str) -> None:
    """A breach reaching a client's participant: the client is told, in the company's language (R-103)."""
    address = w.email()
    subjects.collect(
        w.db, w.actor, w.keys, organisation_id=w.org, subject_category="prospect",
        identities={subjects.IdentityKind.EMAIL: address}, values={"user.contact.email": address},
        collection=subjects.CollectionCreate(activity="request_followup", channel=subjects.Channel.EMAIL),
        language=lang, client="brand",
    )  # fmt: skip
    facts = breaches.BreachCreate(
        title="Export lost", aware_at=clock.now(), nature=[breaches.Nature.CONFIDENTIALITY]
    )
    breaches.open_case(w.db, w.actor, organisation_id=w.org, facts=facts)
    scope.compute(
        w.db, w.actor, w.keys, w.settings, organisation_id=w.org, reference="B-1",
        scope=scope.ScopeCreate(systems=["lawful"]),
    )  # fmt: skip
    breach_clients.notify(w.db, w.actor, w.keys, organisation_id=w.org, reference="B-1")


SENDERS: dict[str, Callable[[World, str], None]] = {
    "dsr_code": _code,
    "dsr_acknowledgement": _acknowledgement,
    "dsr_answer": _answer,
    "dsr_extension": _extension,
    "dsr_refusal": _refusal,
    "dsr_unidentified": _unidentified,
    "dsr_fee": _fee,
    "dsr_fee_declined": _fee_declined,
    "dsr_objection_upheld": _objection_upheld,
    "dsr_objection_rejected": _objection_rejected,
    "dsr_disclosure": _disclosure,
    "dsr_reminder": _reminder,
    "breach_alert": _breach_alert,
    "opt_in": _opt_in,
    "campaign": _campaign,
    "referral": _referral,
    "breach_letter": _breach_letter,
    "retention_warning": _retention_warning,
    "client_notice": _client_notice,
    "client_instruction_flag": _client_instruction_flag,
    "dsr_forwarded": _dsr_forwarded,
    "client_forwarded": _client_forwarded,
    "client_reminder": _client_reminder,
    "client_escalation": _client_escalation,
    "client_answer_access": _client_answer_access,
    "client_answer_erasure": _client_answer_erasure,
    "notice_change": _notice_change,
    "art14_notice": _art14_notice,
    "breach_client_notice": _breach_client_notice,
}
CASES = [
    pytest.param(kind, lang, id=f"{kind}-{lang}")
    for kind in SENDERS
    # staff and client controllers: the company's language
    for lang in (LANGS if mail.KINDS[kind].reader not in ("staff", "controller") else ("fr",))
]


def test_every_kind_of_mail_lawful_declares_is_sent_by_these_tests() -> None:
    assert set(SENDERS) == set(mail.KINDS)


def test_a_kind_nobody_declared_is_refused_before_it_is_queued(world: World) -> None:
    with pytest.raises(mail.UnknownKind):
        mail.queue(
            world.db, world.keys, mail.Mail(to="a@example.test", subject="s", text="t"),
            kind="newsletter_v2", category="service", organisation_id=world.org,
        )  # fmt: skip


def _delivered(w: World, smtp: Mailbox) -> dict[str, list[EmailMessage]]:
    """Deliver what is due; what the server received, by the kind of the outbox row that sent it."""
    sent = mail.deliver(w.db, w.keys, w.settings, limit=1000).sent
    received = smtp.wait_for(sent)
    assert len(received) == sent > 0
    rows = w.db.execute(select(mail.OutboxMessage.message_id, mail.OutboxMessage.kind)).all()
    kinds = {message_id: kind for message_id, kind in rows}
    found: dict[str, list[EmailMessage]] = {}
    for message in received:
        found.setdefault(kinds[str(message["Message-ID"])].partition(":")[0], []).append(message)
    return found


@pytest.mark.parametrize(("kind", "lang"), CASES)
def test_each_mail_is_a_letter_from_the_company_in_the_readers_language(
    world: World, smtp: Mailbox, kind: str, lang: str
) -> None:
    SENDERS[kind](world, lang)

    letters = _delivered(world, smtp)

    assert kind in letters and set(letters) <= set(SENDERS)
    for sent_kind, messages in letters.items():
        for message in messages:
            _assert_letter(message, mail.KINDS[sent_kind], lang, world.settings)


def _assert_letter(message: EmailMessage, kind: mail.Kind, lang: str, settings: Settings) -> None:
    date = parsedate_to_datetime(str(message["Date"]))
    assert date.tzinfo is not None and abs(datetime.now(UTC) - date) < timedelta(minutes=5)
    message_id = str(message["Message-ID"])
    assert re.fullmatch(r"<[^<>@\s]+@localhost>", message_id) and message_id not in _seen_ids
    _seen_ids.add(message_id)
    [sender] = message["From"].addresses
    assert (sender.display_name, sender.addr_spec) == (COMPANY, settings.mail_from)
    assert message["Reply-To"] == PRIVACY and message["Content-Language"] == lang
    assert (message["Auto-Submitted"] == "auto-generated") is kind.automatic
    body = message.get_body(preferencelist=("plain",))
    assert body is not None and body.get_content_charset() == "utf-8"
    assert body["Content-Transfer-Encoding"] in ("quoted-printable", "base64")  # 7-bit safe on any relay
    text, subject = body.get_content(), str(message["Subject"])
    assert COMPANY in text and f"{settings.base_url}/privacy?lang={lang}" in text
    _assert_public_wording(subject + "\n" + text)


def _assert_public_wording(text: str) -> None:
    """No basis-qualified internal names, catalogue keys, register keys, placeholders or Python reprs."""
    assert not INTERNAL.search(text)
    assert not [key for key in i18n.catalogue() if key in text]
    words = re.sub(r"https?://\S+|\S+@\S+", "", text)  # links and addresses carry tokens, not wording
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", words), words
    assert not re.search(r"\{[a-z_]*\}", words), words
    for junk in ("None", "<built-in", "{'", "&#39;", "&amp;", "datetime."):
        assert junk not in text


@pytest.mark.parametrize("lang", LANGS)
def test_an_answer_written_by_staff_closes_a_case_as_a_letter(world: World, smtp: Mailbox, lang: str) -> None:
    request = world.request(["question"], lang, message="Gardez-vous mes données ?")
    dsr.cases.close_case(
        world.db, world.actor, world.keys, request_id=request.id, answer="Voilà : c'est réglé."
    )

    letters = _delivered(world, smtp)

    for messages in letters.values():
        for message in messages:
            _assert_letter(message, mail.KINDS["dsr_answer"], lang, world.settings)
    assert "Voilà : c'est réglé." in letters["dsr_answer"][-1].get_body(("plain",)).get_content()  # type: ignore[union-attr]


@pytest.mark.parametrize("lang", LANGS)
def test_a_letter_names_the_activity_by_its_public_name(world: World, smtp: Mailbox, lang: str) -> None:
    _objection_upheld(world, lang)

    [letter] = _delivered(world, smtp)["dsr_objection_upheld"]

    public = {"en": "Offers to customers", "fr": "Offres aux clients", "nl": "Aanbiedingen aan klanten"}[lang]
    assert re.search(rf'["«„]\s?{public}\s?[»"”]', letter.get_body(("plain",)).get_content())  # type: ignore[union-attr]


class _Busy:
    """An SMTP server that keeps what it is sent but answers the first DATA with a temporary failure."""

    def __init__(self) -> None:
        self.received: list[EmailMessage] = []

    async def handle_DATA(self, server: object, session: object, envelope: Envelope) -> str:  # noqa: N802 (aiosmtpd API)
        content = envelope.content if isinstance(envelope.content, bytes) else str(envelope.content).encode()
        self.received.append(message_from_bytes(content, policy=default_policy))
        return "451 4.3.0 try again later" if len(self.received) == 1 else "250 OK"


@pytest.fixture
def busy(settings: Settings) -> Iterator[_Busy]:
    handler = _Busy()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    previous = (settings.smtp_host, settings.smtp_port)
    settings.smtp_host, settings.smtp_port = "127.0.0.1", controller.port
    yield handler
    settings.smtp_host, settings.smtp_port = previous
    controller.stop()


def test_a_retried_delivery_is_the_same_message_with_the_date_it_was_sent(world: World, busy: _Busy) -> None:
    _opt_in(world, "fr")
    [row] = world.db.scalars(select(mail.OutboxMessage)).all()

    first = mail.deliver(world.db, world.keys, world.settings)
    retry_at = row.send_after + timedelta(seconds=1)
    with clock.pinned(retry_at):
        second = mail.deliver(world.db, world.keys, world.settings)

    assert (first.retrying, second.sent, row.status, row.attempts) == (1, 1, "sent", 2)
    refused, accepted = busy.received
    assert refused["Message-ID"] == accepted["Message-ID"] == row.message_id
    assert parsedate_to_datetime(str(accepted["Date"])) == retry_at.replace(microsecond=0)
    assert parsedate_to_datetime(str(refused["Date"])) < parsedate_to_datetime(str(accepted["Date"]))


def test_the_sender_address_is_encoded_with_the_company_name_intact(world: World, smtp: Mailbox) -> None:
    _opt_in(world, "nl")

    [letter] = _delivered(world, smtp)["opt_in"]

    raw = letter.as_bytes()
    assert COMPANY.encode() not in raw and b"=?utf-8?" in raw.lower()  # RFC 2047 on the wire
    assert letter["From"].addresses[0] == Address(COMPANY, addr_spec=world.settings.mail_from)


def test_an_html_alternative_carries_the_footer_too(world: World, smtp: Mailbox) -> None:
    mail.queue(
        world.db, world.keys, mail.Mail(to="o@example.test", subject="s", text="Bonjour", html="<p>Bonjour</p>"),
        kind="dsr_reminder", category="service", organisation_id=world.org,
    )  # fmt: skip

    [letter] = _delivered(world, smtp)["dsr_reminder"]

    html = letter.get_body(("html",))
    assert html is not None and html["Content-Transfer-Encoding"] == "quoted-printable"
    assert (
        COMPANY in html.get_content() and f"{world.settings.base_url}/privacy?lang=fr" in html.get_content()
    )
