"""Claim and transcript routes. Who may use them: signed-in learners, for their own records."""

from __future__ import annotations

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
from quizapp.certificates.issuer import site_issuer
from quizapp.credit import services
from quizapp.credit.eligibility import ClaimError
from quizapp.csvstream import csv_response
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
            )
        except ClaimError as problem:
            error = problem
        else:
            flash("Your credit is recorded. This activity is complete.", "success")
            return redirect(url_for("credit.transcript"))
    page = services.claim_options(session, get_db(), user, activity)
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


@blueprint.get("/my/transcript")
@login_required
def transcript() -> str:
    """Signed-in learners: all their completions."""
    rows = list(services.transcript(request_session(), get_db(), current().id))
    return render_template("credit/transcript.html", rows=rows)


@blueprint.get("/my/transcript.csv")
@login_required
def transcript_csv() -> Response:
    """Signed-in learners: their completions as CSV, written row by row."""
    user_id = current().id

    def rows() -> Iterator[list[object]]:
        for row in services.transcript(request_session(), get_db(), user_id):
            yield [
                row.completed_on.isoformat(),
                row.title,
                row.provider,
                row.credit_name,
                row.amount,
            ]

    return csv_response(
        "cme-transcript.csv",
        ["Completion date", "Activity", "Provider", "Credit type", "Amount"],
        rows,
    )
