"""`lawful breaches letters send|status|print` on a fresh database, delivered to a real SMTP server."""

import json
from datetime import timedelta
from pathlib import Path

import yaml
from sqlalchemy.orm import Session

from lawful import clock, keystore, processing
from lawful import db as lawful_db
from lawful.config import get_settings
from tests.breaches.affected import make_people
from tests.conftest import Lawful, Mailbox
from tests.factories import pdf_text
from tests.registers import as_yaml, people

WORDS = {"what_happened": "Laptop stolen.", "consequences": "Phishing.", "measures": "Wiped remotely."}


def _decided(lawful: Lawful, tmp_path: Path, **made: object) -> None:
    lawful.apply_register(tmp_path, as_yaml(people()))
    aware = clock.now() - timedelta(hours=2)
    settings = get_settings()
    engine = lawful_db.make_engine(settings.resolved_database_url())
    with Session(engine) as session:
        org = processing.get_organisation(session, slug="acme").id
        make_people(session, keystore.open_keys(settings), org, 3, at=aware - timedelta(days=1), **made)  # type: ignore[arg-type]
        session.commit()
    engine.dispose()
    for args in (
        ("open", "--title", "Laptop stolen", "--aware-at", aware.isoformat(), "--nature", "confidentiality"),
        ("scope", "B-1", "--system", "lawful"),
        ("assess", "B-1", "--risk", "high", "--rationale", "names and addresses"),
        ("decide", "B-1", "--audience", "people", "--notify", "--reasons", "high risk"),
    ):
        result = lawful("breaches", *args)
        assert result.exit_code == 0, result.output


def test_letters_are_sent_and_delivered_in_each_language(
    lawful: Lawful, tmp_path: Path, smtp: Mailbox
) -> None:
    _decided(lawful, tmp_path)
    words = tmp_path / "words.yaml"
    words.write_text(yaml.safe_dump({"fr": WORDS, "nl": WORDS, "en": WORDS}), encoding="utf-8")
    settings = get_settings()
    settings.smtp_host, settings.smtp_port = smtp.host, smtp.port

    sent = lawful("breaches", "letters", "send", "B-1", "--texts", str(words), "--json")
    delivered = lawful("mail", "deliver")
    status = lawful("breaches", "letters", "status", "B-1", "--json")

    assert sent.exit_code == 0, sent.output
    assert json.loads(sent.output)["queued"] == 3 and "3 message(s) sent" in delivered.output
    assert {str(m["Content-Language"]) for m in smtp.wait_for(3)} == {"fr", "nl", "en"}
    assert json.loads(status.output)["email"] == {"sent": 3}


def test_a_file_missing_a_language_is_refused_with_exit_1(lawful: Lawful, tmp_path: Path) -> None:
    _decided(lawful, tmp_path)
    words = tmp_path / "words.yaml"
    words.write_text(yaml.safe_dump({"fr": WORDS}), encoding="utf-8")

    result = lawful("breaches", "letters", "send", "B-1", "--texts", str(words))

    assert result.exit_code == 1 and "texts.nl" in result.output


def test_the_letters_to_post_are_printed_to_a_pdf(lawful: Lawful, tmp_path: Path) -> None:
    _decided(lawful, tmp_path, email=False, phone=True)
    words = tmp_path / "words.yaml"
    words.write_text(yaml.safe_dump({"fr": WORDS, "nl": WORDS, "en": WORDS}), encoding="utf-8")
    lawful("breaches", "letters", "send", "B-1", "--texts", str(words))
    target = tmp_path / "letters.pdf"

    result = lawful("breaches", "letters", "print", "B-1", "--output", str(target))

    assert result.exit_code == 0, result.output
    assert pdf_text(target.read_bytes()).count("Laptop stolen.") == 3
