"""CSV downloads written row by row inside the request context, so memory stays flat and the
request's database session stays open until the last row (and is closed right after)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence

from flask import Response, stream_with_context

Rows = Iterable[Sequence[object]]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell: object) -> object:
    """Text a spreadsheet would run as a formula gets a leading apostrophe (OWASP's advice for
    CSV injection): learners type their own names and evaluation answers."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


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


def csv_response(filename: str, header: Sequence[str], make_rows: Callable[[], Rows]) -> Response:
    """``make_rows`` runs inside the streamed response, where the request context still lives."""

    @stream_with_context
    def generate() -> Iterator[str]:
        yield from csv_lines(header, make_rows())

    response = Response(generate(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
