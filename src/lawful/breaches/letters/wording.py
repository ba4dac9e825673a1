"""The words of a letter to the people affected, in the reader's language: the facts staff wrote, the
categories of the reader's data as the register names them, the contact point and the APD (R-69, R-97)."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from lawful import i18n, processing, render

from ..models import Breach


@dataclass
class Writer:
    """Renders each distinct letter once: the same language and categories make the same words."""

    breach: Breach
    register: processing.Register
    texts: dict[str, dict[str, Any]]
    _done: dict[tuple[str, tuple[str, ...]], str] = field(default_factory=dict)

    def text(self, lang: str, categories: Iterable[str]) -> str:
        wanted = tuple(sorted(categories))
        if (lang, wanted) not in self._done:
            self._done[(lang, wanted)] = self._render(lang, wanted)
        return self._done[(lang, wanted)]

    def subject(self, lang: str) -> str:
        return i18n.t("breaches.letters.subject", lang)

    def _render(self, lang: str, categories: tuple[str, ...]) -> str:
        labels = {c.key: c.label for c in self.register.data_categories}
        org = self.register.organisation
        return render.render(
            "breaches/letters/letter.txt",
            lang=lang,
            words=self.texts[lang],
            nature=[i18n.t(f"breaches.letters.nature.{n}", lang) for n in self.breach.nature],
            categories=[labels[c].get(lang) or c for c in categories if c in labels],
            contact=contact(self.register),
            reference=self.breach.reference,
            apd={k: i18n.t(f"apd.{k}", lang) for k in ("name", "address", "phone", "email", "website")},
            company=org.legal_name,
        ).strip()


def contact(register: processing.Register) -> str:
    """Art. 34(2) with 33(3)(b): the DPO, else the privacy contact point, else any contact."""
    org = register.organisation
    if org.dpo is not None:
        return org.dpo.email
    points = {str(c.kind): c.value for c in org.contact}
    return points.get("privacy_email") or points.get("email") or next(iter(points.values()), org.legal_name)
