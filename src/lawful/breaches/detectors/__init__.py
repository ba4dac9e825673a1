"""Detectors: lawful opens a case itself on signals it already sees (R-93)."""

from . import rules
from .rules import Finding
from .service import DETECTORS, detect, exports, key_store, logins

__all__ = ["DETECTORS", "Finding", "detect", "exports", "key_store", "logins", "rules"]
