"""What staff write to the people affected (Art. 34(2)), once per language: the facts of this breach in
plain words. The rest of each letter (what data, the contact point, the APD) comes from the register."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Lang = Literal["fr", "nl", "en"]
Words = str


class LetterText(BaseModel):
    model_config = ConfigDict(extra="forbid")

    what_happened: str = Field(min_length=1, max_length=5000, description="the nature of the breach")
    consequences: str = Field(min_length=1, max_length=5000, description="what it may mean for them")
    measures: str = Field(min_length=1, max_length=5000, description="what the company did and will do")
    advice: str | None = Field(default=None, max_length=5000, description="what they can do; default: ours")


class LettersCreate(BaseModel):
    """The texts in each language the people need; a missing one is refused by name before anything goes."""

    model_config = ConfigDict(extra="forbid")

    texts: dict[Lang, LetterText] = Field(min_length=1)
    on_instruction: bool = Field(
        default=False, description="a processor's case: the client controller instructed it"
    )
