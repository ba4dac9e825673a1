"""The Art. 30 record written as JSON, CSV, HTML or XLSX."""

import csv
import io
import json
from enum import StrEnum
from typing import Any

from lawful import render

from .document import Register
from .record import CSV_COLUMNS, csv_rows, record


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
    activities = [list(CSV_COLUMNS), *([row[column] for column in CSV_COLUMNS] for row in csv_rows(data))]
    return render.workbook("Controller", data["controller"], [("Activities", activities)])
