"""``quizapp content export|import|import-text``: thin commands over the exchange core.

Bad input (a hostile or damaged package, text with no questions, an existing folder) ends
with one clear message and exit status 1, and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from quizapp.cli import with_appcontext

if TYPE_CHECKING:
    from quizapp.content import Problem

FORMAT_KEYS = ("gift", "moodle-xml", "qti21", "qti30")
"""The keys of :data:`quizapp.exchange.formats.EXPORT_FORMATS` (a test keeps them equal), named
here so that ``--help`` and a usage error need not import the writers."""

MAX_TEXT_BYTES = 1024 * 1024


def _echo(line: str, *, err: bool = False) -> None:
    """One line that any terminal can show (see authoring.cli._echo_problem)."""
    stream = sys.stderr if err else sys.stdout
    encoding = getattr(stream, "encoding", None) or "utf-8"
    click.echo(line.encode(encoding, "backslashreplace").decode(encoding), err=err)


def _fail(message: str) -> SystemExit:
    _echo(f"Error: {message}", err=True)
    return SystemExit(1)


@click.command("export", help="Write a posttest as QTI 2.1 or 3.0, Moodle XML or GIFT.")
@click.argument("slug")
@click.option(
    "--format",
    "format_key",
    type=click.Choice(FORMAT_KEYS),
    required=True,
    help="qti21 and qti30 write a zip package; moodle-xml and gift one file.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The file to write (default: SLUG-FORMAT.zip, .xml or .gift.txt here).",
)
@with_appcontext
def export_command(slug: str, format_key: str, output: Path | None) -> None:
    from flask import current_app

    from quizapp.content import load_activity
    from quizapp.content.folder import ARTICLE
    from quizapp.content.posttest import ID_RE
    from quizapp.exchange.bank import bank_from_activity
    from quizapp.exchange.formats import EXPORT_FORMATS

    folder = Path(slug)
    if not (folder / ARTICLE).is_file():
        if not ID_RE.match(slug):
            raise _fail(f"no activity folder '{slug}' (give a slug or a folder path)")
        folder = Path(current_app.config["CONTENT_DIR"]) / slug
    if not folder.is_dir():
        raise _fail(f"no activity folder '{slug}' in {folder.parent}")
    activity, problems = load_activity(folder)
    if activity is None:
        for problem in sorted(problems):
            _echo(str(problem))
        raise _fail("the activity has problems; fix them (quizapp content check) and export again")
    export = EXPORT_FORMATS[format_key]
    output = output or Path(f"{activity.slug}-{export.key}{export.suffix}")
    try:
        output.write_bytes(export.write(bank_from_activity(activity)))
    except OSError as error:
        raise _fail(f"cannot write {output}: {error.strerror or error}") from None
    noun = "question" if len(activity.questions) == 1 else "questions"
    _echo(
        f"Wrote {len(activity.questions)} {noun} of {activity.slug} as {export.label} to {output}."
    )


INTO_OPTION = click.option(
    "--into",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="The new activity folder, such as content/new-slug; it must not exist.",
)


def _read_input(path: Path, limit: int) -> bytes:
    try:
        if path.stat().st_size > limit:
            raise _fail(f"{path} is larger than {limit // 2**20} MB")
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as error:
        raise _fail(f"cannot read {path}: {error.strerror or error}") from None
    if len(data) > limit:
        raise _fail(f"{path} is larger than {limit // 2**20} MB")
    return data


def _report_check(folder: Path, advice: str) -> None:
    from quizapp.content import load_activity

    _, problems = load_activity(folder)
    if not problems:
        _echo(f"quizapp content check {folder}: no problems.")
        return
    _echo(f"The checker reports {len(problems)} thing(s) left to do in {folder}:")
    for problem in sorted(problems):
        _echo(f"  {_shown(problem, folder)}")
    _echo(advice)


def _shown(problem: Problem, folder: Path) -> str:
    from quizapp.content import Problem

    path = Path(problem.path)
    shown = path.relative_to(folder.parent) if path.is_relative_to(folder.parent) else path
    return str(Problem(str(shown), problem.line, problem.message))


@click.command("import", help="Start an activity from a QTI 2.1 or 3.0 package.")
@click.argument("package", type=click.Path(path_type=Path, dir_okay=False))
@INTO_OPTION
def import_command(package: Path, into: Path) -> None:
    from quizapp.content.folder import ARTICLE
    from quizapp.exchange.bank import ExchangeError
    from quizapp.exchange.folder_writer import write_activity_folder
    from quizapp.exchange.qti_reader import read_qti_package
    from quizapp.exchange.safezip import MAX_PACKAGE_BYTES

    try:
        bank = read_qti_package(_read_input(package, MAX_PACKAGE_BYTES))
        for skipped in bank.skipped:
            _echo(str(skipped))
        if not bank.questions:
            raise ExchangeError("the package holds no item quizapp can represent; nothing written")
        write_activity_folder(
            into,
            title=bank.title,
            questions=bank.questions,
            figures=bank.figures,
            origin=f"the QTI package {package.name}",
            today=dt.date.today(),
            passing_score=bank.passing_score,
            partial_credit=bank.partial_credit,
        )
    except ExchangeError as error:
        raise _fail(str(error)) from None
    for note in bank.notes:
        _echo(note)
    _echo(
        f"Imported {len(bank.questions)} of {len(bank.questions) + len(bank.skipped)} items "
        f"into {into}."
    )
    _report_check(into, f"Replace the placeholders in {into / ARTICLE} and check again.")


@click.command("import-text", help="Start an activity from a printed posttest's text.")
@click.argument("text_file", type=click.Path(path_type=Path, dir_okay=False))
@INTO_OPTION
def import_text_command(text_file: Path, into: Path) -> None:
    from quizapp.content.folder import ARTICLE
    from quizapp.exchange.bank import ExchangeError
    from quizapp.exchange.folder_writer import write_activity_folder
    from quizapp.exchange.printed import NOTE, parse_printed_posttest

    data = _read_input(text_file, MAX_TEXT_BYTES)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _fail(f"{text_file} is not UTF-8 text; save the PDF's text as UTF-8") from None
    try:
        questions = parse_printed_posttest(text)
        write_activity_folder(
            into,
            title=into.name.replace("-", " ").capitalize(),
            questions=questions,
            figures={},
            origin=f"the printed posttest {text_file.name}",
            today=dt.date.today(),
            note=NOTE,
        )
    except ExchangeError as error:
        raise _fail(str(error)) from None
    _echo(f"Rebuilt {len(questions)} questions in order into {into / 'posttest.md'}.")
    _report_check(
        into,
        "To finish: mark the correct option of each question with [x], write each rationale "
        f"after '> **Rationale:**', replace the placeholders in {into / ARTICLE}, and run "
        f"'quizapp content check {into}'.",
    )


__all__ = ["export_command", "import_command", "import_text_command"]
