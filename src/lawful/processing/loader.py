"""From YAML text to a Register, or to the list of every problem with its path in the document."""

from typing import Any

import yaml
from pydantic import ValidationError

from .document import Register
from .rules import Problem

MAX_CHARACTERS = 2_000_000  # the largest example is 80,000
MAX_NODES = 100_000  # values, lists and mappings once aliases are expanded; the largest example has 3,042
MAX_DEPTH = 32  # the register format nests about 8 deep


class TooLarge(yaml.YAMLError):
    """A document over a bound: too long, nested too deep, or expanding (through aliases) too far."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses a mapping with the same key twice (PyYAML keeps the last silently), and a
    document nested deeper than MAX_DEPTH or whose aliases expand it past MAX_NODES ("billion laughs":
    a few lines of anchors that stand for millions of values) while it is composed, before any value
    is built."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._sizes: dict[int, int] = {}  # id(node) → its size with aliases expanded
        self._expanded = 0  # the document's size so far, aliases expanded

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            target = self.anchors.get(self.peek_event().anchor)  # type: ignore[no-untyped-call]
            size = self._sizes.get(id(target)) if target is not None else 0  # undefined: PyYAML says so
            if size is None:
                raise TooLarge("yaml_recursive", "an alias (*name) refers to a value that contains it")
            self._count(size)
            return super().compose_node(parent, index)
        self._count(1)
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise TooLarge("yaml_depth", f"the document nests deeper than {MAX_DEPTH} levels")
        node = super().compose_node(parent, index)
        self._depth -= 1
        children = node.value if isinstance(node, yaml.SequenceNode) else []
        if isinstance(node, yaml.MappingNode):
            children = [child for pair in node.value for child in pair]
        self._sizes[id(node)] = 1 + sum(self._sizes[id(child)] for child in children)
        return node

    def _count(self, nodes: int) -> None:
        """The document so far, aliases expanded, is `nodes` larger: refused as soon as it passes the bound."""
        self._expanded += nodes
        if self._expanded > MAX_NODES:
            raise TooLarge(
                "yaml_expansion",
                f"the document stands for more than {MAX_NODES:,} values once its aliases (*name) are "
                "expanded; write the repeated parts out, or use fewer aliases",
            )


def _construct_mapping(
    loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False
) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                "while reading a mapping",
                node.start_mark,
                f"found the key {key!r} twice",
                key_node.start_mark,
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml(text: str) -> tuple[Any, list[Problem]]:
    if len(text) > MAX_CHARACTERS:
        message = f"the document has {len(text):,} characters; at most {MAX_CHARACTERS:,}"
        return None, [Problem("(document)", "yaml_size", message)]
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader), []  # noqa: S506 (a SafeLoader subclass)
    except TooLarge as exc:
        return None, [Problem("(document)", exc.rule, str(exc))]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "document"
        return None, [Problem(f"({where})", "yaml_syntax", f"{exc.problem or exc}")]
    except yaml.YAMLError as exc:
        return None, [Problem("(document)", "yaml_syntax", str(exc))]


def parse(text: str) -> tuple[Register | None, list[Problem]]:
    """The register, or None with the structural problems; legal rules are checked separately."""
    raw, problems = load_yaml(text)
    if problems:
        return None, problems
    return validate(raw)


def validate(raw: Any) -> tuple[Register | None, list[Problem]]:
    if not isinstance(raw, dict):
        return None, [Problem("(document)", "yaml_mapping", "the register must be a YAML mapping")]
    problems = list(_two_bases(raw))
    try:
        register = Register.model_validate(raw)
    except ValidationError as exc:
        return None, problems + _from_pydantic(exc, skip={p.path for p in problems})
    return (register, []) if not problems else (None, problems)


def _two_bases(raw: dict[str, Any]) -> list[Problem]:
    """`legal_basis: [consent, legitimate_interests]` gets the R-02 message, not a type error."""
    found = []
    activities = raw.get("activities")
    for index, activity in enumerate(activities if isinstance(activities, list) else []):
        basis = activity.get("legal_basis") if isinstance(activity, dict) else None
        if isinstance(basis, list) and basis and all(isinstance(item, str) for item in basis):
            found.append(
                Problem(
                    f"activities[{index}].legal_basis",
                    "one_basis",
                    f"{len(basis)} legal bases given ({', '.join(basis)}); an activity has one basis per subject "
                    "category: split it into activities, or map subjects to bases (R-02)",
                )
            )
    return found


def _from_pydantic(exc: ValidationError, *, skip: set[str]) -> list[Problem]:
    problems: dict[str, Problem] = {}
    for error in exc.errors(include_url=False):
        path = _path([part for part in error["loc"] if not _is_branch(part)])
        if path in problems or any(
            path == s or path.startswith(s + "[") or path.startswith(s + ".") for s in skip
        ):
            continue
        rule = "unknown_key" if error["type"] == "extra_forbidden" else error["type"]
        message = "unknown key (not part of the register format)" if rule == "unknown_key" else error["msg"]
        problems[path] = Problem(path, rule, message)
    return list(problems.values())


def _is_branch(part: int | str) -> bool:
    """Pydantic names union branches in the location ('str-enum[Basis]', 'list[BasisFor]')."""
    return isinstance(part, str) and ("[" in part or "(" in part or part in {"enum", "str", "list"})


def _path(loc: list[int | str]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(document)"
