"""Claim and transcript routes. Who may use them: signed-in learners, for their own records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import login_required
from werkzeug.wrappers import Response as WerkzeugResponse

from quizapp import clock
from quizapp.accounts.forms import EmptyForm
from quizapp.accounts.login import current
from quizapp.accounts.services import user_by_id
from quizapp.certificates import transcript as transcript_pdf
from quizapp.certificates.issuer import site_issuer
from quizapp.credit import services
from quizapp.credit.eligibility import ClaimError
from quizapp.csvstream import csv_response
from quizapp.dates import DateRange, parse_open_range
from quizapp.db import get_db, request_session
from quizapp.errors import NotFound
from quizapp.learning import services as learning

blueprint = Blueprint("credit", __name__, template_folder="templates")


@blueprint.route("/activities/<slug>/claim", methods=["GET", "POST"])
@login_required
def claim(slug: str) -> str | WerkzeugResponse | tuple[str, int]:
    """Signed-in learners who passed and completed the evaluation."""
    session = request_session()
    try:
        activity, learner = learning.learner_in(
            session, get_db(), current().id, slug, clock.today()
        )
    except NotFound:
        abort(404, description="There is no activity at this address.")
    version = learner.version
    if not learner.passed:
        flash("Pass the posttest before claiming credit.", "warning")
        return redirect(url_for("learning.posttest", slug=slug))
    if not learner.evaluated:
        flash("Complete the evaluation before claiming credit.", "warning")
        return redirect(url_for("learning.evaluation", slug=slug))
    user = user_by_id(session, current().id)
    assert user is not None
    form = EmptyForm()
    error: ClaimError | None = None
    if request.method == "POST":
        amounts = {
            key[7:]: value for key, value in request.form.items() if key.startswith("amount-")
        }
        try:
            services.claim_credit(
                get_db(),
                user.id,
                slug,
                amounts,
                attested=request.form.get("attest") == "yes",
                now=clock.now(),
                manual_approval=current_app.config["CERTIFICATE_APPROVAL"] == "manual",
                issuer=site_issuer(current_app.extensions),
                require_verified_email=current_app.config["REQUIRE_VERIFIED_EMAIL"],
            )
        except ClaimError as problem:
            error = problem
        else:
            flash("Your credit is recorded. This activity is complete.", "success")
            return redirect(url_for("credit.transcript"))
    page = services.claim_options(
        session,
        get_db(),
        user,
        activity,
        require_verified_email=current_app.config["REQUIRE_VERIFIED_EMAIL"],
    )
    html = render_template(
        "credit/claim.html",
        activity=activity,
        meta=version.meta,
        page=page,
        expired=version.expired(clock.today()),
        error=error,
        values=request.form if request.method == "POST" else {},
        form=form,
    )
    return (html, 400) if error else html


def transcript_period() -> DateRange | None:
    """``?start=YYYY-MM-DD&end=YYYY-MM-DD``, either optional; everything when both are blank."""
    try:
        return parse_open_range(request.args.get("start"), request.args.get("end"))
    except ValueError as error:
        abort(400, description=str(error))


def period_args(period: DateRange | None) -> dict[str, str]:
    """The query that gives ``period`` again, for the download links."""
    if period is None:
        return {}
    found = {}
    if period.start != dt.date.min:
        found["start"] = period.start.isoformat()
    if period.end != dt.date.max:
        found["end"] = period.end.isoformat()
    return found


@blueprint.get("/my/transcript")
@login_required
def transcript() -> str:
    """Signed-in learners: their completions, in a period if they ask, with totals."""
    period = transcript_period()
    rows = list(services.transcript(request_session(), get_db(), current().id, period))
    return render_template(
        "credit/transcript.html",
        rows=rows,
        totals=transcript_pdf.totals(rows),
        period=period_args(period),
    )


@blueprint.get("/my/transcript.csv")
@login_required
def transcript_csv() -> Response:
    """Signed-in learners: their completions as CSV, written row by row, for Excel."""
    user_id = current().id
    period = transcript_period()

    def rows() -> Iterator[list[object]]:
        for row in services.transcript(request_session(), get_db(), user_id, period):
            yield [
                row.completed_on.isoformat(),
                row.title,
                row.provider,
                row.credit_name,
                row.amount,
                row.uan,
                row.certificate_code or "",
                row.certificate_status or "",
            ]

    return csv_response(
        "cme-transcript.csv",
        [
            "Completion date",
            "Activity",
            "Provider",
            "Credit type",
            "Amount",
            "UAN",
            "Certificate code",
            "Certificate status",
        ],
        rows,
        byte_order_mark=True,
    )


@blueprint.get("/my/transcript.pdf")
@login_required
def transcript_pdf_download() -> Response:
    """Signed-in learners: their transcript for a licensing board, valid completions only."""
    session = request_session()
    period = transcript_period()
    user = user_by_id(session, current().id)
    assert user is not None
    rows = list(services.transcript(session, get_db(), user.id, period))
    issuer = site_issuer(current_app.extensions)
    document = transcript_pdf.TranscriptDocument(
        learner=transcript_pdf.TranscriptLearner(
            name=user.full_name,
            degree=user.degree,
            license=" ".join(part for part in (user.license_state, user.license_number) if part),
            npi=user.npi or "",
            nabp_eprofile_id=user.nabp_eprofile_id or "",
        ),
        rows=rows,
        printed_on=clock.today(),
        site_name=current_app.config["SITE_NAME"],
        site_url=current_app.config["SITE_URL"],
        period=transcript_pdf.TranscriptPeriod(
            start=period.start if period and period.start != dt.date.min else None,
            end=period.end if period and period.end != dt.date.max else None,
        ),
        contact=issuer.contact,
    )
    pdf = transcript_pdf.render_transcript(
        document, page_size=current_app.config["CERTIFICATE_PAGE_SIZE"]
    )
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = 'inline; filename="cme-transcript.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
