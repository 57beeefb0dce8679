"""CSV downloads written row by row inside the request context, so memory stays flat and the
request's database session stays open until the last row (and is closed right after)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence

from flask import Response, stream_with_context

Rows = Iterable[Sequence[object]]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_AFTER_SEPARATOR = re.compile(r"([;,|\t\r\n][ \t\r\n]*)([=+\-@])")
"""A formula lead after a character a spreadsheet may split the cell on."""


def spreadsheet_safe(cell: object) -> object:
    """Text a spreadsheet would run as a formula gets an apostrophe (OWASP's advice for CSV
    injection): learners type their own names and evaluation answers.

    A spreadsheet set to split on ``;`` (the list separator of many locales) turns
    ``Ann;=HYPERLINK(…)`` into two cells, the second a formula, so a formula lead after any
    such separator is neutralised too, not only one at the start of the cell.
    """
    if not isinstance(cell, str):
        return cell
    text = "'" + cell if cell.startswith(FORMULA_STARTS) else cell
    return FORMULA_AFTER_SEPARATOR.sub(r"\1'\2", text)


def csv_lines(header: Sequence[str], rows: Rows) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([spreadsheet_safe(cell) for cell in row])
        if buffer.tell() > 16_384:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


BYTE_ORDER_MARK = "\ufeff"


def csv_response(
    filename: str,
    header: Sequence[str],
    make_rows: Callable[[], Rows],
    *,
    byte_order_mark: bool = False,
) -> Response:
    """``make_rows`` runs inside the streamed response, where the request context still lives.

    ``byte_order_mark`` starts the file with U+FEFF: Excel, opening a CSV by double click,
    reads it as UTF-8 only then ("Zoë" otherwise shows as "ZoÃ«"). Files another program
    uploads (the PARS report) go without it.
    """

    @stream_with_context
    def generate() -> Iterator[str]:
        if byte_order_mark:
            yield BYTE_ORDER_MARK
        yield from csv_lines(header, make_rows())

    response = Response(generate(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
