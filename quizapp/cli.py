"""The ``quizapp`` console script: the Flask CLI bound to the application factory."""

from __future__ import annotations

from flask.cli import FlaskGroup

from quizapp import create_app

cli = FlaskGroup(
    create_app=create_app,
    help="quizapp: CME posttests from Markdown. Run 'quizapp COMMAND --help' for details.",
)


def main() -> None:
    cli()
