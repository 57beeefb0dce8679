"""The application factory, kept out of the package root so that importing the pure core
(``quizapp.content``, ``quizapp.grading``…) does not load Flask."""

from __future__ import annotations

from typing import Any

from flask import Flask


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the application: defaults, then ``instance/config.py``, then ``QUIZAPP_*``."""
    from quizapp import config, db, web

    app = Flask("quizapp", instance_relative_config=True)
    config.load_config(app, test_config)
    db.init_app(app)
    web.init_app(app)
    return app
