"""``quizapp mail``: deliver the outbox, from cron or a systemd timer."""

from __future__ import annotations

import datetime as dt

import click
from flask import current_app
from flask.cli import with_appcontext

from quizapp import clock
from quizapp.db import get_db
from quizapp.mail import services
from quizapp.mail.web import mail_site, scheduled_mail, smtp_of


@click.group(
    "mail", help="Send the queued email; queue the daily approval digest; purge old sent mail."
)
def mail_cli() -> None:
    pass


@mail_cli.command(
    "send",
    help="Queue the approval digest and the follow-up surveys that are due, then send every "
    "message that is due. Run it every few minutes; exits 1 when a message could not be sent "
    "(it stays queued).",
)
@with_appcontext
def send_command() -> None:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    smtp, now = smtp_of(app), clock.now()
    digests = services.queue_approval_digest(get_db(), now=now)
    if digests:
        click.echo(f"Queued the approval digest for {digests} administrator(s).")
    for what, queue_due in scheduled_mail(app):
        if count := queue_due(get_db(), now):
            click.echo(f"Queued {count} {what}.")
    if not smtp.configured:
        click.echo(
            "No MAIL_SERVER is set: messages stay in the outbox (read them at /admin/outbox)."
        )
        return
    total = services.DeliveryReport()
    while True:
        report = services.deliver_due(get_db(), smtp, mail_site(app), now=now)
        total.sent += report.sent
        total.failed += report.failed
        total.errors += report.errors
        if report.failed or report.sent < services.BATCH:
            break
    click.echo(f"Sent {total.sent} message(s); {total.failed} failed and stay queued.")
    for error in total.errors:
        click.echo(f"  {error}", err=True)
    if total.failed:
        raise SystemExit(1)


@mail_cli.command(
    "digest",
    help="Queue the daily digest of certificates awaiting approval (at most one a day); "
    "'mail send' does this too.",
)
@with_appcontext
def digest_command() -> None:
    digests = services.queue_approval_digest(get_db(), now=clock.now())
    if digests:
        click.echo(f"Queued the approval digest for {digests} administrator(s).")
    else:
        click.echo("No digest queued: no certificate awaits approval, or one went out today.")


@mail_cli.command(
    "purge",
    help="Delete the messages sent more than DAYS days ago (at least 1). Queued and failing "
    "messages are kept. Run it from cron with the retention your privacy policy states.",
)
@click.option(
    "--days",
    type=click.IntRange(min=1),
    required=True,
    help="Keep the messages sent in the last DAYS days.",
)
@with_appcontext
def purge_command(days: int) -> None:
    from quizapp import audit

    deleted = services.purge_sent(
        get_db(), older_than=dt.timedelta(days=days), now=clock.now(), actor=audit.CLI
    )
    click.echo(f"Deleted {deleted} message(s) sent more than {days} day(s) ago.")
