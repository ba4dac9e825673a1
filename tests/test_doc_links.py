"""README.md and docs/*.md link only to files in the repository: every relative link resolves to a file or
folder inside it, and nothing points at a path outside (no ../shared, no absolute /work paths)."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# inline links and images, reference definitions, and the HTML attributes Markdown lets through
LINK = re.compile(
    r"\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)|^\s*\[[^\]]+\]:\s*<?(\S+?)>?\s*$|(?:href|src)=\"([^\"]+)\"",
    re.M,
)
SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)


def links(text: str) -> list[str]:
    """The link targets of a Markdown text, code blocks and code spans left out (they show, not link)."""
    prose = re.sub(r"```.*?```", "", text, flags=re.S)
    prose = re.sub(r"`[^`\n]*`", "", prose)
    return [next(group for group in match.groups() if group) for match in LINK.finditer(prose)]


def problem(document: Path, target: str) -> str | None:
    """Why `target`, linked from `document`, is not a file of the repository; None when it is."""
    if SCHEME.match(target) or target.startswith("#"):
        return None  # a web address (the demo's own, or a law's) or a place in the same page
    if target.startswith("/"):
        return "an absolute path"
    path = target.split("#", 1)[0].split("?", 1)[0]
    resolved = (document.parent / path).resolve()
    if not resolved.is_relative_to(ROOT):
        return "outside the repository"
    if not resolved.exists():
        return "no such file"
    return None


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_resolves_to_a_file_in_the_repository(document: Path) -> None:
    text = document.read_text(encoding="utf-8")

    broken = [(target, why) for target in links(text) if (why := problem(document, target))]

    assert broken == []


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_document_names_a_path_outside_the_repository(document: Path) -> None:
    """Also in code and prose: a reader of the repository alone cannot follow ../shared or /work."""
    text = document.read_text(encoding="utf-8")

    assert re.findall(r"\.\./shared\S*|(?<![\w.])/work/\S*", text) == []


def test_the_checks_catch_a_link_outside_and_a_missing_file() -> None:
    text = (
        "See [the brief](../shared/REQUIREMENTS.md), [ops](docs/operations.md#workers), [gone](docs/nowhere.md),\n"
        "[abs](/work/main/README.md), <http://127.0.0.1:8000/privacy>, [law](https://eur-lex.europa.eu/) and\n"
        '`[not a link](nowhere.md)`.\n\n[ref]: docs/backups.md\n<a href="examples/missing.html">x</a>\n'
    )
    readme = ROOT / "README.md"

    found = {target: problem(readme, target) for target in links(text)}

    assert found == {
        "../shared/REQUIREMENTS.md": "outside the repository",
        "docs/operations.md#workers": None,
        "docs/nowhere.md": "no such file",
        "/work/main/README.md": "an absolute path",
        "https://eur-lex.europa.eu/": None,
        "docs/backups.md": None,
        "examples/missing.html": "no such file",
    }
