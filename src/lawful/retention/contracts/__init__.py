"""The end of a client's DPA: return, erase, certify (R-107)."""

from .service import certify, end, erase, find, get, hand_over, record_due

__all__ = ["certify", "end", "erase", "find", "get", "hand_over", "record_due"]
