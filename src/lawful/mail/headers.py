"""Headers at the cost of a header: the standard policy, with the work that repeats across a run done once.

Profiled on a delivery run (benchmarks.breach_scope), building and flattening a message cost more than the
SMTP dialogue, and most of it went to headers: CPython's HeaderRegistry makes a new class for every header
it parses, and every letter of a run parses and folds the same From, Reply-To and Subject again. Here the
classes are made once per header name, and the parsed and folded forms of those repeated headers are kept
(bounded); a message is byte for byte what `email.policy.default` makes of it."""

from collections.abc import Callable
from email.headerregistry import BaseHeader, HeaderRegistry
from email.policy import EmailPolicy
from typing import Any

# headers whose values repeat from letter to letter of a run (To, Date and Message-ID never do)
REPEATED = frozenset(
    {
        "from",
        "reply-to",
        "subject",
        "auto-submitted",
        "content-language",
        "content-type",
        "content-transfer-encoding",
        "mime-version",
    }
)
_KEEP = 2000  # distinct values kept of each memo; past that it starts again


class _Registry(HeaderRegistry):
    """The standard registry; each header name's class made once, not once per header."""

    def __init__(self) -> None:
        super().__init__()
        self._made: dict[str, type[BaseHeader]] = {}

    def __getitem__(self, name: str) -> type[BaseHeader]:
        key = name.lower()
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = super().__getitem__(name)
        return made


_folded: dict[tuple[Any, ...], bytes] = {}


class _Policy(EmailPolicy):
    """`email.policy.default` whose parsing and binary folding of the repeated headers are kept."""

    def header_store_parse(self, name: str, value: Any) -> tuple[str, Any]:
        if isinstance(value, str) and not hasattr(value, "name") and name.lower() in REPEATED:
            return name, _memo(name, value, value, super().header_store_parse)
        return super().header_store_parse(name, value)

    def fold_binary(self, name: str, value: str) -> bytes:
        if name.lower() not in REPEATED:
            return super().fold_binary(name, value)
        key = (name, str(value), type(value), self.linesep, self.max_line_length, self.utf8, self.cte_type)
        found = _folded.get(key)
        if found is None:
            if len(_folded) >= _KEEP:
                _folded.clear()
            found = _folded[key] = super().fold_binary(name, value)
        return found


POLICY = _Policy(header_factory=_Registry())
_parsed: dict[tuple[str, str], Any] = {}


def header(name: str, value: Any, key: str) -> Any:
    """The parsed header `name: value` for a value that is not a string, such as an Address, made once per
    `key` (a string value is kept by the policy itself on assignment). A line break is refused (ValueError)."""
    return _memo(name, key, value, POLICY.header_store_parse)


def _memo(name: str, key: str, value: Any, parse: Callable[[str, Any], tuple[str, Any]]) -> Any:
    memo = (name, key)
    found = _parsed.get(memo)
    if found is None:
        if len(_parsed) >= _KEEP:
            _parsed.clear()
        found = _parsed[memo] = parse(name, value)[1]
    return found
