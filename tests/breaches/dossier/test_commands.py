"""`lawful breaches notify-authority` as R-96 writes it: --json with the Art. 33(3) items, refused with
exit 1 while consequences are empty and not declared to follow; printable files written."""

import json
from datetime import timedelta
from pathlib import Path

from lawful import clock
from tests.conftest import Lawful
from tests.factories import pdf_text
from tests.registers import as_yaml, people


def _case(lawful: Lawful, tmp_path: Path, *extra: str) -> None:
    lawful.apply_register(tmp_path, as_yaml(people()))
    aware = (clock.now() - timedelta(hours=5)).isoformat()
    opened = lawful(
        "breaches", "open", "--title", "Laptop stolen", "--aware-at", aware, "--nature", "confidentiality",
        "--data-categories", "user.name:120,user.contact.email:120", "--approx-subjects", "120",
        "--approx-records", "240", "--measures-taken", "Laptop wiped remotely.", *extra,
    )  # fmt: skip
    assert opened.exit_code == 0, opened.output


def test_notify_authority_outputs_the_items_art_33_3_requires(lawful: Lawful, tmp_path: Path) -> None:
    _case(lawful, tmp_path, "--consequences", "Phishing aimed at these customers.")

    result = lawful("breaches", "notify-authority", "B-1", "--json")

    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert {
        "nature",
        "categories",
        "approx_subjects",
        "approx_records",
        "contact",
        "consequences",
        "measures",
    } <= set(shown)
    assert (shown["approx_subjects"], shown["approx_records"]) == (120, 240)
    assert shown["consequences"]["text"] == "Phishing aimed at these customers."
    assert shown["contact"]["email"] == "privacy@acme.example.test"


def test_empty_consequences_without_to_follow_are_an_error(lawful: Lawful, tmp_path: Path) -> None:
    _case(lawful, tmp_path)

    refused = lawful("breaches", "notify-authority", "B-1", "--json")
    declared = lawful("breaches", "notify-authority", "B-1", "--json", "--to-follow", "consequences")

    assert refused.exit_code == 1 and "consequences" in refused.output
    assert declared.exit_code == 0 and json.loads(declared.output)["consequences"] == {"to_follow": True}


def test_the_dutch_notification_is_written_as_a_pdf(lawful: Lawful, tmp_path: Path) -> None:
    _case(lawful, tmp_path, "--consequences", "Phishing.")
    target = tmp_path / "b-1-nl.pdf"

    result = lawful("breaches", "notify-authority", "B-1", "--lang", "nl", "--pdf", str(target))

    assert result.exit_code == 0, result.output
    assert "Gegevensbeschermingsautoriteit" in pdf_text(target.read_bytes())


def test_an_unknown_language_is_refused_naming_the_option(lawful: Lawful, tmp_path: Path) -> None:
    _case(lawful, tmp_path)

    result = lawful("breaches", "notify-authority", "B-1", "--lang", "de")

    assert result.exit_code == 1 and "--lang" in result.output
