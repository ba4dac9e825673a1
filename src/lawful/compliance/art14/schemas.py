"""API and `--json` shapes of the Art. 14 notices that are not in a route of their own."""

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict


class LetterRead(BaseModel):
    """A notice to print and post: its id, whose, in which language, when prepared (no name or address)."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    subject_id: uuid.UUID | None
    language: str | None
    done_at: datetime
