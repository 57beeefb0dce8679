"""The outbox page, and delivery right after a request that queued mail has committed.

Who may use the page: administrators only. It shows every message as it would be sent, so a
site without an SMTP server (``make run``) still shows the password-reset link.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Flask, abort, current_app, g, render_template, request
from werkzeug.wrappers import Response

from quizapp import clock
from quizapp.accounts.login import admin_required
from quizapp.db import committed_in_request, get_db, request_session
from quizapp.mail import services
from quizapp.mail.compose import Link, Site, UnknownMessage
from quizapp.mail.compose import stored as stored_mail
from quizapp.mail.settings import MAIL_EXTENSION, SmtpSettings
from quizapp.models import MAX_ID

blueprint = Blueprint("mail", __name__, template_folder="templates")
log = logging.getLogger(__name__)


def mail_site(app: Flask) -> Site:
    """The sender every message names; the contact falls back to nobody, not to ``MAIL_FROM``,
    which may be an address no one reads."""
    return Site(
        name=str(app.config["SITE_NAME"]),
        url=str(app.config["SITE_URL"]),
        contact=str(app.config.get("CONTACT_EMAIL") or ""),
    )


def smtp_of(app: Flask) -> SmtpSettings:
    settings: SmtpSettings = app.extensions[MAIL_EXTENSION]
    return settings


def init_app(app: Flask) -> None:
    app.register_blueprint(blueprint)
    app.before_request(_note_queued)
    app.after_request(_deliver_after_commit)
    if not smtp_of(app).configured and not app.config.get("TESTING"):
        log.warning(
            "No MAIL_SERVER is set: emails stay in the outbox, and administrators read them "
            "at /admin/outbox. Set QUIZAPP_MAIL_SERVER to send them."
        )


def _note_queued() -> None:
    g.mail_queued_before = services.queued_count()


def _deliver_after_commit(response: Response) -> Response:
    """When this request committed a transaction that queued mail, send what is due once the
    response has gone to the browser: a slow or absent server never delays the page, and
    ``quizapp mail send`` sweeps up whatever this attempt could not deliver."""
    smtp = smtp_of(current_app)
    queued = services.queued_count() != g.get("mail_queued_before", services.queued_count())
    if smtp.configured and queued and committed_in_request():
        database, site, now = get_db(), mail_site(current_app._get_current_object()), clock.now()  # type: ignore[attr-defined]

        def deliver() -> None:
            try:
                services.deliver_due(database, smtp, site, now=now)
            except Exception:  # the sweeper retries; the request is already answered
                log.exception("Delivering mail after a request failed")

        response.call_on_close(deliver)
    return response


@blueprint.get("/admin/outbox")
@admin_required
def outbox() -> str:
    """Administrators. Every message, newest first, with its links; all text escaped."""
    try:
        page = int(request.args.get("page", "1"))
    except ValueError:
        abort(400, description="The page must be a number.")
    if not 1 <= page <= MAX_ID:
        abort(400, description="The outbox has no page with this number.")
    site = mail_site(current_app._get_current_object())  # type: ignore[attr-defined]
    rows = services.outbox_rows(request_session(), page=page)
    messages = []
    for row in rows:
        try:
            mail = stored_mail(row.kind, row.context)
        except UnknownMessage as problem:
            messages.append((row, None, [str(problem)]))
            continue
        messages.append((row, mail.subject(site), list(mail.parts(site))))
    return render_template(
        "mail/outbox.html",
        messages=messages,
        page=page,
        more=len(rows) == services.OUTBOX_PAGE,
        site=site,
        smtp=smtp_of(current_app._get_current_object()),  # type: ignore[attr-defined]
        is_link=lambda part: isinstance(part, Link),
    )
