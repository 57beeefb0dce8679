"""The upload files of the board reports: ACCME's Excel learner template, its tab-delimited
text variant, and CSV.

Each is written from the same rows of cells, so a batch downloaded in any format holds the
same records. A file must come out byte for byte the same each time it is downloaded, so
nothing in it depends on the moment of writing: the workbook's properties and the dates of
its zip entries are the batch's own time.

Learners type their names, so every cell goes through :func:`spreadsheet_safe` in all three
formats: Excel opens the text file too.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.writer.excel import ExcelWriter

from quizapp.csvstream import spreadsheet_safe
from quizapp.reports.kinds import DATE_ISO, DATE_MDY, NUMBER, ReportKind

MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "txt": "text/plain; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
}


def guidance(kind: ReportKind, when: dt.datetime, batch_id: int | None = None, by: str = "") -> str:
    """Row 1 of the Excel file: what it holds, and how the rows below are laid out."""
    what = f"batch {batch_id}, recorded by {by}" if batch_id else "every reportable completion"
    return (
        f"{kind.title}, {what} on {when.date().isoformat()}. Row 2 is the header of ACCME's "
        "Excel learner template; from row 3, each row adds or deletes one learner's completion "
        "(Record Action). Prepared by quizapp."
    )


def render(
    kind: ReportKind,
    fmt: str,
    rows: Sequence[Sequence[str]],
    *,
    guidance: str,
    written_at: dt.datetime,
) -> bytes:
    """The file in ``fmt`` (one of ``kind.formats``)."""
    if fmt == "xlsx":
        return xlsx_bytes(kind, rows, guidance=guidance, written_at=written_at)
    if fmt == "txt":
        return txt_bytes(rows)
    return csv_bytes(kind.columns, rows)


def csv_bytes(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> bytes:
    """Header, then one line per row, as the CSV downloads of every report."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    writer.writerows([spreadsheet_safe(cell) for cell in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def txt_bytes(rows: Sequence[Sequence[str]]) -> bytes:
    """Tab-delimited text as Excel saves it from the template once the guidance and header
    rows are removed: records only, one per line, tabs between cells. A tab or line break a
    learner typed would break the record, so it becomes a space."""
    lines = [
        "\t".join(
            " ".join(str(spreadsheet_safe(cell)).replace("\t", " ").splitlines()) for cell in row
        )
        for row in rows
    ]
    return "".join(line + "\r\n" for line in lines).encode("utf-8")


def xlsx_bytes(
    kind: ReportKind,
    rows: Sequence[Sequence[str]],
    *,
    guidance: str,
    written_at: dt.datetime,
) -> bytes:
    """ACCME's layout: guidance in row 1, the header in row 2, one record a row from row 3.

    Dates are date cells and credits numbers, as a person filling in the template would
    leave them; everything else is text, so an ID keeps its leading zeros.
    """
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Learners"
    sheet.append([guidance])
    sheet["A1"].alignment = Alignment(wrap_text=False)
    sheet.append(list(kind.columns))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_typed(value, kind.column_types[index]) for index, value in enumerate(row)])
        for index, cell in enumerate(sheet[sheet.max_row]):
            if kind.column_types[index] == DATE_MDY:
                cell.number_format = "mm/dd/yyyy"
            elif kind.column_types[index] == DATE_ISO:
                cell.number_format = "yyyy-mm-dd"
            elif kind.column_types[index] != NUMBER:
                cell.number_format = "@"
    for index, name in enumerate(kind.columns, start=1):
        sheet.column_dimensions[sheet.cell(row=2, column=index).column_letter].width = max(
            12, len(name) + 2
        )
    stamp = written_at.astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)
    workbook.properties.created = stamp
    workbook.properties.modified = stamp
    workbook.properties.creator = "quizapp"
    buffer = io.BytesIO()
    with _StampedZip(buffer, stamp) as archive:
        ExcelWriter(workbook, archive).write_data()
    return buffer.getvalue()


def _typed(value: str, column_type: str) -> Any:
    if not value:
        return None
    if column_type == NUMBER:
        return Decimal(value)
    if column_type == DATE_MDY:
        return dt.datetime.strptime(value, "%m/%d/%Y")
    if column_type == DATE_ISO:
        return dt.datetime.fromisoformat(value)
    return spreadsheet_safe(value)


class _StampedZip(zipfile.ZipFile):
    """A zip whose entries carry one given time instead of the clock's, so the same workbook
    makes the same bytes."""

    def __init__(self, file: io.BytesIO, stamp: dt.datetime) -> None:
        super().__init__(file, "w", zipfile.ZIP_DEFLATED)
        self.stamp = stamp.timetuple()[:6]

    def writestr(  # type: ignore[override]
        self, zinfo_or_arcname: str | zipfile.ZipInfo, data: bytes | str, *args: Any, **kw: Any
    ) -> None:
        if isinstance(zinfo_or_arcname, str):
            zinfo_or_arcname = zipfile.ZipInfo(zinfo_or_arcname, date_time=self.stamp)
            zinfo_or_arcname.compress_type = zipfile.ZIP_DEFLATED
        super().writestr(zinfo_or_arcname, data, *args, **kw)

    def write(  # type: ignore[override]
        self, filename: str, arcname: str | None = None, *args: Any, **kw: Any
    ) -> None:
        with open(filename, "rb") as source:
            self.writestr(arcname or filename, source.read())
