"""The HTTP shell: extensions, blueprints, error pages and security headers."""

from __future__ import annotations

import datetime as dt
import functools
import io
import time
import zoneinfo
from collections.abc import Iterable
from typing import IO, Any

from flask import Flask, Request, Response, abort, current_app, render_template, request, session
from flask_login import AnonymousUserMixin
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException, InternalServerError, NotFound
from werkzeug.routing import IntegerConverter

from quizapp import dates, db
from quizapp.content.credits import credit_name, format_amount
from quizapp.content.display import for_screen
from quizapp.grading.presentation import score_text
from quizapp.models import MAX_ID
from quizapp.ratelimit import limiter

csrf = CSRFProtect()
"""Checks the token of every POST before any view runs; a missing or wrong one gets the 400
"Form expired" page from :func:`_csrf_error`, so views never check it again."""

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


def init_app(app: Flask) -> None:
    from quizapp import ratelimit
    from quizapp.accounts import login
    from quizapp.accounts.cli import demo_admin_command, user_cli
    from quizapp.accounts.views import blueprint as accounts
    from quizapp.admin.views import blueprint as admin
    from quizapp.authoring.cli import content_cli
    from quizapp.authoring.views import blueprint as preview
    from quizapp.catalog.views import blueprint as catalog
    from quizapp.certificates.views import blueprint as certificates
    from quizapp.credit.views import blueprint as credit
    from quizapp.exchange.views import blueprint as exchange
    from quizapp.followup import services as followup_services
    from quizapp.followup.views import blueprint as followup
    from quizapp.health import blueprint as health
    from quizapp.learning.views import blueprint as learning
    from quizapp.mail import web as mail
    from quizapp.mail.cli import mail_cli
    from quizapp.migrate import db_cli
    from quizapp.reports.cli import report_cli
    from quizapp.reports.views import blueprint as reports

    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )
    app.request_class = FormRequest
    app.url_map.converters["int"] = IdConverter  # before the blueprints add their routes
    app.before_request(_refuse_malformed_input)  # before CSRF and login read the form
    csrf.init_app(app)
    login.init_app(app)
    ratelimit.init_app(app)
    app.register_blueprint(health)
    app.register_blueprint(catalog)
    app.register_blueprint(accounts)
    app.register_blueprint(learning)
    app.register_blueprint(credit)
    app.register_blueprint(certificates)
    app.register_blueprint(admin)
    app.register_blueprint(reports)
    app.register_blueprint(followup)
    app.register_blueprint(preview)
    app.register_blueprint(exchange)
    mail.init_app(app)
    mail.schedule(app, "follow-up survey(s)", followup_services.due_mail(app.config["SECRET_KEY"]))
    app.cli.add_command(content_cli)
    app.cli.add_command(db_cli)
    app.cli.add_command(user_cli)
    app.cli.add_command(demo_admin_command)
    app.cli.add_command(report_cli)
    app.cli.add_command(mail_cli)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(db.DatabaseError, _database_error)
    app.after_request(_security_headers)
    app.jinja_env.globals["site_name"] = app.config["SITE_NAME"]
    app.jinja_env.globals["site_footer"] = {
        key.lower(): str(app.config.get(key) or "").strip()
        for key in ("PROVIDER_NAME", "CONTACT_EMAIL", "PRIVACY_URL", "TERMS_URL")
    }
    app.jinja_env.globals["logout_form"] = _logout_form
    app.jinja_env.filters["isodate"] = _as_date
    zone = zoneinfo.ZoneInfo(app.config["TIME_ZONE"])
    app.jinja_env.globals["time_zone"] = app.config["TIME_ZONE"]
    app.jinja_env.filters["longdate"] = functools.partial(dates.long_date, zone=zone)
    app.jinja_env.filters["datetime"] = functools.partial(dates.date_and_time, zone=zone)
    app.jinja_env.filters["time"] = functools.partial(dates.time_of_day, zone=zone)
    app.jinja_env.filters["timestamp"] = functools.partial(dates.timestamp, zone=zone)
    # The names of before TIME_ZONE, for templates written against them: the site's zone too.
    app.jinja_env.filters["datetime_utc"] = app.jinja_env.filters["datetime"]
    app.jinja_env.filters["time_utc"] = app.jinja_env.filters["time"]
    app.jinja_env.filters["credits"] = format_amount
    app.jinja_env.filters["score_of"] = score_text
    app.jinja_env.filters["for_screen"] = for_screen
    app.jinja_env.filters["credit_name"] = credit_name


class FormRequest(Request):
    """Werkzeug's request, holding a file part in memory rather than in a temporary file.

    No page of quizapp uploads files and :func:`_refuse_malformed_input` refuses any file part,
    so nothing is lost. When Werkzeug's parser gives up half-way through a malformed body (a
    part header that is not UTF-8, say), it drops the files it had opened without closing them;
    memory is reclaimed without leaving open temporary files behind. Bodies are at most
    ``MAX_CONTENT_LENGTH``, so memory stays bounded.
    """

    def _get_file_stream(
        self,
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None = None,
        content_length: int | None = None,
    ) -> IO[bytes]:
        return io.BytesIO()


class IdConverter(IntegerConverter):
    """``<int:…>`` in a route: an id no row can have answers 404 instead of failing in the
    database (PostgreSQL's ``integer`` and SQLite's 64-bit integers both have a limit).

    NotFound rather than a ValidationError: Werkzeug would answer a POST to such an id with
    405 when the same path also has a GET route."""

    def to_python(self, value: str) -> Any:
        number = super().to_python(value)
        if number > MAX_ID:
            raise NotFound("There is nothing at this address.")
        return number


def _http_error(error: HTTPException) -> tuple[str, int]:
    code = error.code or 500
    message = error.description
    if code == 429:
        message = f"Too many attempts in a short time. Wait {_wait()}, then try again."
    return _error_page("error.html", code=code, title=error.name, message=message), code


def _wait() -> str:
    """How long until the limit that refused this request lets the next attempt through."""
    breached = limiter.current_limit
    seconds = breached.reset_at - time.time() if breached is not None else 60
    minutes = max(1, round(seconds / 60))
    return "a minute" if minutes == 1 else f"{minutes} minutes"


def _csrf_error(error: CSRFError) -> tuple[str, int]:
    message = (
        "The form expired or was sent from another site. Go back, reload the page and try again."
    )
    return _error_page("error.html", code=400, title="Form expired", message=message), 400


def _database_error(error: db.DatabaseError) -> tuple[str, int, dict[str, str]]:
    """503 with ``Retry-After`` when the database is away (down, unreachable, locked past every
    retry, its tables gone); any other database error is a bug, logged and answered like one.

    The page is rendered without the database: the signed-in user would be loaded from it.
    It says whether this request had already saved what it was sent.
    """
    if not db.unavailable(error):
        current_app.log_exception((type(error), error, error.__traceback__))
        page, code = _http_error(InternalServerError(original_exception=error))
        return page, code, {}
    current_app.logger.error(
        "Database unavailable, answered 503 to %s %s: %s",
        request.method,
        request.path,
        str(error).splitlines()[0],
    )
    page = _render_without_database("unavailable.html", saved=db.committed_in_request())
    headers = {"Retry-After": str(db.RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}
    return page, 503, headers


def _error_page(template: str, **context: Any) -> str:
    """An error page that cannot fail in turn: if the normal rendering does (the signed-in user
    cannot be loaded, say), the same page is rendered again as for a visitor."""
    try:
        return render_template(template, **context)
    except Exception:
        current_app.logger.exception("The error page failed; rendering it without the database")
        return _render_without_database(template, **context)


def _render_without_database(template: str, **context: Any) -> str:
    """Render without the context processors, one of which (Flask-Login's) loads the signed-in
    user from the database; the page sees an anonymous visitor instead."""
    context.setdefault("current_user", AnonymousUserMixin())
    return current_app.jinja_env.get_template(template).render(**context)


def _as_date(value: dt.date | str) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def _logout_form() -> object:
    """The logout button's form, which never reads the request: base.html renders it on
    error pages too, where the body may be what caused the error (too large, or not a form),
    and reading it again would turn a 4xx into a server error."""
    from quizapp.accounts.forms import EmptyForm

    return EmptyForm(formdata=None)


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _refuse_malformed_input() -> None:
    """Refuse, with a 4xx and the error page, what no page of quizapp sends, before any form,
    view or service reads it: every view can then take the form as text fields with names.

    - A body that is not a form (415): Flask-WTF would read JSON into any form.
    - A part without a name, or a file (400): no page uploads files, and WTForms hands a file
      to a text field, whose checks then fail on it.
    - NUL anywhere (400): PostgreSQL text cannot hold it.

    Reading the form here also meets a body over ``MAX_CONTENT_LENGTH`` first: the 413 is raised
    before any view starts.
    """
    texts = [request.path, *_keys_and_values(request.args.items(multi=True))]
    if request.method == "POST":
        if request.mimetype not in ("", *FORM_TYPES):
            abort(415, description="Send this form from its page on the site.")
        fields = list(request.form.items(multi=True))
        if request.files or any(name is None for name, _ in fields):
            abort(400, description="The form has parts no page of this site sends.")
        texts += _keys_and_values(fields)
    if any("\x00" in text for text in texts):
        abort(400, description="The request contains a character that is not allowed.")


def _keys_and_values(pairs: Iterable[tuple[str, str]]) -> list[str]:
    return [text for pair in pairs for text in pair]


def _security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    cache = response.cache_control
    if _signed_in() and request.endpoint != "static" and not (cache.public or cache.no_store):
        # A page for a signed-in user shows their records: no browser or proxy cache may keep
        # it for the next person at a shared computer, or for the back button after logout.
        response.headers["Cache-Control"] = "no-store"
    return response


def _signed_in() -> bool:
    """Whether the session claims a user, without loading them: a revoked session counts too,
    and no database is read for a response (the health check's 503 included)."""
    return "_user_id" in session
