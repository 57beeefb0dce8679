"""Admin routes. Who may use them: administrators only (anonymous users go to the login page,
learners and authors get 403). Every POST also needs a password typed in the last
``ADMIN_FRESH_MINUTES`` minutes (with an older one, "Confirm it's you" asks for it and then
carries the action out), and writes the audit log through its service."""

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
from quizapp.admin import audit_log, services
from quizapp.certificates import services as certificates
from quizapp.certificates.document import CertificateData
from quizapp.certificates.issuer import site_issuer
from quizapp.content.credits import DEGREES
from quizapp.csvstream import csv_response
from quizapp.dates import DateRange, parse_range
from quizapp.db import get_db, request_session
from quizapp.errors import NotFound
from quizapp.grading.presentation import letters_seen_and_authored
from quizapp.mail import services as mail_services
from quizapp.mail.compose import Link, UnknownMessage
from quizapp.mail.compose import stored as stored_mail
from quizapp.mail.web import mail_site, smtp_of
from quizapp.models import MAX_ID
from quizapp.roles import ROLES

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
    """Administrators. Search by name, email or NPI; 50 a page, with the number found."""
    query = request.args.get("q", "")
    page = page_number("learner list")
    return render_template(
        "admin/learners.html",
        query=query,
        found=services.search_learners(request_session(), query, page),
    )


def page_number(listing: str) -> int:
    """``?page=``, from 1; anything else is a 400 with a plain message. A page beyond any
    row would also be an offset the database refuses."""
    raw = request.args.get("page", "1")
    if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
        abort(400, description="The page must be a whole number from 1.")
    if int(raw) > MAX_ID:
        abort(400, description=f"The {listing} has no page with this number.")
    return int(raw)


@blueprint.get("/learners/<int:user_id>")
@admin_required
def learner(user_id: int) -> str:
    """Administrators. A learner's attempts, responses, claims and certificates."""
    record = services.learner_record(request_session(), get_db(), user_id, clock.today())
    if record is None:
        abort(404, description="There is no such learner.")
    by_id = {c.id: c for c in record.certificates}
    return render_template(
        "admin/learner.html",
        user=record.user,
        attempts=record.attempts,
        responses=record.responses,
        claims=record.claims,
        certificates=[(c, CertificateData.from_json(c.snapshot)) for c in record.certificates],
        replaced_by={c.supersedes_id: c for c in record.certificates if c.supersedes_id},
        replaces={c.id: by_id.get(c.supersedes_id or 0) for c in record.certificates},
        limits=record.attempt_limits,
        grantable=record.grantable,
        seen_letters=letters_seen_and_authored,
        form=EmptyForm(),
        max_reason=audit.MAX_REASON,
        degrees=DEGREES,
        roles=ROLES,
    )


@blueprint.post("/learners/<int:user_id>/grants")
@admin_required
@fresh_login_required("grant extra attempts")
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
@fresh_login_required("correct the name or degree")
def correct_account(user_id: int) -> Response:
    """Administrators, fresh login. A new name or degree, with a reason; the learner is
    mailed."""
    return _account_action(user_id, "correct")


@blueprint.post("/learners/<int:user_id>/role")
@admin_required
@fresh_login_required("change the role")
def change_role(user_id: int) -> Response:
    """Administrators, fresh login. Not the last administrator out of the role."""
    return _account_action(user_id, "role")


@blueprint.post("/learners/<int:user_id>/reset-link")
@admin_required
@fresh_login_required("send a password-reset link")
def send_reset_link(user_id: int) -> Response:
    """Administrators, fresh login. Mails the owner a reset link; shows the admin nothing."""
    return _account_action(user_id, "reset")


@blueprint.post("/learners/<int:user_id>/lock")
@admin_required
@fresh_login_required("lock the account")
def lock_account(user_id: int) -> Response:
    """Administrators, fresh login. A reason is required; not the last administrator."""
    return _account_action(user_id, "lock")


@blueprint.post("/learners/<int:user_id>/unlock")
@admin_required
@fresh_login_required("unlock the account")
def unlock_account(user_id: int) -> Response:
    """Administrators, fresh login."""
    return _account_action(user_id, "unlock")


def _certificate_action(certificate_id: int, action: str) -> Response:
    row = certificates.find(request_session(), certificate_id)
    if row is None:
        abort(404, description="There is no such certificate.")
    was_revoked = row.status == "revoked"
    back = safe_next(request.form.get("back")) or url_for("admin.learner", user_id=row.user_id)
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
            flash(reissued_message(row.code, new.code, was_revoked=was_revoked), "success")
    except certificates.CertificateError as error:
        flash(error.message, "error")
        if action == "revoke" and row.status in REVOCABLE:
            return redirect(url_for("admin.revoke_form", certificate_id=certificate_id))
    return redirect(back)


REVOCABLE = ("issued", "pending")


def reissued_message(old: str, new: str, *, was_revoked: bool) -> str:
    """What a reissue did to the old certificate: a revoked one stays revoked."""
    if was_revoked:
        return (
            f"Reissued as {new}. The old certificate {old} stays revoked, with its reason; "
            "its verification page now links to the new one."
        )
    return (
        f"Reissued as {new}. The old certificate {old} is marked superseded; "
        "its verification page now links to the new one."
    )


@blueprint.post("/certificates/<int:certificate_id>/approve")
@admin_required
@fresh_login_required("approve the certificate")
def approve(certificate_id: int) -> Response:
    """Administrators, fresh login."""
    return _certificate_action(certificate_id, "approve")


@blueprint.get("/certificates/<int:certificate_id>/revoke")
@admin_required
def revoke_form(certificate_id: int) -> str:
    """Administrators. What revoking this certificate means, and the reason to give, before
    anything is done."""
    session = request_session()
    certificate = certificates.find(session, certificate_id)
    if certificate is None:
        abort(404, description="There is no such certificate.")
    return render_template(
        "admin/revoke.html",
        certificate=certificate,
        data=CertificateData.from_json(certificate.snapshot),
        learner=services.learner_name(session, certificate.user_id),
        revocable=certificate.status in REVOCABLE,
        form=EmptyForm(),
        max_reason=audit.MAX_REASON,
    )


@blueprint.post("/certificates/<int:certificate_id>/revoke")
@admin_required
@fresh_login_required("revoke the certificate")
def revoke(certificate_id: int) -> Response:
    """Administrators, fresh login. A reason is required."""
    return _certificate_action(certificate_id, "revoke")


@blueprint.post("/certificates/<int:certificate_id>/reissue")
@admin_required
@fresh_login_required("reissue the certificate")
def reissue(certificate_id: int) -> Response:
    """Administrators, fresh login."""
    return _certificate_action(certificate_id, "reissue")


def audit_filters() -> audit_log.AuditFilter:
    """The audit log's filters from the address; a bad date is a 400 with a plain message."""
    args = request.args
    try:
        start = dt.date.fromisoformat(args["start"]) if args.get("start") else None
        end = dt.date.fromisoformat(args["end"]) if args.get("end") else None
    except ValueError:
        abort(400, description="Dates must be written YYYY-MM-DD.")
    if start and end and end < start:
        abort(400, description="The end date is before the start date.")
    return audit_log.AuditFilter(
        action=args.get("action", ""),
        actor=args.get("actor", ""),
        target_type=args.get("target_type", ""),
        start=start,
        end=end,
    )


@blueprint.get("/audit", endpoint="audit_log")
@admin_required
def audit_events() -> str:
    """Administrators. Every admin action and certificate event, newest first, in words."""
    filters = audit_filters()
    page = page_number("audit log")
    session = request_session()
    return render_template(
        "admin/audit.html",
        log=audit_log.audit_page(session, filters, page),
        filters=filters,
        actions=audit_log.actions(session),
        target_types=audit_log.TARGET_TYPES,
    )


@blueprint.get("/audit.csv")
@admin_required
def audit_csv() -> Response:
    """Administrators. The events the filters match, all of them, as CSV."""
    filters = audit_filters()
    return csv_response(
        "audit-log.csv",
        audit_log.CSV_COLUMNS,
        lambda: audit_log.audit_csv_rows(request_session(), filters),
        byte_order_mark=True,
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
