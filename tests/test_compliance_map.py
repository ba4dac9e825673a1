"""docs/compliance.md cannot go stale: every article the example companies' notices cite is in it, and
every file and test it names exists (issue 20: a compliance map anyone can read)."""

import re
from pathlib import Path

import pytest

from lawful import notices, processing
from lawful.notices import NoticeKind

ROOT = Path(__file__).parent.parent
MAP = ROOT / "docs" / "compliance.md"
ROW = re.compile(r"^\| `([^`]+)` \| (.+?) \| (.+?) \| (.+?) \|$")
GDPR = re.compile(r"\bArt\.\s*(\d+)((?:\(\d+\))?(?:\([a-z]\))?)(?:\s+to\s+(\d+))?")
BELGIAN = re.compile(r"^ of the (Belgian Law of \d+ \w+ \d{4})")
NAMED = re.compile(r"\(([A-Z][\w ]+), art\. (\d+)\)")


def rows() -> dict[str, tuple[str, list[str], list[str]]]:
    """Each row of the map: article → (what lawful does, code paths, tests)."""
    found = {}
    for line in MAP.read_text(encoding="utf-8").splitlines():
        if match := ROW.match(line):
            article, does, code, tests = match.groups()
            found[article] = (does, _cells(code), _cells(tests))
    return found


def _cells(cell: str) -> list[str]:
    return [part.strip().strip("`") for part in cell.split("<br>") if part.strip()]


def cited(text: str) -> set[str]:
    """The articles a notice's text cites, named as the map names them."""
    found = set()
    for match in GDPR.finditer(text):
        number, parts, to = match.groups()
        belgian = BELGIAN.match(text[match.end() :])
        if belgian:
            found.add(f"{belgian.group(1)}, Art. {number}")
        else:
            found.add(f"GDPR {number}{parts}" + (f"-{to}" if to else ""))
    found |= {f"{name}, Art. {number}" for name, number in NAMED.findall(text)}
    return found


def notice_articles() -> dict[str, set[str]]:
    """Every article cited by an example company's privacy or cookie notice, with who cites it."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        register, problems = processing.check(path.read_text(encoding="utf-8"))
        assert register is not None, problems
        for kind in NoticeKind:
            text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", notices.preview(register, kind, "en")))
            for article in cited(text):
                found.setdefault(article, set()).add(f"{path.name} ({kind})")
    return found


def test_every_article_the_example_notices_cite_is_in_the_map() -> None:
    cites = notice_articles()

    missing = {article: sorted(where) for article, where in cites.items() if article not in rows()}

    assert len(cites) >= 10 and missing == {}


def row_problems(article: str, does: str, code: list[str], tests: list[str]) -> list[str]:
    """What is wrong with one row of the map: no plain words, a file gone, a test gone."""
    found = [] if len(does) > 40 else [f"{article}: say in plain words what lawful does"]
    found += [f"{article}: {path} does not exist" for path in code if not (ROOT / path).exists()]
    found += [] if code and tests else [f"{article}: name the code and the test that shows it"]
    for test in tests:
        path, _, name = test.partition("::")
        if not (ROOT / path).is_file():
            found.append(f"{article}: {path} does not exist")
        elif not re.search(rf"^def {re.escape(name)}\(", (ROOT / path).read_text(encoding="utf-8"), re.M):
            found.append(f"{article}: {path} has no test {name}")
    return found


@pytest.mark.parametrize("article", sorted(rows()))
def test_each_article_has_plain_words_existing_code_and_an_existing_test(article: str) -> None:
    assert row_problems(article, *rows()[article]) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "(Art. 79 GDPR; Art. 209 of the Belgian Law of 30 July 2018).",
            {"GDPR 79", "Belgian Law of 30 July 2018, Art. 209"},
        ),
        ("consent (Art. 6(1)(a) GDPR) and (Art. 32 to 34 GDPR)", {"GDPR 6(1)(a)", "GDPR 32-34"}),
        ("10 years (VAT Code, art. 60)", {"VAT Code, Art. 60"}),
        ("no article here", set()),
    ],
)
def test_citations_are_read_as_the_map_names_them(text: str, expected: set[str]) -> None:
    assert cited(text) == expected


def test_the_check_fails_for_an_article_whose_test_is_gone() -> None:
    code, tests = ["src/lawful/dsr/rights/access.py"], ["tests/dsr/test_service.py::test_that_does_not_exist"]

    problems = row_problems(
        "GDPR 15", "Access: every datum with its provenance, in the person's language.", code, tests
    )

    assert problems == ["GDPR 15: tests/dsr/test_service.py has no test test_that_does_not_exist"]
