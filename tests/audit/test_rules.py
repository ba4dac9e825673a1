"""The hash chain detects an altered, removed or reordered entry (no database)."""

from dataclasses import dataclass
from typing import Any

from lawful.audit.rules import GENESIS, entry_hash, first_break


@dataclass
class Entry:
    seq: int
    prev_hash: str
    hash: str


def _chain(n: int) -> list[tuple[Entry, dict[str, Any]]]:
    chain, prev = [], GENESIS
    for seq in range(1, n + 1):
        content = {
            "seq": seq,
            "id": f"id{seq}",
            "at": "2026-01-01T00:00:00+00:00",
            "organisation_id": None,
            "actor_kind": "cli",
            "actor_id": None,
            "actor_label": "cli:test",
            "action": "x.done",
            "entity_type": None,
            "entity_id": None,
            "purpose": None,
            "outcome": "ok",
            "data": {"n": seq},
        }
        digest = entry_hash(prev, content)
        chain.append((Entry(seq, prev, digest), content))
        prev = digest
    return chain


def test_an_intact_chain_has_no_break() -> None:
    assert first_break(_chain(5)) is None


def test_an_altered_entry_is_named() -> None:
    chain = _chain(5)
    chain[2][1]["action"] = "x.undone"

    broken = first_break(chain)

    assert broken is not None and broken.seq == 3 and "altered" in broken.reason


def test_a_removed_entry_is_detected_at_the_next_one() -> None:
    chain = _chain(5)
    del chain[1]

    broken = first_break(chain)

    assert broken is not None and broken.seq == 3


def test_swapped_entries_are_detected() -> None:
    chain = _chain(5)
    chain[1], chain[2] = chain[2], chain[1]

    broken = first_break(chain)

    assert broken is not None and broken.seq == 3
