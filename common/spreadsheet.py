"""CSV that streams in constant memory and that a spreadsheet will not run as formulas."""

import csv
from collections.abc import Iterable

from django.http import FileResponse, StreamingHttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """A cell starting like a formula is prefixed with an apostrophe, so it stays text."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Echo:
    def write(self, value):
        return value


def csv_response(*, filename: str, header: list, rows: Iterable[Iterable]) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"  # so that spreadsheets read the file as UTF-8
        yield writer.writerow([safe_cell(cell) for cell in header])
        for row in rows:
            yield writer.writerow([safe_cell(cell) for cell in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx_cell(value):
    """Numbers stay numbers (a Finnish spreadsheet shows them with its own comma); dates stay
    dates; text that starts like a formula stays text."""
    from datetime import date
    from decimal import Decimal

    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal | date):
        return value
    return safe_cell(value)


def xlsx_response(*, filename: str, header: list, rows: Iterable[Iterable]) -> FileResponse:
    """The same table as an XLSX workbook, written by openpyxl in write-only mode: the rows go
    to a temporary file as they come, so memory stays flat at any size."""
    import tempfile

    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append([str(cell) for cell in header])
    for row in rows:
        sheet.append([_xlsx_cell(cell) for cell in row])
    file = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when sent
    book.save(file)
    file.seek(0)
    return FileResponse(file, as_attachment=True, filename=filename, content_type=XLSX_TYPE)
