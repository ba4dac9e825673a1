"""The Art. 30(2) record written as JSON, CSV, HTML or XLSX, with the cell safety of the Art. 30(1) export."""

import csv
import io
import json
from typing import TYPE_CHECKING, Any

from lawful import processing, render

from .record import COLUMNS, rows

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

LOG_COLUMNS = ("client", "activity", "action", "outcome", "entries")


def write(data: dict[str, Any], fmt: processing.ExportFormat) -> bytes:
    if fmt is processing.ExportFormat.JSON:
        return json.dumps(data, indent=2, ensure_ascii=False).encode()
    if fmt is processing.ExportFormat.CSV:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: render.spreadsheet_cell(v) for k, v in row.items()} for row in rows(data))
        return buffer.getvalue().encode()
    if fmt is processing.ExportFormat.HTML:
        return render.render("clients/register.html", record=data).encode()
    return _xlsx(data)


def _xlsx(data: dict[str, Any]) -> bytes:
    from openpyxl import Workbook  # loaded only when someone asks for the Excel export

    book = Workbook()
    processor = book.active
    assert processor is not None
    processor.title = "Processor"
    for name, value in data["processor"].items():
        _append(
            processor,
            [name, json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value],
        )
    sheet = book.create_sheet("Clients")
    _append(sheet, list(COLUMNS))
    for row in rows(data):
        _append(sheet, [row[column] for column in COLUMNS])
    log = book.create_sheet("Processing log")
    _append(log, list(LOG_COLUMNS))
    for client in data["clients"]:
        for entry in client.get("processing_log", []):
            _append(log, [client["key"], *(entry[c] for c in LOG_COLUMNS[1:])])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _append(sheet: "Worksheet", values: list[Any]) -> None:
    """Formula-like text stays a string cell with Excel's quote prefix (as the Art. 30(1) export does)."""
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if render.formula_like(cell.value):
            cell.data_type, cell.quotePrefix = "s", True
