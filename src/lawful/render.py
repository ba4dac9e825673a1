"""The one Jinja2 environment for pages, notices, exports and (later) emails; safe spreadsheet cells."""

import io
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from lawful import i18n, statics

TEMPLATES = Path(__file__).parent / "templates"

# What makes a spreadsheet read a cell as a formula (OWASP "CSV injection"): a register string or a
# visitor's value starting with one of these would run when the export is opened.
# A plain number ("-12.5", "+32470000002") starts with a sign but runs nothing: it stays as it is, so
# negative amounts remain numbers and phone numbers reach the dialler unchanged.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")

Cell = TypeVar("Cell")


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["t"] = i18n.t
    env.globals["LANGUAGES"] = i18n.LANGUAGES
    env.globals["static"] = statics.url  # the versioned URL: cached a year, changed with the file
    env.filters["long_date"] = i18n.long_date
    return env


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)


def formula_like(value: object) -> bool:
    """Whether a spreadsheet would read this text as a formula; numbers, dates and None never are."""
    return (
        isinstance(value, str) and value.startswith(FORMULA_STARTS) and _PLAIN_NUMBER.fullmatch(value) is None
    )


def spreadsheet_cell(value: Cell) -> Cell | str:
    """The value for a CSV cell: formula-like text gets a leading quote so it stays text, as OWASP
    recommends; everything else, negative numbers included, is unchanged."""
    return "'" + value if isinstance(value, str) and formula_like(value) else value


def workbook(facts_title: str, facts: dict[str, Any], tables: list[tuple[str, list[list[Any]]]]) -> bytes:
    """An Excel workbook: a first sheet of name/value facts, then one sheet per table (its first row the
    header). Formula-like text is written as a string cell with Excel's quote prefix: shown as typed,
    never run, not even after someone edits the cell."""
    from openpyxl import Workbook  # 18 MiB: loaded only when someone asks for an Excel export

    book = Workbook()
    first = book.active
    assert first is not None
    first.title = facts_title
    rows: list[tuple[Any, list[Any]]] = [
        (first, [name, json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value])
        for name, value in facts.items()
    ]
    for title, table in tables:
        sheet = book.create_sheet(title)
        rows += [(sheet, row) for row in table]
    for sheet, values in rows:
        sheet.append(values)
        for cell in sheet[sheet.max_row]:
            if formula_like(cell.value):
                cell.data_type, cell.quotePrefix = "s", True
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
