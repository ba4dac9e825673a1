"""From YAML text to a Register, or to the list of every problem with its path in the document."""

from typing import Any

import yaml
from pydantic import ValidationError

from .document import Register
from .rules import Problem


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses a mapping with the same key twice (PyYAML keeps the last silently)."""


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
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader), []  # noqa: S506 (a SafeLoader subclass)
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
