"""``quizapp report …``: the report files on standard output or in a file (problems on standard
error). ``pars`` and ``cpe`` also record a batch (``--batch``) and write one again
(``--batch-id``), as the admin pages do.

Reports hold what learners typed. Written to a file or a pipe, a report keeps it exactly;
written to a terminal, every control character (and bidi control) is shown escaped, so that a
name holding an escape sequence cannot retitle the window, rewrite what the screen shows, or
reorder a line.

The report modules, Flask and the database are imported inside the commands, so that
``quizapp report --help`` and a usage error start in a fraction of a second.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, TextIO

import click

from quizapp.cli import with_appcontext

if TYPE_CHECKING:
    from quizapp.db import Session
    from quizapp.models import Activity
    from quizapp.reports import services
    from quizapp.reports.kinds import ReportKind


@click.group(
    "report", help="Write reports to standard output; record PARS and CPE Monitor batches."
)
def report_cli() -> None:
    pass


def _activity(session: Session, slug: str) -> Activity:
    from quizapp.catalog.queries import activity_by_slug

    activity = activity_by_slug(session, slug)
    if activity is None:
        raise click.ClickException(f"There is no activity '{slug}'.")
    return activity


TERMINAL_UNSAFE = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069]|\r(?!\n)"
)
"""C0 and C1 controls (ESC, CSI, BEL…) and the bidi controls; tab, newline and the CSV's own
line ends stay."""


def terminal_safe(text: str) -> str:
    """``text`` with each character a terminal would act on written as its escape (``\\x1b``,
    ``\\u202e``)."""
    return TERMINAL_UNSAFE.sub(lambda match: _escaped(match.group()), text)


def _escaped(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def _is_terminal(stream: TextIO) -> bool:
    return stream.isatty()


def _for(stream: TextIO, text: str) -> str:
    return terminal_safe(text) if _is_terminal(stream) else text


def _write(header: list[str], rows: Iterable[Sequence[object]]) -> None:
    from quizapp.csvstream import csv_lines

    for chunk in csv_lines(header, rows):
        sys.stdout.write(_for(sys.stdout, chunk))


@report_cli.command("completions", help="Credits claimed between two dates (inclusive).")
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), required=True)
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), required=True)
@click.option("--activity", "slug", default=None, help="Only this activity's slug.")
@with_appcontext
def completions_command(start: dt.datetime, end: dt.datetime, slug: str | None) -> None:
    from quizapp.dates import DateRange
    from quizapp.db import get_db
    from quizapp.reports.completions import COMPLETION_COLUMNS, completion_rows

    if end < start:
        raise click.BadParameter("--to is before --from")
    with get_db().read_session() as session:
        _write(
            COMPLETION_COLUMNS,
            completion_rows(session, DateRange(start.date(), end.date()), slug),
        )


def _board_command(
    kind: ReportKind, slug: str, batch: bool, batch_id: int | None, fmt: str, output: str | None
) -> None:
    """The full export, a new batch (recorded, by ``cli``), or a batch recorded before."""
    from quizapp import audit, clock
    from quizapp.db import get_db
    from quizapp.errors import Refused
    from quizapp.reports import services
    from quizapp.reports.kinds import PARS
    from quizapp.reports.pars import pars_activity_id

    if fmt not in kind.formats:
        raise click.BadParameter(f"{kind.title} comes as {', '.join(kind.formats)}")
    if fmt == "xlsx" and not output:
        raise click.BadParameter("an Excel file is binary: give --output FILE")
    if batch and batch_id is not None:
        raise click.BadParameter("--batch makes a new batch; --batch-id writes one made before")
    now = clock.now()
    with get_db().read_session() as session:
        activity = _activity(session, slug)
        activity_id = activity.id
        if kind is PARS:
            _, problem = pars_activity_id(session, activity)
            if problem:
                click.echo(_for(sys.stderr, f"warning: {problem}"), err=True)
        if batch_id is not None:
            _write_batch(session, kind, slug, activity_id, batch_id, fmt, output)
            return
        if not batch:
            _write_full_export(session, kind, activity, now, fmt, output)
            return
    try:
        made = services.record_batch(get_db(), kind, activity_id, audit.CLI, now)
    except Refused as refused:
        raise click.ClickException(refused.message) from None
    with get_db().read_session() as session:
        rows = _write_batch(session, kind, slug, activity_id, made.id, fmt, output)
    added = sum(row[0] == "Add" for row in rows)
    click.echo(
        f"batch {made.id} recorded: {len(rows)} row{'s' if len(rows) != 1 else ''} "
        f"({added} Add, {len(rows) - added} Delete); write it again with --batch-id {made.id}",
        err=True,
    )
    _list_exceptions(made.survey.exceptions)


def _write_batch(
    session: Session,
    kind: ReportKind,
    slug: str,
    activity_id: int,
    batch_id: int,
    fmt: str,
    output: str | None,
) -> list[tuple[str, ...]]:
    from quizapp.errors import NotFound
    from quizapp.reports import services
    from quizapp.reports.files import guidance, render

    try:
        batch, rows = services.batch_file_rows(session, kind, activity_id, batch_id)
    except NotFound:
        raise click.ClickException(f"'{slug}' has no {kind.title} batch {batch_id}.") from None
    written = guidance(kind, batch.created_at, batch.id, batch.created_by_label)
    _emit(render(kind, fmt, rows, guidance=written, written_at=batch.created_at), output)
    return rows


def _write_full_export(
    session: Session,
    kind: ReportKind,
    activity: Activity,
    now: dt.datetime,
    fmt: str,
    output: str | None,
) -> None:
    """Streamed, for a CSV on standard output; the exceptions come after the rows."""
    from quizapp.reports import services
    from quizapp.reports.files import guidance, render

    exceptions: list[services.ReportException] = []

    def rows() -> Iterator[tuple[str, ...]]:
        for entry in services.current_rows(session, kind, activity, now.date()):
            if isinstance(entry, services.ReportException):
                exceptions.append(entry)
            else:
                yield entry

    if fmt == "csv" and not output:
        _write(list(kind.columns), rows())
    else:
        _emit(render(kind, fmt, list(rows()), guidance=guidance(kind, now), written_at=now), output)
    _list_exceptions(exceptions)


def _emit(data: bytes, output: str | None) -> None:
    if output:
        with open(output, "wb") as file:
            file.write(data)
    else:
        sys.stdout.write(_for(sys.stdout, data.decode("utf-8")))


def _list_exceptions(exceptions: list[services.ReportException]) -> None:
    """Everyone left out is named, so nothing is dropped silently; a missed deadline in red."""
    for exception in exceptions:
        line = _for(
            sys.stderr,
            f"not reported: {exception.learner} <{exception.email}>, completed "
            f"{exception.completed_on}: {exception.problem}",
        )
        click.echo(click.style(f"LATE {line}", fg="red") if exception.late else line, err=True)


BOARD_OPTIONS = [
    click.argument("slug"),
    click.option("--batch", is_flag=True, help="Record the next batch and write it."),
    click.option("--batch-id", type=int, default=None, help="Write a batch recorded before."),
    click.option(
        "--format",
        "fmt",
        type=click.Choice(["csv", "txt", "xlsx"]),
        default="csv",
        show_default=True,
        help="PARS: csv, txt or xlsx; CPE Monitor: csv.",
    ),
    click.option("--output", "-o", default=None, help="Write to this file (needed for xlsx)."),
]


def _board_options(command: Callable[..., None]) -> Callable[..., None]:
    for option in reversed(BOARD_OPTIONS):
        command = option(command)
    return command


@report_cli.command("pars", help="ACCME PARS learner upload for one activity.")
@_board_options
@with_appcontext
def pars_command(
    slug: str, batch: bool, batch_id: int | None, fmt: str, output: str | None
) -> None:
    from quizapp.reports.kinds import PARS

    _board_command(PARS, slug, batch, batch_id, fmt, output)


@report_cli.command("cpe", help="CPE Monitor batch of pharmacy credit for one activity.")
@_board_options
@with_appcontext
def cpe_command(slug: str, batch: bool, batch_id: int | None, fmt: str, output: str | None) -> None:
    from quizapp.reports.kinds import CPE_MONITOR

    _board_command(CPE_MONITOR, slug, batch, batch_id, fmt, output)


@report_cli.command("items", help="Item analysis of an activity's version.")
@click.argument("slug")
@click.option("--version", "number", type=int, default=None, help="Default: the newest.")
@click.option("--all-attempts", is_flag=True, help="Use every attempt, not only first ones.")
@with_appcontext
def items_command(slug: str, number: int | None, all_attempts: bool) -> None:
    from quizapp.db import get_db
    from quizapp.reports.items import ITEM_COLUMNS, activity_versions, item_analysis, item_row

    with get_db().read_session() as session:
        versions = activity_versions(session, _activity(session, slug))
        version = (
            versions[-1]
            if number is None
            else next((v for v in versions if v.number == number), None)
        )
        if version is None:
            raise click.ClickException(f"'{slug}' has no version {number}.")
        analysis = item_analysis(session, version, first_attempts_only=not all_attempts)
    _write(
        ITEM_COLUMNS,
        (item_row(analysis, item, option) for item in analysis.items for option in item.options),
    )


@report_cli.command("evaluations", help="Evaluation answers counted, and the free text.")
@click.argument("slug")
@with_appcontext
def evaluations_command(slug: str) -> None:
    from quizapp.db import get_db
    from quizapp.reports.evaluations import EVALUATION_COLUMNS, evaluation_rows

    with get_db().read_session() as session:
        _write(EVALUATION_COLUMNS, evaluation_rows(session, _activity(session, slug)))
