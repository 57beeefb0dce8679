"""Follow-up routes. Who may use them: anyone holding a link from a follow-up mail; the signed
link is the authorization (no login), and it names one survey or one learner's opt-out.

Opening a link changes nothing, so a mail scanner that follows links neither answers a survey
nor opts anybody out: both are POSTs with the page's CSRF token."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from quizapp import clock
from quizapp.accounts.forms import EmptyForm
from quizapp.content.evaluation import EvaluationError
from quizapp.db import get_db, request_session
from quizapp.errors import NotFound
from quizapp.followup import services

blueprint = Blueprint("followup", __name__, template_folder="templates")

ViewResult = Response | str | tuple[str, int]


def _secret() -> str:
    return str(current_app.config["SECRET_KEY"])


def _survey(token: str) -> services.Survey:
    try:
        return services.survey(request_session(), _secret(), token, now=clock.now())
    except NotFound as missing:
        abort(404, description=str(missing))


@blueprint.route("/follow-up/<token>", methods=["GET", "POST"])
def survey(token: str) -> ViewResult:
    """Anyone holding a survey link that still works; answered once."""
    found = _survey(token)
    form = EmptyForm()
    if not form.is_submitted():
        return _survey_page(found, form)
    if found.answered_at is not None or not form.validate_on_submit():
        return _survey_page(found, form, status=409 if found.answered_at else 400)
    raw = {item.id: request.form.get(item.id, "") for item in found.questions}
    try:
        services.answer(get_db(), _secret(), token, raw, now=clock.now())
    except NotFound as missing:
        abort(404, description=str(missing))
    except services.FollowUpRefused:
        return _survey_page(_survey(token), form, status=409)
    except EvaluationError as problem:
        return _survey_page(found, form, error=problem, values=raw, status=400)
    flash("Thank you: your answers are recorded.", "success")
    return redirect(url_for("followup.survey", token=token))


def _survey_page(
    found: services.Survey,
    form: EmptyForm,
    *,
    error: EvaluationError | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> tuple[str, int]:
    page = render_template(
        "followup/survey.html", survey=found, form=form, error=error, values=values or {}
    )
    return page, status


@blueprint.route("/follow-up/stop/<token>", methods=["GET", "POST"])
def opt_out(token: str) -> ViewResult:
    """Anyone holding an opt-out link that still works: a page that asks, and a button that
    stops every follow-up to the learner the link names."""
    session = request_session()
    try:
        user = services.opt_out_user(session, _secret(), token, now=clock.now())
    except NotFound as missing:
        abort(404, description=str(missing))
    form = EmptyForm()
    if form.validate_on_submit():
        services.opt_out(get_db(), _secret(), token, now=clock.now())
        flash("Done: you will get no more follow-up emails from us.", "success")
        return redirect(url_for("followup.opt_out", token=token))
    done = services.opted_out(session, user.id)
    status = 400 if form.is_submitted() else 200
    return render_template("followup/opt_out.html", form=form, done=done), status
