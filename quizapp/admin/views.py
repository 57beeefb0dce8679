"""Admin routes. Who may use them: administrators only (anonymous users go to the login page,
learners and authors get 403). Every POST also needs a password typed in the last
``ADMIN_FRESH_MINUTES`` minutes, and writes the audit log through its service."""

from __future__ import annotations

import datetime as dt

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response

from quizapp import audit, clock
from quizapp.accounts.forms import EmptyForm
from quizapp.accounts.login import admin_required, current, fresh_login_required, safe_next
from quizapp.accounts.tokens import LinkSettings
from quizapp.admin import services
from quizapp.certificates import services as certificates
from quizapp.certificates.document import CertificateData
from quizapp.certificates.issuer import site_issuer
from quizapp.dates import DateRange, parse_range
from quizapp.db import get_db, request_session
from quizapp.errors import NotFound
from quizapp.grading.presentation import letters_seen_and_authored
from quizapp.mail import services as mail_services
from quizapp.mail.compose import Link, UnknownMessage
from quizapp.mail.compose import stored as stored_mail
from quizapp.mail.web import mail_site, smtp_of
from quizapp.models import DEGREES, MAX_ID, ROLES

blueprint = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")


def actor() -> audit.Actor:
    user = current()
    return audit.Actor(user.email, user.id)


def parse_period() -> DateRange:
    """``?start=YYYY-MM-DD&end=YYYY-MM-DD``; the last 30 days by default."""
    args = request.args
    try:
        return parse_range(args.get("start"), args.get("end"), clock.today())
    except ValueError as error:
        abort(400, description=str(error))


@blueprint.get("/")
@admin_required
def dashboard() -> str:
    """Administrators. Per activity over a date range."""
    period = parse_period()
    return render_template(
        "admin/dashboard.html",
        period=period,
        figures=services.dashboard(request_session(), period),
        pending=len(services.pending_certificates(request_session())),
    )


@blueprint.get("/certificates")
@admin_required
def pending_certificates() -> str:
    """Administrators. Certificates waiting for approval."""
    rows = [
        (certificate, user, CertificateData.from_json(certificate.snapshot))
        for certificate, user in services.pending_certificates(request_session())
    ]
    return render_template("admin/pending.html", rows=rows, form=EmptyForm())


@blueprint.get("/learners")
@admin_required
def learners() -> str:
    """Administrators. Search by name, email or NPI."""
    query = request.args.get("q", "")
    return render_template(
        "admin/learners.html", query=query, users=services.search_learners(request_session(), query)
    )


@blueprint.get("/learners/<int:user_id>")
@admin_required
def learner(user_id: int) -> str:
    """Administrators. A learner's attempts, responses, claims and certificates."""
    record = services.learner_record(request_session(), user_id)
    if record is None:
        abort(404, description="There is no such learner.")
    return render_template(
        "admin/learner.html",
        user=record.user,
        attempts=record.attempts,
        responses=record.responses,
        claims=record.claims,
        certificates=[(c, CertificateData.from_json(c.snapshot)) for c in record.certificates],
        activities=record.activities,
        grants=record.grants,
        seen_letters=letters_seen_and_authored,
        form=EmptyForm(),
        max_reason=audit.MAX_REASON,
        degrees=DEGREES,
        roles=ROLES,
    )


@blueprint.post("/learners/<int:user_id>/grants")
@admin_required
@fresh_login_required
def grant(user_id: int) -> Response:
    """Administrators, fresh login. One or more extra attempts, with a reason."""
    try:
        services.grant_extra_attempt(
            get_db(),
            user_id,
            int(request.form.get("activity_id", "0") or 0),
            int(request.form.get("extra", "1") or 0),
            request.form.get("reason", ""),
            actor(),
            clock.now(),
        )
    except ValueError:
        flash("Choose an activity and a whole number of attempts.", "error")
    except services.AdminError as error:
        flash(error.message, "error")
    else:
        flash("Extra attempt granted.", "success")
    return redirect(url_for("admin.learner", user_id=user_id))


def links() -> LinkSettings:
    """The reset link's settings, as the account pages read them (views of one feature do not
    import another's)."""
    return LinkSettings(
        secret=str(current_app.config["SECRET_KEY"]),
        reset_minutes=int(current_app.config["PASSWORD_RESET_MINUTES"]),
        verification_days=int(current_app.config["EMAIL_VERIFICATION_DAYS"]),
    )


def _account_action(user_id: int, action: str) -> Response:
    """Run one account action on the learner page and come back to it with its outcome."""
    form, who, now = request.form, actor(), clock.now()
    try:
        if action == "correct":
            changed = services.correct_account(
                get_db(),
                user_id,
                form.get("full_name", ""),
                form.get("degree", ""),
                form.get("reason", ""),
                who,
                now,
            )
            named = " and ".join("name" if key == "full_name" else key for key in changed)
            verb = "are" if len(changed) > 1 else "is"
            flash(f"The {named} {verb} corrected; the learner is told by email.", "success")
        elif action == "role":
            user = services.change_role(get_db(), user_id, form.get("role", ""), who, now)
            flash(f"{user.email} is now {user.role}.", "success")
        elif action == "reset":
            user = services.send_reset_link(get_db(), user_id, links(), who, now)
            flash(
                f"A password-reset link is mailed to {user.email}; it works for "
                f"{links().reset_minutes} minutes.",
                "success",
            )
        elif action == "lock":
            services.lock_account(get_db(), user_id, form.get("reason", ""), who, now)
            flash("The account is locked: it cannot sign in, and its sessions ended.", "success")
        else:
            services.unlock_account(get_db(), user_id, who, now)
            flash("The account is unlocked: it can sign in again.", "success")
    except NotFound as missing:
        abort(404, description=str(missing))
    except services.AccountAdminError as error:
        flash(error.message, "error")
    return redirect(url_for("admin.learner", user_id=user_id))


@blueprint.post("/learners/<int:user_id>/correct")
@admin_required
@fresh_login_required
def correct_account(user_id: int) -> Response:
    """Administrators, fresh login. A new name or degree, with a reason; the learner is
    mailed."""
    return _account_action(user_id, "correct")


@blueprint.post("/learners/<int:user_id>/role")
@admin_required
@fresh_login_required
def change_role(user_id: int) -> Response:
    """Administrators, fresh login. Not the last administrator out of the role."""
    return _account_action(user_id, "role")


@blueprint.post("/learners/<int:user_id>/reset-link")
@admin_required
@fresh_login_required
def send_reset_link(user_id: int) -> Response:
    """Administrators, fresh login. Mails the owner a reset link; shows the admin nothing."""
    return _account_action(user_id, "reset")


@blueprint.post("/learners/<int:user_id>/lock")
@admin_required
@fresh_login_required
def lock_account(user_id: int) -> Response:
    """Administrators, fresh login. A reason is required; not the last administrator."""
    return _account_action(user_id, "lock")


@blueprint.post("/learners/<int:user_id>/unlock")
@admin_required
@fresh_login_required
def unlock_account(user_id: int) -> Response:
    """Administrators, fresh login."""
    return _account_action(user_id, "unlock")


def _certificate_action(certificate_id: int, action: str) -> Response:
    row = certificates.find(request_session(), certificate_id)
    if row is None:
        abort(404, description="There is no such certificate.")
    try:
        if action == "approve":
            certificates.approve(get_db(), certificate_id, actor(), clock.now())
            flash("Certificate approved and issued.", "success")
        elif action == "revoke":
            certificates.revoke(
                get_db(), certificate_id, request.form.get("reason", ""), actor(), clock.now()
            )
            flash("Certificate revoked. Its verification page now says so.", "success")
        else:
            new = certificates.reissue(
                get_db(),
                certificate_id,
                actor(),
                clock.now(),
                site_issuer(current_app.extensions),
            )
            flash(f"Reissued as {new.code}; the old certificate is marked superseded.", "success")
    except certificates.CertificateError as error:
        flash(error.message, "error")
    back = safe_next(request.form.get("back"))
    return redirect(back or url_for("admin.learner", user_id=row.user_id))


@blueprint.post("/certificates/<int:certificate_id>/approve")
@admin_required
@fresh_login_required
def approve(certificate_id: int) -> Response:
    """Administrators, fresh login."""
    return _certificate_action(certificate_id, "approve")


@blueprint.post("/certificates/<int:certificate_id>/revoke")
@admin_required
@fresh_login_required
def revoke(certificate_id: int) -> Response:
    """Administrators, fresh login. A reason is required."""
    return _certificate_action(certificate_id, "revoke")


@blueprint.post("/certificates/<int:certificate_id>/reissue")
@admin_required
@fresh_login_required
def reissue(certificate_id: int) -> Response:
    """Administrators, fresh login."""
    return _certificate_action(certificate_id, "reissue")


@blueprint.get("/audit")
@admin_required
def audit_log() -> str:
    """Administrators. Every admin action and certificate event, newest first."""
    try:
        start = dt.date.fromisoformat(request.args["start"]) if request.args.get("start") else None
        end = dt.date.fromisoformat(request.args["end"]) if request.args.get("end") else None
        page = max(1, int(request.args.get("page", "1")))
    except ValueError:
        abort(400, description="Dates must be written YYYY-MM-DD and the page must be a number.")
    if start and end and end < start:
        abort(400, description="The end date is before the start date.")
    if page > MAX_ID:  # beyond any row, and an offset the database would refuse
        abort(400, description="The audit log has no page with this number.")
    filters = services.AuditFilter(
        action=request.args.get("action", ""),
        actor=request.args.get("actor", ""),
        target_type=request.args.get("target_type", ""),
        start=start,
        end=end,
    )
    session = request_session()
    events, more = services.audit_events(session, filters, page)
    return render_template(
        "admin/audit.html",
        events=events,
        more=more,
        page=page,
        filters=filters,
        actions=services.audit_actions(session),
    )


@blueprint.get("/outbox")
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
    rows = mail_services.outbox_rows(request_session(), page=page)
    messages = []
    for row in rows:
        try:
            mail = stored_mail(row.kind, row.context)
        except UnknownMessage as problem:
            messages.append((row, None, [str(problem)]))
            continue
        messages.append((row, mail.subject(site), list(mail.parts(site))))
    return render_template(
        "admin/outbox.html",
        messages=messages,
        page=page,
        more=len(rows) == mail_services.OUTBOX_PAGE,
        site=site,
        smtp=smtp_of(current_app._get_current_object()),  # type: ignore[attr-defined]
        is_link=lambda part: isinstance(part, Link),
    )
