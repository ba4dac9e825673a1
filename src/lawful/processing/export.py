"""The Art. 30 record written as JSON, CSV, HTML or XLSX."""

import csv
import io
import json
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from lawful import render

from .document import Register
from .record import CSV_COLUMNS, csv_rows, record

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet


class ExportFormat(StrEnum):
    JSON = "json"
    CSV = "csv"
    HTML = "html"
    XLSX = "xlsx"


MEDIA_TYPES = {
    ExportFormat.JSON: "application/json",
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.HTML: "text/html; charset=utf-8",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def export(register: Register, fmt: ExportFormat, *, lang: str, version: int) -> bytes:
    data = record(register, lang) | {"register_version": version}
    if fmt is ExportFormat.JSON:
        return json.dumps(data, indent=2, ensure_ascii=False).encode()
    if fmt is ExportFormat.CSV:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: render.spreadsheet_cell(v) for k, v in row.items()} for row in csv_rows(data))
        return buffer.getvalue().encode()
    if fmt is ExportFormat.HTML:
        return render.render("processing/record.html", record=data).encode()
    return _xlsx(data)


def _xlsx(data: dict[str, Any]) -> bytes:
    from openpyxl import Workbook  # 18 MiB: loaded only when someone asks for the Excel export

    book = Workbook()
    controller = book.active
    assert controller is not None
    controller.title = "Controller"
    for name, value in data["controller"].items():
        _append(
            controller,
            [name, json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value],
        )
    sheet = book.create_sheet("Activities")
    _append(sheet, list(CSV_COLUMNS))
    for row in csv_rows(data):
        _append(sheet, [row[column] for column in CSV_COLUMNS])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _append(sheet: "Worksheet", values: list[Any]) -> None:
    """A row whose formula-like text is written as a string cell with Excel's quote prefix: shown as
    typed, never run, not even after someone edits the cell."""
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if render.formula_like(cell.value):
            cell.data_type, cell.quotePrefix = "s", True
