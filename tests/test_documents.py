"""Every document lawful publishes from a register, for every example and language, reads as text (issue 15).

A Python value (`<built-in method copy of dict object at 0x…>`, `None`, a dict), a catalogue key shown
raw or a heading with nothing under it is a defect the person reading it cannot see past.
"""

import html
import re
from datetime import UTC, date, datetime
from typing import Any

import pytest

from lawful import i18n, notices, processing, render
from lawful.dsr.redaction import Own
from lawful.dsr.rights import letter
from lawful.dsr.rights import report as access
from lawful.dsr.rights.words import Words
from lawful.notices import NoticeKind
from lawful.processing.export import ExportFormat, export
from tests.registers import EXAMPLES, example

REPRS = ("<built-in", " at 0x", "None", "{'", "<bound method")
EMPTY_HEADING = re.compile(r"<h([1-6])[^>]*>\s*</h\1>")


def _defects(text: str) -> list[str]:
    keys = [k for k in i18n.catalogue() if "." in k and re.search(rf"[\s>]{re.escape(k)}[\s<]", text)]
    reprs = [r for r in REPRS if r in text]
    return reprs + [f"key {k}" for k in keys] + EMPTY_HEADING.findall(text)


def _register(name: str) -> processing.Register:
    register, _ = processing.check(example(name))
    assert register is not None
    return register


@pytest.mark.parametrize("name", sorted(p.stem for p in EXAMPLES.glob("*.yaml")))
@pytest.mark.parametrize("lang", ["en", "fr", "nl"])
def test_every_published_document_of_every_example_reads_as_text(name: str, lang: str) -> None:
    register = _register(name)
    documents = {f"notice {kind}": notices.preview(register, kind, lang) for kind in NoticeKind}
    documents["art. 30 record"] = export(register, ExportFormat.HTML, lang=lang, version=1).decode()

    found = {title: defects for title, text in documents.items() if (defects := _defects(text))}

    assert found == {}
    transfers = [r for r in register.recipients if r.transfer is not None and r.transfer.obtain_copy]
    for recipient in transfers:
        assert recipient.transfer is not None and recipient.transfer.obtain_copy is not None
        copy = recipient.transfer.obtain_copy.get(lang) or recipient.transfer.obtain_copy.en or ""
        assert copy in html.unescape(documents["notice privacy"])  # Art. 13(1)(f): where to obtain a copy


INTERNAL = ("key_destroyed", "to be told by hand", "queued_mail", "copies_destroyed", "no endpoint")
AT = datetime(2024, 3, 15, 9, 30, tzinfo=UTC)


def _person(register: processing.Register) -> access.Facts:
    """Someone with data in up to three activities, a consent, a cookie choice, an audience upload, an
    earlier request, a supplementary statement and an exclusion-list entry."""
    activities = [a for a in register.activities if a.role == "controller"][:3]
    held = [
        access.Held(
            c, "Call 0470 12 34 56 or ask colleague@example.test", 1, a.key, AT, "web_form", "subject"
        )
        for a in activities
        for c in a.data_categories[:3]
    ]
    held.append(
        access.Held(
            "lawful.supplementary_statement", "My name has a t.", 1, activities[0].key, AT, "api", "subject"
        )
    )
    first = activities[0]
    sent = [
        access.Sent(r, "audience", AT, first.key, tuple(first.data_categories[:2]))
        for r in first.recipients[:1]
    ]
    return access.Facts(
        reference="R-2026-000042",
        received_at=AT,
        today=datetime(2026, 12, 7, tzinfo=UTC),
        known=True,
        held=held,
        collected=[a.key for a in activities],
        consents=[
            access.Choice(first.key, "given", AT, "web_form", "fr"),
            access.Choice("cookies:analytics", "refused", AT, "banner", "fr"),
        ],
        sent=sent,
        requests=[access.Earlier("R-2025-000007", ("access", "rectification"), AT, "completed")],
        excluded_since=AT,
        datastores=[
            {
                "datastore": "shop",
                "name": "Shop database",
                "rows": [
                    {
                        "table": "customer",
                        "key": {"id": 3},
                        "fields": [
                            {"column": "note", "category": c, "value": "wrote to other@example.test"}
                            for c in first.data_categories[:2]
                        ],
                    }
                ],
            }
        ],
        own=Own.of(["me@example.test"], []),
    )


def _erasure(register: processing.Register) -> dict[str, Any]:
    activities = [a for a in register.activities if a.role == "controller"]
    obliged = [a for a in activities if processing.Basis.LEGAL_OBLIGATION in processing.bases(a).values()]
    kept = obliged[:1] or activities[-1:]
    category = activities[0].data_categories[0]
    return {
        "erasure": {
            "erased": [a.key for a in activities if a not in kept][:3],
            "kept": [
                {
                    "activity": kept[0].key,
                    "ground": "legal_obligation",
                    "retention": kept[0].retention,
                    "until": "2034-12-31",
                },
                {
                    "activity": activities[0].key,
                    "ground": "legal_hold",
                    "retention": activities[0].retention,
                    "until": None,
                },
            ],
            "consent_proof": True,
            "exclusion_entry": True,
            "key_destroyed": False,
            "queued_mail_deleted": 2,
        },
        "datastore_erasure:shop": {
            "datastore": "shop",
            "name": "Shop database",
            "found": True,
            "fields": [
                {"category": category, "action": "erased"},
                {"category": category, "action": "anonymised"},
                {"category": category, "action": "kept", "retention": kept[0].retention, "until": None},
            ],
        },
        "notify_recipients": {
            "recipients": {"Host SA": "delivered", "Other Ltd": "no endpoint: to be told by hand"}
        },
    }


def _text(document: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<style.*?</style>", "", document, flags=re.S)))


@pytest.mark.parametrize("name", sorted(p.stem for p in EXAMPLES.glob("*.yaml")))
@pytest.mark.parametrize("lang", ["en", "fr", "nl"])
def test_the_access_report_and_the_erasure_letter_of_every_example_read_as_text(name: str, lang: str) -> None:
    register = _register(name)
    facts = _person(register)
    report = access.compose(register, lang, facts)
    composed = letter.compose(
        register, lang, reference="R-1", received_at=AT, today=AT, results=_erasure(register)
    )
    documents = {
        "access report": render.render("dsr/access.html", lang=lang, report=report),
        "erasure letter": render.render("dsr/erasure_letter.html", lang=lang, letter=composed),
    }

    found = {title: defects for title, text in documents.items() if (defects := _defects(text))}

    assert found == {}
    shown = {title: _text(text) for title, text in documents.items()}
    held = {c for d in facts.held for c in [d.category, d.activity, d.channel]}
    raw = {
        title: [k for k in held if re.search(rf"(?<![\w.]){re.escape(k)}(?![\w.])", text)]
        for title, text in shown.items()
    }
    assert raw == {"access report": [], "erasure letter": []}  # labels, never the register's keys
    assert (
        "colleague@example.test" not in shown["access report"]
        and "other@example.test" not in shown["access report"]
    )
    assert i18n.long_date(AT.date(), lang) in shown["access report"]
    assert [w for w in INTERNAL if w in shown["erasure letter"]] == []
    assert i18n.long_date(date(2034, 12, 31), lang) in shown["erasure letter"]
    lines = access.as_csv(report, Words(register, lang)).decode("utf-8-sig").splitlines()
    assert len(lines) == 1 + len(facts.held) + 2  # a header, a row per datum and per datastore field
