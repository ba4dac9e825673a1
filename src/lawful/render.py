"""The one Jinja2 environment for pages, notices, exports and (later) emails."""

from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from lawful import i18n

TEMPLATES = Path(__file__).parent / "templates"


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["t"] = i18n.t
    env.globals["LANGUAGES"] = i18n.LANGUAGES
    env.filters["long_date"] = i18n.long_date
    return env


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)
