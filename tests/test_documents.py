"""Every document lawful publishes from a register, for every example and language, reads as text (issue 15).

A Python value (`<built-in method copy of dict object at 0x…>`, `None`, a dict), a catalogue key shown
raw or a heading with nothing under it is a defect the person reading it cannot see past.
"""

import html
import re

import pytest

from lawful import i18n, notices, processing
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
