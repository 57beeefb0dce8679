"""Certificate routes.

- ``GET /verify``: anyone. A form for the code printed on a certificate.
- ``GET /verify/<code>``: anyone. Name, degree, activity, date, credits and status; nothing more.
- ``GET /certificates/<code>.pdf``: the learner it belongs to, or an administrator.

The signed-in user comes from flask_login, not from ``quizapp.accounts.login``: the account
forms ask the certificate core which characters a name may have, so the certificates package
imports nothing of accounts, or the two would import each other.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as BaseResponse

from quizapp import clock
from quizapp.certificates import codes, services
from quizapp.certificates.document import CertificateData
from quizapp.certificates.render import render_certificate
from quizapp.certificates.wording import printed_degree
from quizapp.dates import long_date
from quizapp.db import request_session
from quizapp.models import Certificate

blueprint = Blueprint("certificates", __name__, template_folder="templates")


def verify_url(code: str) -> str:
    """On the configured ``SITE_URL``, never the request's host: it is printed and kept."""
    return current_app.config["SITE_URL"] + url_for("certificates.verify", code=code)


def status_note(certificate: Certificate) -> str | None:
    if certificate.status == "revoked" and certificate.revoked_at:
        return f"REVOKED on {long_date(certificate.revoked_at, clock.zone())}"
    if certificate.status == "superseded":
        return "SUPERSEDED by a reissued certificate"
    if certificate.status == "pending":
        return "PENDING APPROVAL: not yet valid"
    return None


def _verify_form(typed: str = "", error: str | None = None, status: int = 200) -> tuple[str, int]:
    page = render_template(
        "certificates/verify_form.html", typed=typed, error=error, example=codes.EXAMPLE
    )
    return page, status


@blueprint.get("/verify")
def verify_form() -> BaseResponse | tuple[str, int]:
    """Anyone: the code as typed from paper goes to its certificate's page; a code that
    names none keeps what was typed in the field and says what to check."""
    if "code" not in request.args:
        return _verify_form()
    typed = request.args.get("code", "").strip()
    if not typed:
        return _verify_form(typed, "Enter the verification code printed on the certificate.", 400)
    certificate = services.find_by_code(request_session(), typed)
    if certificate is None:
        error = (
            "No certificate has this verification code. Check it against the certificate: "
            f"new codes are four groups of five letters and digits, like {codes.EXAMPLE}."
        )
        return _verify_form(typed, error, 404)
    return redirect(url_for("certificates.verify", code=certificate.code), code=303)


@blueprint.get("/verify/<code>")
def verify(code: str) -> BaseResponse | str:
    """Anyone: whether a certificate is genuine and still valid. A code written another way
    (lower case, O for 0, without hyphens) goes to the address printed on the certificate."""
    session = request_session()
    certificate = services.find_by_code(session, code)
    if certificate is None:
        abort(404, description="No certificate has this verification code.")
    if certificate.code != code:
        return redirect(url_for("certificates.verify", code=certificate.code), code=301)
    data = CertificateData.from_json(certificate.snapshot)
    return render_template(
        "certificates/verify.html",
        certificate=certificate,
        data=data,
        degree=printed_degree(data),
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
