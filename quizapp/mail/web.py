"""The mail settings of the running site, and delivery right after a request that queued
mail has committed. (The outbox page is the administrators': quizapp.admin.views.)"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from flask import Flask, current_app, g
from werkzeug.wrappers import Response

from quizapp import clock
from quizapp.db import Database, committed_in_request, get_db
from quizapp.mail import services
from quizapp.mail.compose import Site
from quizapp.mail.settings import MAIL_EXTENSION, SmtpSettings

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


SCHEDULED_EXTENSION = "quizapp.mail.scheduled"

QueueDue = Callable[[Database, dt.datetime], int]
"""Queues the messages of one kind that are due at the given time; returns how many."""


def schedule(app: Flask, what: str, queue_due: QueueDue) -> None:
    """Have ``quizapp mail send`` queue what is due before sending: a feature whose mail falls
    due with time (the follow-up survey) registers here, from the web shell, so that the mail
    package need not know it."""
    app.extensions.setdefault(SCHEDULED_EXTENSION, []).append((what, queue_due))


def scheduled_mail(app: Flask) -> list[tuple[str, QueueDue]]:
    """Each registered kind of scheduled mail, named as ``mail send`` reports it."""
    registered: list[tuple[str, QueueDue]] = app.extensions.get(SCHEDULED_EXTENSION, [])
    return registered


def init_app(app: Flask) -> None:
    app.before_request(_note_queued)
    app.after_request(_deliver_after_commit)
    notices = app.config.get("STARTUP_NOTICES", True) and not app.config.get("TESTING")
    if not smtp_of(app).configured and notices:
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
