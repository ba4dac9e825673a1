"""Letters to the people affected by a breach (Art. 34, R-97): in each person's language, as service mail
through the outbox or on paper, never to someone erased; the words sent kept for the record."""

from . import rules
from .errors import LettersRefused
from .models import BreachCommunication, BreachLetter
from .printing import printable
from .schemas import LettersCreate, LetterText
from .service import Sent, send, status

__all__ = [
    "BreachCommunication",
    "BreachLetter",
    "LetterText",
    "LettersCreate",
    "LettersRefused",
    "Sent",
    "printable",
    "rules",
    "send",
    "status",
]
