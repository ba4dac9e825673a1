"""What the answer tests share: the people register with real French and Dutch labels (so that a label
in the answer is a word a person reads, not "Name (fr)"), a person with data in several activities, and
the public /rights flow through the `client` fixture."""

import re
import uuid
from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lawful import clock, consent, dsr, keystore, mail, subjects
from lawful.actor import SYSTEM, Actor
from lawful.config import Settings
from tests.conftest import Mailbox
from tests.factories import make_person, run_steps
from tests.registers import people

WORDS: dict[str, tuple[str, str]] = {  # English label: (French, Dutch)
    "Customers": ("Clients", "Klanten"),
    "Prospects": ("Prospects", "Prospecten"),
    "Friends referred to us": ("Amis qui nous ont été recommandés", "Aanbevolen vrienden"),
    "Name": ("Nom", "Naam"),
    "Email address": ("Adresse e-mail", "E-mailadres"),
    "Email": ("E-mail", "E-mail"),
    "Phone": ("Téléphone", "Telefoon"),
    "Message": ("Message", "Bericht"),
    "Date of birth": ("Date de naissance", "Geboortedatum"),
    "Country": ("Pays", "Land"),
    "Hosting": ("Hébergement", "Hosting"),
    "Email marketing platform": ("Plateforme d'envoi d'e-mails", "Platform voor e-mailmarketing"),
    "5 years after the contract ends": (
        "5 ans après la fin du contrat",
        "5 jaar na het einde van de overeenkomst",
    ),
    "3 years after your last message": ("3 ans après votre dernier message", "3 jaar na uw laatste bericht"),
    "10 years from 1 January after the invoice date": (
        "10 ans à compter du 1er janvier suivant la date de la facture",
        "10 jaar vanaf 1 januari na de factuurdatum",
    ),
    "Encryption": ("Chiffrement", "Versleuteling"),
    "Customer service": ("Service clients", "Klantendienst"),
    "Answering customers": ("Répondre aux clients", "Klanten antwoorden"),
    "We cannot serve you": ("Nous ne pouvons pas vous servir", "Wij kunnen u niet helpen"),
    "Answering requests": ("Réponse à vos demandes", "Beantwoording van uw vragen"),
    "Answering you.": ("Vous répondre.", "U antwoorden."),
    "Newsletter": ("Lettre d'information", "Nieuwsbrief"),
    "Sending our news.": ("Vous envoyer nos nouvelles.", "U ons nieuws sturen."),
    "Contests": ("Concours", "Wedstrijden"),
    "Running our contests.": ("Organiser nos concours.", "Onze wedstrijden organiseren."),
    "Tell a friend": ("Recommander à un ami", "Een vriend uitnodigen"),
    "Sending one invitation.": ("Envoyer une seule invitation.", "Eén uitnodiging sturen."),
    "Offers to customers": ("Offres aux clients", "Aanbiedingen aan klanten"),
    "Similar products.": ("Des produits similaires.", "Gelijkaardige producten."),
    "Invoicing": ("Facturation", "Facturatie"),
    "Invoicing and accounting.": ("Facturation et comptabilité.", "Facturatie en boekhouding."),
    "We cannot invoice": ("Nous ne pouvons pas facturer", "Wij kunnen niet factureren"),
    "Improving our service": ("Améliorer notre service", "Onze dienst verbeteren"),
    "Contact us": ("Contactez-nous", "Contacteer ons"),
    "Win a prize": ("Gagnez un prix", "Win een prijs"),
    "Your friend's email": ("L'e-mail de votre ami", "Het e-mailadres van uw vriend"),
    "Your name": ("Votre nom", "Uw naam"),
    "Remembers your cookie choice": ("Retient votre choix de cookies", "Onthoudt uw cookiekeuze"),
}
STATEMENT = '=HYPERLINK("x") Mon nom s\'écrit avec un t.'  # a formula, as a spreadsheet would run it
MESSAGE = "Bonjour, mon collègue jan.peeters@other.test (0475 98 76 54) a la même question. Mon numéro : 0470 12 34 56."


def translated() -> dict[str, Any]:
    """The people register, its labels in real French and Dutch."""
    document: dict[str, Any] = _translated(people())
    return document


def register(hubspot: str) -> dict[str, Any]:
    """The translated people register, HubSpot answering at `hubspot`."""
    document = translated()
    next(r for r in document["recipients"] if r["key"] == "hubspot")["endpoint"] = hubspot
    return document


def _translated(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"en", "fr", "nl"} and value["en"] in WORDS:
            fr, nl = WORDS[value["en"]]
            return {"en": value["en"], "fr": fr, "nl": nl}
        return {k: _translated(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_translated(v) for v in value]
    return value


def person(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, email: str, lang: str
) -> uuid.UUID:
    """Someone invoiced on 15 March 2024 who later wrote through the contact form and gets the newsletter."""
    with clock.pinned(datetime(2024, 3, 15, 10, tzinfo=UTC)):
        make_person(
            db,
            keys,
            org,
            email=email,
            category="customer",
            activity="invoicing",
            values={"user.name": "Élodie Martin"},
        )
    sent = client.post(
        "/forms/contact",
        data={
            "name": "Élodie Martin",
            "email": email,
            "phone": "0470 12 34 56",
            "message": MESSAGE,
            "lang": lang,
        },
        follow_redirects=False,
    )
    assert sent.status_code == 303, sent.text
    found = subjects.find_by_identity(
        db, keys, organisation_id=org, kind=subjects.IdentityKind.EMAIL, value=email
    )
    assert found is not None
    subject_id = found.id
    make_person(db, keys, org, email=email, category="customer", activity="newsletter")
    proof = consent.Proof(
        text="Oui", text_version="1", language=lang, channel="web_form", element="newsletter"
    )
    consent.record(
        db,
        SYSTEM,
        organisation_id=org,
        subject_id=subject_id,
        purpose="newsletter",
        kind=consent.EventKind.GIVEN,
        proof=proof,
    )
    return subject_id


def ask(
    client: TestClient,
    db: Session,
    keys: keystore.Keys,
    settings: Settings,
    smtp: Mailbox,
    *,
    email: str,
    lang: str,
    kinds: list[str],
) -> str:
    """The public flow: the form, the emailed code, the worker's steps; the answer's download token."""
    asked = client.post(
        "/rights", data={"email": email, "lang": lang, "kinds": kinds}, follow_redirects=False
    )
    assert asked.status_code == 303, asked.text
    status_url = asked.headers["location"]
    before = len(smtp.messages)
    mail.deliver_due(db, keys, settings)
    code = re.search(r"\b(\d{6})\b", smtp.wait_for(before + 1)[-1].get_content())
    assert code is not None
    confirmed = client.post(
        status_url.split("?")[0] + "/code", data={"code": code.group(1)}, follow_redirects=False
    )
    assert confirmed.status_code == 303
    request = dsr.get(db, request_id=dsr.request_from_token(keys, status_url.split("/")[2].split("?")[0]))
    run_steps(db, SYSTEM, keys, request, base_url="https://acme.example.test")
    return dsr.steps.download_token(keys, request.id)


def download(client: TestClient, token: str, name: str) -> bytes:
    """A part through the link the answer email carries, as the person's browser fetches it."""
    listing = client.get(f"/rights/{token}/answer")
    assert listing.status_code == 200 and f"/answer/{name}" in listing.text, listing.text
    found = client.get(f"/rights/{token}/answer/{name}")
    assert found.status_code == 200
    return found.content


def rectify(
    db: Session, actor: Actor, keys: keystore.Keys, org: uuid.UUID, email: str, lang: str
) -> dsr.Request:
    """An earlier request: a supplementary statement (R-54), which HubSpot hears of (Art. 19)."""
    request = dsr.open_request(
        db,
        actor,
        keys,
        organisation_id=org,
        kinds=["rectification"],
        email=email,
        language=lang,
        channel="email",
        base_url="https://acme.example.test",
        details={"statement": STATEMENT},
        identity_verified=True,
    )
    run_steps(db, actor, keys, request, base_url="https://acme.example.test")
    return request
