"""Spreadsheet cells (OWASP CSV injection): formula-like text stays text, numbers stay numbers."""

import pytest

from lawful import render


@pytest.mark.parametrize(
    "value",
    ['=HYPERLINK("http://x","y")', "+1+1", "-2+3+cmd|' /C calc'!A0", "@SUM(1)", "\tx", "\r=1", "=", "-", "+"],
)
def test_text_a_spreadsheet_would_run_gets_a_leading_quote(value: str) -> None:
    assert render.formula_like(value)
    assert render.spreadsheet_cell(value) == "'" + value


@pytest.mark.parametrize(
    "value",
    ["Acme SRL", "", " =1", "a=b", "'=already quoted", "-12.5", "+32470000002", "-1e5", ".5", None, -3, 2.5],
)
def test_ordinary_text_and_numbers_are_unchanged(value: object) -> None:
    assert not render.formula_like(value)
    assert render.spreadsheet_cell(value) == value
