"""``quizapp report …``: the report CSVs on standard output (problems on standard error).

Reports hold what learners typed. Written to a file or a pipe, the CSV keeps it exactly; written
to a terminal, every control character (and bidi control) is shown escaped, so that a name
holding an escape sequence cannot retitle the window, rewrite what the screen shows, or reorder
a line.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Iterator
from typing import TextIO

import click
from flask.cli import with_appcontext

from quizapp import clock
from quizapp.catalog.queries import activity_by_slug
from quizapp.csvstream import csv_lines
from quizapp.dates import DateRange
from quizapp.db import get_db
from quizapp.models import Activity
from quizapp.reports.completions import COMPLETION_COLUMNS, completion_rows
from quizapp.reports.evaluations import EVALUATION_COLUMNS, evaluation_rows
from quizapp.reports.items import ITEM_COLUMNS, activity_versions, item_analysis, item_row
from quizapp.reports.pars import PARS_COLUMNS, ParsException, pars_activity_id, pars_entries


@click.group("report", help="Write report CSVs to standard output.")
def report_cli() -> None:
    pass


def _activity(session, slug: str) -> Activity:  # type: ignore[no-untyped-def]
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


def _write(header: list[str], rows) -> None:  # type: ignore[no-untyped-def]
    for chunk in csv_lines(header, rows):
        sys.stdout.write(_for(sys.stdout, chunk))


@report_cli.command("completions", help="Credits claimed between two dates (inclusive).")
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), required=True)
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), required=True)
@click.option("--activity", "slug", default=None, help="Only this activity's slug.")
@with_appcontext
def completions_command(start: dt.datetime, end: dt.datetime, slug: str | None) -> None:
    if end < start:
        raise click.BadParameter("--to is before --from")
    with get_db().read_session() as session:
        _write(
            COMPLETION_COLUMNS,
            completion_rows(session, DateRange(start.date(), end.date()), slug),
        )


@report_cli.command("pars", help="ACCME PARS learner upload for one activity.")
@click.argument("slug")
@with_appcontext
def pars_command(slug: str) -> None:
    with get_db().read_session() as session:
        activity = _activity(session, slug)
        _, problem = pars_activity_id(session, activity)
        if problem:
            click.echo(_for(sys.stderr, f"warning: {problem}"), err=True)
        exceptions: list[ParsException] = []

        def rows() -> Iterator[list[str]]:
            for entry in pars_entries(session, activity, clock.today()):
                if isinstance(entry, ParsException):
                    exceptions.append(entry)
                else:
                    yield entry

        _write(PARS_COLUMNS, rows())
    for exception in exceptions:
        click.echo(
            _for(
                sys.stderr,
                f"not reported: {exception.learner} <{exception.email}>, completed "
                f"{exception.completed_on}: {exception.problem}",
            ),
            err=True,
        )


@report_cli.command("items", help="Item analysis of an activity's version.")
@click.argument("slug")
@click.option("--version", "number", type=int, default=None, help="Default: the newest.")
@click.option("--all-attempts", is_flag=True, help="Use every attempt, not only first ones.")
@with_appcontext
def items_command(slug: str, number: int | None, all_attempts: bool) -> None:
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
    with get_db().read_session() as session:
        _write(EVALUATION_COLUMNS, evaluation_rows(session, _activity(session, slug)))
