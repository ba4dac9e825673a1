"""Personal-data breaches (Art. 33-34): the case, its register, the 72-hour clock, detectors and decisions."""

from .models import Breach, BreachAlert, BreachDecision, BreachNote

__all__ = ["Breach", "BreachAlert", "BreachDecision", "BreachNote"]
