"""The inventory erasure walks names every kind of sealed copy: a new one cannot be forgotten silently (T-05)."""

import ast
import re
from pathlib import Path

from sqlalchemy import LargeBinary

from lawful import db, keystore
from lawful.dsr import artefacts

SOURCE = Path(db.__file__).parent
STORE_CALLS = frozenset({"create", "create_many", "get", "get_many", "destroy", "destroy_in"})


def _covered() -> tuple[set[object], set[str]]:
    models = {m for a in artefacts.ARTEFACTS for m in a.models}
    owners = {o for a in artefacts.ARTEFACTS for o in a.owners}
    named = {k for k in artefacts.OUTSIDE if isinstance(k, str)}  # a peer domain's model, by its path
    return models | set(artefacts.OUTSIDE), owners | named


def _path(model: type) -> str:
    return f"{model.__module__}.{model.__qualname__}"


def _sealed_models() -> set[type]:
    found = set()
    for base in (db.Base, keystore.KeyBase):
        for mapper in base.registry.mappers:
            if any(isinstance(c.type, LargeBinary) for c in mapper.columns):
                found.add(mapper.class_)
    return found


def _owner_prefixes() -> set[str]:
    """Every `f"prefix:{…}"` the code hands to the key store, or returns from a function naming an owner."""
    found = set()
    for path in SOURCE.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            strings: list[ast.expr] = []
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) in STORE_CALLS:
                strings = [
                    *node.args,
                    *(
                        e
                        for a in node.args
                        if isinstance(a, ast.List | ast.ListComp)
                        for e in ast.walk(a)
                        if isinstance(e, ast.expr)
                    ),
                ]
            elif isinstance(node, ast.FunctionDef) and "owner" in node.name:
                strings = [
                    r.value for r in ast.walk(node) if isinstance(r, ast.Return) and r.value is not None
                ]
            elif isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "owner" for t in node.targets):
                strings = [node.value]
            for expr in strings:
                for part in ast.walk(expr):
                    if isinstance(part, ast.Constant) and isinstance(part.value, str):
                        found |= set(re.findall(r"^([a-z_]+:)", part.value))
    return found


def test_every_model_holding_sealed_data_is_in_the_erasure_inventory() -> None:
    models, _ = _covered()

    assert {_path(m) for m in _sealed_models() - models} - models == set()


def test_every_key_store_owner_is_in_the_erasure_inventory() -> None:
    _, owners = _covered()
    prefixes = _owner_prefixes()

    assert {"subject:", "package:", "export:", "system:"} <= prefixes  # the scan finds the ones we know
    assert prefixes - owners == set()
