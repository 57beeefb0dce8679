"""Certificate routes.

- ``GET /verify/<code>``: anyone. Name, activity, date, credits and status; nothing more.
- ``GET /certificates/<code>.pdf``: the learner it belongs to, or an administrator.

The signed-in user comes from flask_login, not from ``quizapp.accounts.login``: the account
forms ask the certificate core which characters a name may have, so the certificates package
imports nothing of accounts, or the two would import each other.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, url_for
from flask_login import current_user, login_required

from quizapp.certificates import services
from quizapp.certificates.document import CertificateData
from quizapp.certificates.render import render_certificate
from quizapp.dates import long_date
from quizapp.db import request_session
from quizapp.models import Certificate

blueprint = Blueprint("certificates", __name__, template_folder="templates")


def verify_url(code: str) -> str:
    """On the configured ``SITE_URL``, never the request's host: it is printed and kept."""
    return current_app.config["SITE_URL"] + url_for("certificates.verify", code=code)


def status_note(certificate: Certificate) -> str | None:
    if certificate.status == "revoked" and certificate.revoked_at:
        return f"REVOKED on {long_date(certificate.revoked_at)}"
    if certificate.status == "superseded":
        return "SUPERSEDED by a reissued certificate"
    if certificate.status == "pending":
        return "PENDING APPROVAL: not yet valid"
    return None


@blueprint.get("/verify/<code>")
def verify(code: str) -> str:
    """Anyone: whether a certificate is genuine and still valid."""
    session = request_session()
    certificate = services.find_by_code(session, code)
    if certificate is None:
        abort(404, description="No certificate has this verification code.")
    data = CertificateData.from_json(certificate.snapshot)
    return render_template(
        "certificates/verify.html",
        certificate=certificate,
        data=data,
        replacement=services.superseded_by(session, certificate),
        replaces=services.replaces(session, certificate),
    )


@blueprint.get("/certificates/<code>.pdf")
@login_required
def download(code: str) -> Response:
    """The certificate's learner (issued certificates) or an administrator (any state)."""
    session = request_session()
    certificate = services.find_by_code(session, code)
    is_admin = current_user.role == "admin"
    if certificate is None or (certificate.user_id != current_user.id and not is_admin):
        abort(404, description="There is no certificate at this address.")
    if certificate.status != "issued" and not is_admin:
        abort(404, description="This certificate is not available for download.")
    data = CertificateData.from_json(certificate.snapshot)
    pdf = render_certificate(
        data,
        verify_url=verify_url(certificate.code),
        page_size=current_app.config["CERTIFICATE_PAGE_SIZE"],
        status_note=status_note(certificate),
        images=services.images_of(session, data),
    )
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="certificate-{code}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
