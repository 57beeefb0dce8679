"""The HTTP shell: extensions, blueprints, error pages and security headers."""

from __future__ import annotations

import datetime as dt

from flask import Flask, Response, render_template
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException

csrf = CSRFProtect()

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


def init_app(app: Flask) -> None:
    from quizapp.authoring.cli import content_cli
    from quizapp.catalog.views import blueprint as catalog
    from quizapp.health import blueprint as health
    from quizapp.migrate import db_cli

    csrf.init_app(app)
    app.register_blueprint(health)
    app.register_blueprint(catalog)
    app.cli.add_command(content_cli)
    app.cli.add_command(db_cli)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(CSRFError, _csrf_error)
    app.after_request(_security_headers)
    app.jinja_env.globals["site_name"] = app.config["SITE_NAME"]
    app.jinja_env.filters["isodate"] = dt.date.fromisoformat


def _http_error(error: HTTPException) -> tuple[str, int]:
    code = error.code or 500
    page = render_template("error.html", code=code, title=error.name, message=error.description)
    return page, code


def _csrf_error(error: CSRFError) -> tuple[str, int]:
    message = (
        "The form expired or was sent from another site. Go back, reload the page and try again."
    )
    return render_template("error.html", code=400, title="Form expired", message=message), 400


def _security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response
