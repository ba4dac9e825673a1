"""A client's data in the format its DPA agreed for their return (Art. 28(3)(g)): JSON, CSV, XLSX or SQL."""

import csv
import io
import json
from typing import Any

from lawful import render

Person = dict[str, Any]  # {"id": …, "data": {category: value}}


def write(people: list[Person], fmt: str, *, client: str) -> bytes:
    categories = sorted({c for p in people for c in p["data"]})
    if fmt == "json":
        return json.dumps({"client": client, "people": people}, indent=2, ensure_ascii=False).encode()
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["person", *categories])
        for p in people:
            writer.writerow([p["id"], *(render.spreadsheet_cell(p["data"].get(c, "")) for c in categories)])
        return buffer.getvalue().encode()
    if fmt == "xlsx":
        return _xlsx(people, categories)
    return _sql(people)


def _xlsx(people: list[Person], categories: list[str]) -> bytes:
    from openpyxl import Workbook  # loaded only when a DPA asks for Excel

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "People"
    sheet.append(["person", *categories])
    for p in people:
        sheet.append([p["id"], *(p["data"].get(c, "") for c in categories)])
        for cell in sheet[sheet.max_row]:
            if render.formula_like(cell.value):
                cell.data_type, cell.quotePrefix = "s", True
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sql(people: list[Person]) -> bytes:
    """Standard SQL any database loads: one row per person and category."""
    lines = ["CREATE TABLE returned_data (person VARCHAR(36), category VARCHAR(120), value TEXT);"]
    for p in people:
        for category, value in sorted(p["data"].items()):
            quoted = [str(x).replace("'", "''") for x in (p["id"], category, value)]
            lines.append(f"INSERT INTO returned_data VALUES ('{quoted[0]}', '{quoted[1]}', '{quoted[2]}');")  # noqa: S608 (a file for the client, quoted)
    return ("\n".join(lines) + "\n").encode()
