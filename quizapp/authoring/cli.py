"""``quizapp content check|sync|new``: the author's commands.

The checker, the sync service and Flask are imported inside the commands, so that
``quizapp content --help`` and a usage error start in a fraction of a second."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from quizapp.cli import with_appcontext

if TYPE_CHECKING:
    from quizapp.content import Problem

PATH_ARGUMENT = click.argument("path", required=False, type=click.Path(path_type=Path))


@click.group("content", help="Check, sync and scaffold activities written in Markdown.")
def content_cli() -> None:
    pass


def _content_path(path: Path | None) -> Path:
    from flask import current_app

    return path if path is not None else Path(current_app.config["CONTENT_DIR"])


def _echo_problem(problem: Problem) -> None:
    """Print one problem so that any terminal can show it.

    A problem is already one line of printable text (see :class:`Problem`); a character the
    terminal's encoding lacks, such as "…" in an ASCII shell, is printed as a backslash escape
    instead of stopping the command with a traceback half-way through the list.
    """
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    click.echo(str(problem).encode(encoding, "backslashreplace").decode(encoding))


@content_cli.command("check", help="Report every problem as path:line: message (exit 1 if any).")
@PATH_ARGUMENT
@with_appcontext
def check_command(path: Path | None) -> None:
    from quizapp.content import load_tree

    tree = load_tree(_content_path(path))
    for problem in sorted(tree.problems + tree.warnings):
        _echo_problem(problem)
    if tree.problems:
        click.echo(f"{len(tree.problems)} problem(s) found.", err=True)
        raise SystemExit(1)
    noun = "activity" if len(tree.activities) == 1 else "activities"
    warned = f" ({len(tree.warnings)} warning(s) above)" if tree.warnings else ""
    click.echo(f"{len(tree.activities)} {noun} checked, no problems{warned}.")


@content_cli.command("sync", help="Apply the content tree to the database in one transaction.")
@PATH_ARGUMENT
@with_appcontext
def sync_command(path: Path | None) -> None:
    from quizapp import clock
    from quizapp.authoring.services import ContentRejected, sync_content
    from quizapp.db import get_db

    try:
        report = sync_content(get_db(), _content_path(path), now=clock.now())
    except ContentRejected as rejected:
        for problem in rejected.problems:
            _echo_problem(problem)
        click.echo("Nothing was synced: fix the problems above first.", err=True)
        raise SystemExit(1) from None
    for change in report.changes:
        click.echo(str(change))
    click.echo(f"{len(report.changed)} of {len(report.changes)} activities changed.")


@content_cli.command("new", help="Create content/SLUG with an article and posttest to edit.")
@click.argument("slug")
@click.option(
    "--root", type=click.Path(path_type=Path), help="Content folder (default: CONTENT_DIR)."
)
@with_appcontext
def new_command(slug: str, root: Path | None) -> None:
    from quizapp.authoring.scaffold import ScaffoldError, scaffold_activity
    from quizapp.content.posttest import ID_RE

    if not ID_RE.match(slug):
        raise click.BadParameter("use lower-case letters, digits and hyphens", param_hint="SLUG")
    try:
        folder = scaffold_activity(_content_path(root), slug, dt.date.today())
    except ScaffoldError as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"Created {folder}/article.md and posttest.md; edit them, then run "
        f"'quizapp content check {folder}'."
    )
