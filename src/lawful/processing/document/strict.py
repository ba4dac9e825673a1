"""What every part of the register is built from: strict models, keys, country codes, labels in each language."""

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

Lang = Literal["en", "fr", "nl"]
Key = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$", max_length=120)]
Country = Annotated[str, Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2")]
ISO_DURATION = re.compile(r"^P(?=\d)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Label(Strict):
    """One text in each language; the same fact in every language (R-121)."""

    en: str | None = Field(default=None, min_length=1)
    fr: str | None = Field(default=None, min_length=1)
    nl: str | None = Field(default=None, min_length=1)

    def get(self, lang: str) -> str | None:
        value: str | None = getattr(self, lang, None)
        return value
