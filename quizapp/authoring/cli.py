"""``quizapp content check|sync|new|withdraw|reinstate``: the author's commands, with ``export``,
``import`` and ``import-text`` from :mod:`quizapp.exchange.cli`.

The checker, the sync service and Flask are imported inside the commands, so that
``quizapp content --help`` and a usage error start in a fraction of a second."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from quizapp.cli import with_appcontext
from quizapp.exchange.cli import export_command, import_command, import_text_command

if TYPE_CHECKING:
    from quizapp.content import Problem

PATH_ARGUMENT = click.argument("path", required=False, type=click.Path(path_type=Path))


@click.group(
    "content", help="Check, sync, scaffold, export and import activities written in Markdown."
)
def content_cli() -> None:
    pass


for _command in (export_command, import_command, import_text_command):
    content_cli.add_command(_command)


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


def _cores() -> int:
    """The processors this command may run on: its CPU affinity where the system has one (a
    container limited to some of the machine's cores), else every core."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


@with_appcontext
def _configured_content_dir() -> Path:
    return _content_path(None)


@content_cli.command("check", help="Report every problem as path:line: message (exit 1 if any).")
@PATH_ARGUMENT
def check_command(path: Path | None) -> None:
    """The application (its configuration, the database, every blueprint: about a second) is
    built only to find the configured content folder: checking a given PATH needs nothing of
    it. A large tree is read on every core (see :func:`load_tree`)."""
    from quizapp.content import load_tree

    root = path if path is not None else _configured_content_dir()
    tree = load_tree(root, processes=_cores())
    for problem in sorted(tree.problems + tree.warnings):
        _echo_problem(problem)
    if tree.problems:
        click.echo(f"{len(tree.problems)} problem(s) found.", err=True)
        raise SystemExit(1)
    noun = "activity" if len(tree.activities) == 1 else "activities"
    warned = f" ({len(tree.warnings)} warning(s) above)" if tree.warnings else ""
    click.echo(f"{len(tree.activities)} {noun} checked, no problems{warned}.")


@content_cli.command(
    "sync",
    help="Apply the content tree to the database in one transaction. Without --keep-going, "
    "any problem stops the sync and nothing changes (exit 1).",
)
@PATH_ARGUMENT
@click.option(
    "--keep-going",
    is_flag=True,
    help="Skip the folders that have problems (printing them), sync the rest and exit 0; "
    "what a skipped folder published before stays published.",
)
@with_appcontext
def sync_command(path: Path | None, keep_going: bool) -> None:
    from quizapp import clock
    from quizapp.authoring.services import ContentRejected, sync_content
    from quizapp.db import get_db

    try:
        report = sync_content(
            get_db(),
            _content_path(path),
            now=clock.now(),
            keep_going=keep_going,
            processes=_cores(),
        )
    except ContentRejected as rejected:
        for problem in rejected.problems:
            _echo_problem(problem)
        click.echo("Nothing was synced: fix the problems above first.", err=True)
        raise SystemExit(1) from None
    for problem in report.problems:
        _echo_problem(problem)
    for folder in report.skipped:
        click.echo(f"{folder}: skipped because of the problems above; nothing of it changed.")
    for change in report.changes:
        click.echo(str(change))
    for slug in report.drafts:
        click.echo(f"{slug}: draft, not synced (delete 'draft: true' to publish it)")
    skipped = f"; {len(report.skipped)} folder(s) skipped" if report.skipped else ""
    click.echo(f"{len(report.changed)} of {len(report.changes)} activities changed{skipped}.")


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
        f"Created {folder}/article.md and posttest.md as a draft: the checker lists the "
        f"placeholder texts to replace ('quizapp content check {folder}'), and no sync "
        "publishes the activity until you delete the line 'draft: true'."
    )


@content_cli.command(
    "withdraw",
    help="Take the published activity SLUG off the catalog and close it to new learners; "
    "records and certificates are kept.",
)
@click.argument("slug")
@click.option("--reason", required=True, help="Why, for the audit log.")
@with_appcontext
def withdraw_command(slug: str, reason: str) -> None:
    from quizapp import clock
    from quizapp.authoring.services import WithdrawalRefused, withdraw_activity
    from quizapp.db import get_db
    from quizapp.errors import NotFound

    try:
        withdraw_activity(get_db(), slug, reason, now=clock.now())
    except NotFound:
        raise click.ClickException(f"No activity has been published at '{slug}'.") from None
    except WithdrawalRefused as refused:
        raise click.ClickException(refused.message) from None
    click.echo(
        f"{slug}: withdrawn. It is off the catalog and takes no new attempts; its records and "
        "certificates are kept."
    )


@content_cli.command("reinstate", help="Bring the withdrawn activity SLUG back to the catalog.")
@click.argument("slug")
@with_appcontext
def reinstate_command(slug: str) -> None:
    from quizapp import clock
    from quizapp.authoring.services import WithdrawalRefused, reinstate_activity
    from quizapp.db import get_db
    from quizapp.errors import NotFound

    try:
        reinstate_activity(get_db(), slug, now=clock.now())
    except NotFound:
        raise click.ClickException(f"No activity has been published at '{slug}'.") from None
    except WithdrawalRefused as refused:
        raise click.ClickException(refused.message) from None
    click.echo(f"{slug}: reinstated. It is in the catalog again.")
