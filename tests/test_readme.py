"""Every `lawful …` command in README.md's code blocks works as written against the demo: run in order,
in-process, on a fresh demo database, each exits 0 (or the code its `[exit N]` comment announces).

Left out, each with its reason in the README: a line whose comment says `[not run: …]`, and a whole block
after `<!-- readme-test: not run: … -->`. `R-7K2M4QXP` and `4711:9f2c…` stand for the request reference and
the audit head printed by an earlier command, and are replaced by them."""

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import Lawful

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
BLOCK = re.compile(
    r"(<!-- readme-test: not run: (?P<why>.*?) -->\n)?```(?P<lang>[^\n]*)\n(?P<body>.*?)```", re.S
)
PLACEHOLDERS = {"R-7K2M4QXP": r"\bR-[0-9A-Z]{8}\b", "4711:9f2c…": r"\b\d+:[0-9a-f]{64}\b"}
MOST_LEFT_OUT = 8  # a README whose examples mostly do not run is not what this test is for


@dataclass(frozen=True)
class Command:
    line: str  # as the README writes it, for the failure message
    args: list[str]  # after `lawful`
    exit_code: int
    output: str | None  # `> FILE`: where the README sends standard output
    left_out: str | None  # why it is not run, as the README says


def commands(text: str) -> list[Command]:
    found = []
    for block in BLOCK.finditer(text):
        if block["lang"].strip() not in ("sh", "bash", "console", ""):
            continue
        body = block["body"].replace("\\\n", " ")  # a continued line is one command
        for line in body.splitlines():
            if not line.startswith("lawful "):
                continue
            comment = line.partition(" #")[2]
            skipped = re.search(r"\[not run: ([^\]]+)\]", comment)
            expected = re.search(r"\[exit (\d+)\]", comment)
            words = shlex.split(line, comments=True)[1:]
            output = None
            if ">" in words:
                output = words[words.index(">") + 1]
                words = words[: words.index(">")]
            found.append(
                Command(
                    line=line,
                    args=words,
                    exit_code=int(expected[1]) if expected else 0,
                    output=output,
                    left_out=block["why"] or (skipped[1] if skipped else None),
                )
            )
    return found


def test_the_readme_shows_the_commands_and_leaves_few_out() -> None:
    found = commands(README.read_text(encoding="utf-8"))
    left_out = [c for c in found if c.left_out]

    assert len(found) >= 30
    assert {("staff", "reset-password"), ("subjects", "import"), ("decide", "check"), ("dsr", "assign")} <= {
        tuple(c.args[:2]) for c in found
    }
    assert len(left_out) <= MOST_LEFT_OUT, [c.line for c in left_out]
    assert all(c.left_out and len(c.left_out) > 10 for c in left_out)  # each says why


def test_the_extractor_reads_continuations_redirections_and_markers() -> None:
    text = (
        "```sh\nlawful a b \\\n    --c 'd e'   # x [exit 1]\nlawful f > out.json\n"
        "lawful g   # [not run: needs a server to talk to]\nscripts/demo --port 1\n```\n"
        "<!-- readme-test: not run: the demo lacks it -->\n```sh\nlawful h\n```\n```python\nlawful.x()\n```\n"
    )

    found = commands(text)

    assert [(c.args, c.exit_code, c.output, c.left_out) for c in found] == [
        (["a", "b", "--c", "d e"], 1, None, None),
        (["f"], 0, "out.json", None),
        (["g"], 0, None, "needs a server to talk to"),
        (["h"], 0, None, "the demo lacks it"),
    ]


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The repository's root as the README's reader has it (examples/ at hand), writing into a temporary one."""
    place = tmp_path / "checkout"
    place.mkdir()
    (place / "examples").symlink_to(ROOT / "examples", target_is_directory=True)
    monkeypatch.chdir(place)
    return place


def test_every_readme_command_works_against_a_fresh_demo(lawful: Lawful, workdir: Path) -> None:
    demo = lawful("demo", "--no-serve")
    assert demo.exit_code == 0, demo.output
    printed = demo.output
    failures = []

    for command in commands(README.read_text(encoding="utf-8")):
        if command.left_out:
            continue
        args = [_filled(word, printed) for word in command.args]
        result = lawful(*args)
        printed += result.output
        if command.output is not None:
            (workdir / command.output).write_text(result.stdout, encoding="utf-8")
        if result.exit_code != command.exit_code:
            failures.append(f"{command.line}\n  exit {result.exit_code}: {result.output.strip()[-400:]}")

    assert failures == []


def _filled(word: str, printed: str) -> str:
    for placeholder, pattern in PLACEHOLDERS.items():
        if placeholder in word:
            values = re.findall(pattern, printed)
            assert values, f"nothing printed before {word} to stand for {placeholder}"
            word = word.replace(placeholder, values[-1])
    return word
