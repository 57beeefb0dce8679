"""quizapp: a continuing-medical-education posttest engine."""

from __future__ import annotations

from typing import Any

from flask import Flask

__version__ = "0.1.0"


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the application: defaults, then ``instance/config.py``, then ``QUIZAPP_*``."""
    from quizapp import config, db, web

    app = Flask(__name__, instance_relative_config=True)
    config.load_config(app, test_config)
    db.init_app(app)
    web.init_app(app)
    return app
