"""The register's YAML within bounds: length, nesting and alias expansion ("billion laughs") are refused
while the document is read, before any value is built, naming the problem."""

import time

import pytest

from lawful.processing import loader, service
from tests.registers import as_yaml, laughs, minimal


def _rules(text: str) -> list[str]:
    return [problem.rule for problem in service.check(text)[1]]


def test_a_register_whose_aliases_stand_for_200000_activities_is_refused_within_a_second() -> None:
    text = laughs(200_000)
    started = time.monotonic()

    problems = service.check(text)[1]

    assert time.monotonic() - started < 1
    assert [(p.path, p.rule) for p in problems] == [("(document)", "yaml_expansion")]
    assert "more than 100,000 values once its aliases (*name) are expanded" in problems[0].message


def test_a_register_repeating_an_activity_a_few_times_through_aliases_is_read() -> None:
    assert "yaml_expansion" not in _rules(laughs(3))


def test_nested_aliases_billion_laughs_are_refused() -> None:
    levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    levels += [f"{chr(98 + n)}: &{chr(98 + n)} [{', '.join([f'*{chr(97 + n)}'] * 10)}]" for n in range(8)]

    assert _rules("\n".join(levels)) == ["yaml_expansion"]


@pytest.mark.parametrize(("extra", "refused"), [(0, False), (1, True)])
def test_a_document_of_exactly_the_largest_expansion_is_read(extra: int, refused: bool) -> None:
    # the outer list 1, the anchored list 1 + 999, 98 aliases of it, then single values up to the bound
    values = 1 + 1000 + 98 * 1000
    text = "- &a [" + ", ".join(["x"] * 999) + "]\n" + "- *a\n" * 98
    text += "- x\n" * (loader.MAX_NODES - values + extra)

    _, problems = loader.load_yaml(text)

    assert [p.rule for p in problems] == (["yaml_expansion"] if refused else [])


def test_an_alias_to_a_value_that_contains_it_is_refused() -> None:
    assert _rules("a: &a [1, *a]") == ["yaml_recursive"]


@pytest.mark.parametrize(("depth", "refused"), [(32, False), (33, True), (1000, True)])
def test_a_document_nested_deeper_than_32_levels_is_refused(depth: int, refused: bool) -> None:
    _, problems = loader.load_yaml("[" * depth + "]" * depth)

    assert [p.rule for p in problems] == (["yaml_depth"] if refused else [])


@pytest.mark.parametrize(("extra", "refused"), [(0, False), (1, True)])
def test_a_document_over_two_million_characters_is_refused_unread(extra: int, refused: bool) -> None:
    text = as_yaml(minimal())
    text += "#" + "x" * (loader.MAX_CHARACTERS - len(text) - 2 + extra) + "\n"

    problems = service.check(text)[1]

    assert len(text) == loader.MAX_CHARACTERS + extra
    assert [p.rule for p in problems if p.rule == "yaml_size"] == (["yaml_size"] if refused else [])
