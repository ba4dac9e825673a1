"""The dossier as a printable document (HTML, and PDF through WeasyPrint), in the dossier's language."""

from datetime import datetime
from typing import Any

from babel.dates import format_datetime

from lawful import clock, render


def html(dossier: dict[str, Any]) -> str:
    lang = dossier["language"]

    def when(value: str | None) -> str | None:
        if value is None:
            return None
        moment = datetime.fromisoformat(value)
        return format_datetime(moment, "d MMMM y, HH:mm", tzinfo=clock.BRUSSELS, locale=lang)

    return render.render("breaches/dossier/dossier.html", d=dossier, lang=lang, when=when)


def pdf(dossier: dict[str, Any]) -> bytes:
    from weasyprint import HTML  # heavy (0.8 s to import): loaded only when a PDF is asked for

    printed: bytes = HTML(string=html(dossier)).write_pdf()
    return printed
