"""The issue's live scenario, from outside (issue 18): the marketing export of 3 March, 2,000 people, is
reported lost. The scope finds exactly those 2,000 and not the others in the database; the French dossier
gives their approximate numbers and categories; the high-risk decision sends 2,000 letters in French,
Dutch and English to a real SMTP server, none to the subscriber erased before the export; the register
keeps the case; after closure plus the period the list of the people cannot be opened any more."""

import uuid
from datetime import datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from lawful import clock, keystore, mail
from lawful.actor import SYSTEM
from lawful.breaches import Breach, scope
from lawful.config import Settings
from tests.breaches.affected import ACTOR, export_to_hubspot, make_people
from tests.conftest import Mailbox, Receiver
from tests.factories import bearer, make_api_key, make_fulfilled_request

EXPORTED = 2000
EXPORT_AT = datetime.fromisoformat("2026-03-03T10:00:00+01:00")
AWARE = "2026-03-04T09:00:00+01:00"
NOW = {"X-Lawful-Now": "2026-03-04T12:00:00+01:00"}
CLOSED = {"X-Lawful-Now": "2026-03-06T10:00:00+01:00"}
WORDS = {
    "fr": {"what_happened": "Le fichier de notre envoi du 3 mars a été perdu.", "consequences": "Hameçonnage.", "measures": "Lien révoqué."},
    "nl": {"what_happened": "Het bestand van onze verzending van 3 maart is verloren.", "consequences": "Phishing.", "measures": "Link ingetrokken."},
    "en": {"what_happened": "The file of our mailing of 3 March was lost.", "consequences": "Phishing.", "measures": "Link revoked."},
}  # fmt: skip


def _post(
    client: TestClient, token: str, path: str, body: dict[str, object], when: dict[str, str] = NOW
) -> dict[str, object]:
    response = client.post(path, json=body, headers=bearer(token) | when)
    assert response.status_code in (200, 201), response.text
    answer: dict[str, object] = response.json()
    return answer


def test_a_lost_export_of_2000_people_from_scope_to_letters_to_an_unreadable_list(
    client: TestClient,
    db: Session,
    engine: Engine,
    keys: keystore.Keys,
    settings: Settings,
    org: uuid.UUID,
    smtp: Mailbox,
    receiver: Receiver,
) -> None:
    before = EXPORT_AT - timedelta(days=30)
    exported = make_people(db, keys, org, EXPORTED, prefix="sub", consented=True, at=before)
    make_people(db, keys, org, 500, prefix="other", at=before)  # in the database, not in the export
    [erased] = make_people(db, keys, org, 1, prefix="gone", consented=True, at=before)
    with clock.pinned(EXPORT_AT - timedelta(days=2)):
        make_fulfilled_request(db, ACTOR, keys, org, kinds=["erasure"], email="gone-00000@example.test")
    with clock.pinned(EXPORT_AT):
        upload = export_to_hubspot(db, keys, org)
    token = make_api_key(db, org, ["breaches:read", "breaches:write"])
    assert len(receiver.received[-1]["contacts"]) == EXPORTED and erased not in exported

    _post(
        client,
        token,
        "/api/breaches",
        {"title": "Export of 3 March lost", "aware_at": AWARE, "nature": ["confidentiality"]},
    )
    scoped = _post(client, token, "/api/breaches/B-1/scope", {"exports": [str(upload.id)]})
    breach = db.scalars(select(Breach)).one()
    assert scoped["people"] == EXPORTED
    assert {e["subject"] for e in scope.affected(keys, breach)} == {str(s) for s in exported}

    french = client.get("/api/breaches/B-1/dossier", params={"lang": "fr"}, headers=bearer(token)).json()
    assert (french["approx_subjects"], french["approx_records"]) == (EXPORTED, 2 * EXPORTED)
    assert [(c["label"], c["approx"]) for c in french["categories"]["data"]] == [
        ("Email address (fr)", EXPORTED), ("Name (fr)", EXPORTED),
    ]  # fmt: skip

    _post(
        client,
        token,
        "/api/breaches/B-1/assessment",
        {"risk": "high", "rationale": "names and addresses: phishing"},
    )
    _post(
        client,
        token,
        "/api/breaches/B-1/decisions",
        {"audience": "people", "notify": True, "reasons": "high risk"},
    )
    sent = _post(client, token, "/api/breaches/B-1/letters", {"texts": WORDS})
    assert (sent["queued"], sent["skipped"]) == (EXPORTED, {})
    with Session(engine) as session:
        delivered = mail.deliver(session, keys, settings, limit=5000).sent
        session.commit()
    received = [m for m in smtp.wait_for(delivered, seconds=60) if "incident" in str(m["Subject"])]
    assert delivered == EXPORTED + 1 and len(received) == EXPORTED  # and the erasure's own confirmation
    assert {str(m["Content-Language"]) for m in received} == {"fr", "nl", "en"}
    assert "gone-00000@example.test" not in {str(m["To"]) for m in received}
    french_letter = next(m for m in received if str(m["Content-Language"]) == "fr").get_body(("plain",))
    assert french_letter is not None and "Le fichier de notre envoi du 3 mars" in french_letter.get_content()

    _post(
        client,
        token,
        "/api/breaches/B-1/decisions",
        {"audience": "authority", "notify": True, "reasons": "risk"},
        NOW,
    )
    _post(client, token, "/api/breaches/B-1/close", {}, CLOSED)
    closed_at = datetime.fromisoformat(CLOSED["X-Lawful-Now"])
    keep = timedelta(days=settings.breach_affected_keep_days)
    with Session(engine) as session:
        assert (
            scope.forget_due(session, SYSTEM, keys, now=closed_at + keep - timedelta(seconds=1), keep=keep)
            == []
        )
        assert [
            b.reference for b in scope.forget_due(session, SYSTEM, keys, now=closed_at + keep, keep=keep)
        ] == ["B-1"]
        session.commit()

    db.expire_all()
    breach = db.scalars(select(Breach)).one()
    assert breach.affected is None and keys.store.get(str(breach.affected_key_id)) is None
    register = client.get("/api/breaches", headers=bearer(token)).json()
    assert [(c["reference"], c["status"], c["approx_subjects"]) for c in register] == [
        ("B-1", "closed", EXPORTED)
    ]
    assert client.get("/api/breaches/B-1/scope", headers=bearer(token)).json()["sealed"] is False
