"""The ``quizapp`` console script.

It starts fast: this module imports Click alone, ``quizapp --help`` lists the commands from
the table below without importing them, and a command's module is imported only when that
command is named. The application is built only when a command that uses it runs (each does
so through ``with_appcontext``), so a usage error or ``--help`` never opens the database or
writes an instance secret. Flask's own options (``-A``, ``--env-file``) and its ``shell`` and
``routes`` commands are left out: the application is always quizapp's.
"""

from __future__ import annotations

import functools
import importlib
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

COMMANDS: dict[str, tuple[str, str]] = {
    "content": (
        "quizapp.authoring.cli:content_cli",
        "Check, sync, scaffold, export and import activities written in Markdown.",
    ),
    "db": ("quizapp.migrate:db_cli", "Database schema migrations, backups and restores."),
    "demo-admin": (
        "quizapp.accounts.cli:demo_admin_command",
        "Create a demo administrator if the site has none.",
    ),
    "mail": (
        "quizapp.mail.cli:mail_cli",
        "Send the queued email; queue the daily approval digest; purge old sent mail.",
    ),
    "report": (
        "quizapp.reports.cli:report_cli",
        "Write reports to standard output; record PARS and CPE Monitor batches.",
    ),
    "run": ("flask.cli:run_command", "Run a local development server."),
    "user": ("quizapp.accounts.cli:user_cli", "Create accounts and change roles."),
}
"""Each command: where it lives, and the line ``quizapp --help`` shows for it (a test keeps
these equal to the commands' own help)."""


F = TypeVar("F", bound=Callable[..., Any])


class LazyGroup(click.Group):
    """A group whose commands are imported when named, and which builds the application (through
    Flask's ``ScriptInfo``) only when one of them asks for it."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module_name, _, attribute = COMMANDS[cmd_name][0].partition(":")
        command: click.Command = getattr(importlib.import_module(module_name), attribute)
        if "flask.cli" in sys.modules:  # the command uses Flask's decorators: no cost to add it
            ctx.obj = _script_info(serving=cmd_name == "run")
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


cli = LazyGroup(
    name="quizapp",
    help="quizapp: CME posttests from Markdown. Run 'quizapp COMMAND --help' for details.",
)


def with_appcontext(command: F) -> F:
    """Flask's ``with_appcontext``, imported when the command runs rather than when its module
    is: a command's ``--help`` and usage errors then load neither Flask nor the database."""

    @functools.wraps(command)
    def run_in_app(*args: Any, **kwargs: Any) -> Any:
        from flask.cli import ScriptInfo
        from flask.cli import with_appcontext as flask_with_appcontext

        root = click.get_current_context().find_root()
        if not isinstance(root.obj, ScriptInfo):  # run as `quizapp`, not through app.cli
            root.obj = _script_info(serving=False)
        return flask_with_appcontext(command)(*args, **kwargs)

    return run_in_app  # type: ignore[return-value]


def _script_info(*, serving: bool) -> Any:
    """How Flask's commands find the application: quizapp's factory, nothing to discover.

    Only a server says at start-up how mail is delivered; an author's ``content check`` has no
    use for it."""
    from flask.cli import ScriptInfo

    from quizapp import create_app

    return ScriptInfo(
        create_app=lambda: create_app(None if serving else {"STARTUP_NOTICES": False}),
        set_debug_flag=False,
    )


def main() -> None:
    cli(prog_name="quizapp")
