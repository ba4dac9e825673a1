"""The hash chain: each entry's hash covers its content and the previous entry's hash (R-88)."""

import hashlib
import hmac
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


@dataclass(frozen=True)
class Head:
    """A signed head: the newest sealed entry's place and hash, and the audit key's MAC over both."""

    seq: int
    hash: str
    mac: str


def head_mac(key: bytes, seq: int, digest: str) -> str:
    return hmac.new(key, f"lawful.audit.head|{seq}|{digest}".encode(), hashlib.sha256).hexdigest()


def is_signed(key: bytes, head: Head) -> bool:
    return hmac.compare_digest(head_mac(key, head.seq, head.hash), head.mac)


def head_break(
    key: bytes,
    *,
    tail: tuple[int, str] | None,
    signed: Head | None,
    at_signed: str | None,
    mark: Head | None,
    at_mark: str | None,
) -> Break | None:
    """What is wrong with the chain's end, given its newest sealed entry (`tail`), the head signed in the
    main database, the one the key store keeps (`mark`), and the hashes the entries at their seqs have now.

    Sealed entries are always signed in the seal's transaction: an unsigned one was written outside lawful."""
    cut = (
        "it was signed as the newest entry and is now missing or different: entries were removed from the end"
    )
    if mark is not None and not is_signed(key, mark):
        return Break(mark.seq, "the key store's record of the newest entry does not carry lawful's signature")
    if mark is not None and at_mark != mark.hash:
        return Break(mark.seq, cut)
    if signed is None:
        if tail is None:
            return None
        first = mark.seq + 1 if mark else 1
        return Break(first, "it and the entries after it carry no signature: the signed head was removed")
    if not is_signed(key, signed):
        return Break(
            signed.seq, "the signed head does not carry lawful's signature: it was forged or altered"
        )
    if at_signed != signed.hash:
        return Break(signed.seq, cut)
    if tail is not None and tail[0] > signed.seq:
        return Break(signed.seq + 1, "it was sealed but never signed: it was appended outside lawful")
    return None
