"""The hash chain: each entry's hash covers its content and the previous entry's hash (R-88)."""

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

GENESIS = "0" * 64
CHAINED_FIELDS = (
    "seq",
    "id",
    "at",
    "organisation_id",
    "actor_kind",
    "actor_id",
    "actor_label",
    "action",
    "entity_type",
    "entity_id",
    "purpose",
    "outcome",
    "data",
)


class Chained(Protocol):
    @property
    def seq(self) -> int | None: ...
    @property
    def prev_hash(self) -> str | None: ...
    @property
    def hash(self) -> str | None: ...


def entry_hash(prev_hash: str, content: Mapping[str, Any]) -> str:
    canonical = json.dumps(
        {name: content[name] for name in CHAINED_FIELDS}, sort_keys=True, separators=(",", ":"), default=str
    )
    return hashlib.sha256(f"{prev_hash}|{canonical}".encode()).hexdigest()


@dataclass(frozen=True)
class Break:
    seq: int
    reason: str


def first_break(entries: Iterable[tuple[Chained, Mapping[str, Any]]]) -> Break | None:
    """The first entry (in seq order) that was altered, removed before, or moved; None if intact."""
    expected_prev, expected_seq = GENESIS, 1
    for entry, content in entries:
        seq = entry.seq or 0
        if seq != expected_seq:
            return Break(seq, f"expected entry {expected_seq} here: an entry was removed or reordered")
        if entry.prev_hash != expected_prev:
            return Break(seq, "its link to the previous entry does not match: the chain was reordered")
        if entry_hash(expected_prev, content) != entry.hash:
            return Break(seq, "its content does not match its hash: the entry was altered")
        expected_prev, expected_seq = entry.hash or "", seq + 1
    return None
