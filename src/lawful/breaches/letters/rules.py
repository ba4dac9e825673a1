"""The law of telling the people affected (Art. 34): which decision allows the letters, how each person
is reached (never someone erased, by post without an address, or by the public notice of Art. 34(3)(c)),
and the words needed in each language. Values in, values out."""

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

EMAIL, POST, NONE = "email", "post", "none"
QUEUED, PRINTABLE, PRINTED, SKIPPED = "queued", "printable", "printed", "skipped"
ERASED, PUBLIC_NOTICE, NO_ADDRESS = "erased", "public_notice", "no_address"
DISPROPORTIONATE = "34(3)(c)"


class Decided(Protocol):
    audience: str
    notify: bool
    exemption: str | None
    public_notice_url: str | None


@dataclass(frozen=True)
class Way:
    channel: str
    status: str
    reason: str | None = None


def decision_problems(decisions: Sequence[Decided]) -> list[dict[str, str]]:
    """Letters carry out the latest decision on the people (Art. 34(1)): there must be one, to tell them.
    A decision not to, under an Art. 34(3) exemption, sends nothing (R-97)."""
    people = [d for d in decisions if d.audience == "people"]
    if not people:
        return [_problem("decision", "record the decision to tell the people, with its reasons, first")]
    last = people[-1]
    if not last.notify:
        why = f" (exemption Art. {last.exemption})" if last.exemption else ""
        return [_problem("decision", f"the latest decision is not to tell the people{why}: no letter goes")]
    return []


def way(*, erased: bool, email: str | None, public_notice: bool) -> Way:
    """How one person is told: by email; on paper without an address; nobody erased since the scope (they
    no longer exist for us); the public notice instead where Art. 34(3)(c) was chosen for those we cannot
    reach individually."""
    if erased:
        return Way(NONE, SKIPPED, ERASED)
    if email:
        return Way(EMAIL, QUEUED)
    if public_notice:
        return Way(NONE, SKIPPED, PUBLIC_NOTICE)
    return Way(POST, PRINTABLE, NO_ADDRESS)


def public_notice(decision: Decided) -> bool:
    """Art. 34(3)(c) with a notice published: people without an address are reached by it."""
    return decision.exemption == DISPROPORTIONATE and bool((decision.public_notice_url or "").strip())


def language(spoken: str | None, offered: Collection[str], default: str) -> str:
    """Art. 12(1): the person's language when the organisation writes in it, else the organisation's."""
    return spoken if spoken is not None and spoken in offered else default


def missing_texts(needed: Collection[str], given: Collection[str]) -> list[dict[str, str]]:
    return [
        _problem(f"texts.{lang}", "people who read this language are to be told")
        for lang in sorted(set(needed) - set(given))
    ]


def counted(ways: Sequence[tuple[str, Way]]) -> dict[str, Any]:
    """What a sending did, by channel and by reason: no one in it."""
    found: dict[str, Any] = {"email": 0, "post": 0, "skipped": {}}
    for _, chosen in ways:
        if chosen.status == SKIPPED:
            found["skipped"][chosen.reason or "other"] = found["skipped"].get(chosen.reason or "other", 0) + 1
        else:
            found[chosen.channel] += 1
    return found


def _problem(path: str, message: str) -> dict[str, str]:
    return {"path": path, "message": message}
