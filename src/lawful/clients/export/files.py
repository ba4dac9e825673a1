"""The Art. 30(2) record written as JSON, CSV, HTML or XLSX, with the cell safety of the Art. 30(1) export."""

import csv
import io
import json
from typing import Any

from lawful import processing, render

from .record import COLUMNS, rows

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
    clients = [list(COLUMNS), *([row[column] for column in COLUMNS] for row in rows(data))]
    log = [list(LOG_COLUMNS)] + [
        [client["key"], *(entry[c] for c in LOG_COLUMNS[1:])]
        for client in data["clients"]
        for entry in client.get("processing_log", [])
    ]
    return render.workbook("Processor", data["processor"], [("Clients", clients), ("Processing log", log)])
