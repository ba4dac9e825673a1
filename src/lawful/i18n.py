"""Languages: which one a person gets, the keyed message catalogue, and dates in each language.

Subject-facing text is never free text translated per version: it is a key with a label per language
(R-121). The catalogue holds the legal boilerplate; the register holds the organisation's own labels.
"""

from collections.abc import Iterable, Mapping
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml
from babel.dates import format_date

LANGUAGES = ("en", "fr", "nl")
CATALOGUE = Path(__file__).parent / "locale"  # every *.yaml here: one file per area, keys unique across them
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: ten times faster


def negotiate(explicit: str | None, accept_language: str | None, enabled: Iterable[str], default: str) -> str:
    """Explicit choice, then Accept-Language (by quality), then the organisation's default (R-119)."""
    allowed = [lang for lang in enabled if lang in LANGUAGES]
    if explicit and explicit.lower() in allowed:
        return explicit.lower()
    for lang in _accepted(accept_language or ""):
        if lang in allowed:
            return lang
    return default


def _accepted(header: str) -> list[str]:
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        pieces = part.strip().split(";")
        tag = pieces[0].strip().lower()
        if not tag or tag == "*":
            continue
        quality = 1.0
        for param in pieces[1:]:
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            ranked.append((-quality, position, tag.split("-")[0]))
    return [tag for _, _, tag in sorted(ranked)]


@lru_cache(maxsize=1)
def catalogue() -> Mapping[str, Mapping[str, str]]:
    """Every catalogue file merged; a key defined in two files is an error, not a silent override."""
    merged: dict[str, dict[str, str]] = {}
    for path in sorted(CATALOGUE.glob("*.yaml")):
        with path.open(encoding="utf-8") as handle:
            data: dict[str, dict[str, str]] = yaml.load(handle, Loader=_Loader) or {}  # noqa: S506 (a SafeLoader)
        clash = sorted(merged.keys() & data.keys())
        if clash:
            raise ValueError(f"{path.name} defines catalogue keys already defined elsewhere: {', '.join(clash)}")
        merged.update(data)
    return merged


def t(key: str, lang: str, **values: object) -> str:
    """The catalogue text for `key` in `lang`, with `{name}` placeholders filled."""
    text = catalogue()[key][lang]
    return text.format(**values) if values else text


def missing_translations(languages: Iterable[str] = LANGUAGES) -> list[str]:
    """`key.lang` for every catalogue entry that lacks a language."""
    wanted = list(languages)
    return [f"{key}.{lang}" for key, labels in catalogue().items() for lang in wanted if not labels.get(lang)]


def long_date(day: date, lang: str) -> str:
    return format_date(day, format="long", locale=lang)
