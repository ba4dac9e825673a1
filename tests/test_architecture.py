"""The import rules of STYLE.md §1-2: the layer order, imports through a domain's root, pure rules."""

import ast
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).parent.parent / "src" / "lawful"
LAYERS = [
    # above dsr: retention enforces the register's periods with dsr's erasure; stats counts requests too
    {"retention", "stats", "compliance"},  # compliance reads dsr and breaches (and writes nothing)
    {"dsr", "breaches"},
    {"connectors"},
    {"marketing"},
    {"decisions"},
    {"intake"},  # forms, staff intake and imports: they write subjects and consent
    {"consent"},
    {"subjects"},
    {"notices"},
    {"clients"},  # processor mode: client controllers read from the register
    {"processing"},
    {"staff"},
    {"audit"},  # below staff, as in ARCHITECTURE.md §2: every staff write records an audit entry
]
KERNEL = {
    "config",
    "db",
    "bulk",
    "errors",
    "clock",
    "crypto",
    "keystore",
    "__init__",
    "__version__",
    "mail",
    "jobs",
    "i18n",
    "web",
    "lane",
    "bodies",
    "outbound",
    "actor",
    "render",
    "terminal",
    "work",
    "pace",
    "refusals",
    "statics",
}
COMMITTERS = {"work.py", "keystore.py"}  # STYLE T5: the unit of work commits; the key store commits its own
ENTRY_POINTS = {"app", "cli", "acting", "demo", "worker", "wsgi", "__main__"}
ENTRY_SUBMODULES = {"routes", "pages", "commands", "tasks"}
RULES_MAY_IMPORT = {"pydantic", "__future__"}
SERVICE_MAY_NOT_IMPORT = {"fastapi", "starlette", "typer", "jinja2"}


def _rank(domain: str) -> int:
    return next(index for index, layer in enumerate(LAYERS) if domain in layer)


def _imports(path: Path) -> list[tuple[str, int]]:
    """(module, line) for every import, with relative imports resolved to absolute names."""
    package = ".".join(path.relative_to(SRC.parent).with_suffix("").parts[:-1])
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            found.append((base, node.lineno))
            found += [(f"{base}.{alias.name}", node.lineno) for alias in node.names]
    return found


def _sources() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if not {"migrations", "keystore_migrations"} & set(p.parts))


def _owner(path: Path) -> str:
    return path.relative_to(SRC).parts[0].removesuffix(".py")


def _violations() -> list[str]:
    problems = []
    for path in _sources():
        owner = _owner(path)
        where = path.relative_to(SRC)
        for module, line in _imports(path):
            parts = module.split(".")
            if parts[0] != "lawful" or len(parts) < 2:
                continue
            target = parts[1]
            if target == owner or owner in ENTRY_POINTS:
                # an entry point (a package, like demo/) imports its own modules freely; other domains by root
                if owner in ENTRY_POINTS and len(parts) > 2 and target not in KERNEL | {owner}:  # noqa: SIM102
                    if (
                        parts[2] not in ENTRY_SUBMODULES
                        and parts[2][0].islower()
                        and (SRC / target / f"{parts[2]}.py").exists()
                    ):
                        problems.append(
                            f"{where}:{line} entry points import {target} only by its root or routes/pages/commands/tasks"
                        )
                continue
            if owner in KERNEL:
                if target not in KERNEL:
                    problems.append(f"{where}:{line} the kernel must not import the domain {target}")
                elif target == "web" and path.stem not in ("routes", "pages") and owner != "web":
                    problems.append(f"{where}:{line} only routes.py and pages.py import lawful.web")
                continue
            if target in KERNEL:
                if target == "web" and path.stem not in ("routes", "pages"):
                    problems.append(f"{where}:{line} only routes.py and pages.py import lawful.web")
                continue
            if target in ENTRY_POINTS:
                problems.append(f"{where}:{line} domains never import entry points")
            elif _rank(target) <= _rank(owner):
                problems.append(f"{where}:{line} {owner} may not import {target} (same or higher layer)")
            elif len(parts) > 2 and (SRC / target / f"{parts[2]}.py").exists():
                problems.append(
                    f"{where}:{line} import {target} through its root, not lawful.{target}.{parts[2]}"
                )
    return problems


def test_packages_import_only_lower_layers_through_their_roots() -> None:
    assert _violations() == []


@pytest.mark.parametrize("path", [p for p in _sources() if p.name == "rules.py"], ids=str)
def test_rules_modules_are_pure(path: Path) -> None:
    """rules.py: the standard library, pydantic, lawful.errors, its own domain and lower domains' value types."""
    for module, line in _imports(path):
        parts = module.split(".")
        if parts[0] == "lawful":
            assert len(parts) > 1 and parts[1] not in KERNEL - {"errors"}, f"{path}:{line} imports {module}"
        else:
            assert parts[0] in RULES_MAY_IMPORT or parts[0] in sys.stdlib_module_names, (
                f"{path}:{line} imports {module}"
            )


@pytest.mark.parametrize("path", [p for p in _sources() if p.name == "service.py"], ids=str)
def test_services_do_not_know_the_web_or_the_terminal(path: Path) -> None:
    for module, line in _imports(path):
        assert module.split(".")[0] not in SERVICE_MAY_NOT_IMPORT, f"{path}:{line} imports {module}"


def test_only_the_unit_of_work_and_the_key_store_commit() -> None:
    """STYLE T5: handlers, services and jobs never commit by hand; a forgotten commit cannot exist."""
    found = [
        f"{path.relative_to(SRC)}:{number}"
        for path in _sources()
        if path.name not in COMMITTERS
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if ".commit(" in line
    ]

    assert found == []


def test_architecture_check_catches_an_upward_import(tmp_path: Path) -> None:
    bad = SRC / "audit" / "_arch_probe.py"
    bad.write_text("from lawful import notices\n", encoding="utf-8")
    try:
        assert any("audit may not import notices" in p for p in _violations())
    finally:
        bad.unlink()
