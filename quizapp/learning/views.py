"""Posttest, review and evaluation routes.

Who may use them: signed-in learners (any role), each only for their own attempts. Another
learner's attempt answers 404, exactly like one that does not exist.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from flask_login import login_required
from werkzeug.wrappers import Response

from quizapp import clock
from quizapp.accounts.forms import EmptyForm
from quizapp.accounts.login import current, login_checked_by_service, session_claim
from quizapp.catalog.progress import EXTENSION as PROGRESS_EXTENSION
from quizapp.content.evaluation import EvaluationError
from quizapp.db import get_db, request_session
from quizapp.errors import NotFound
from quizapp.grading.order import decode_answers
from quizapp.grading.presentation import shown_questions
from quizapp.grading.review import answers_hint
from quizapp.grading.scoring import SubmissionError
from quizapp.learning import services
from quizapp.models import MAX_ID, Activity, Attempt
from quizapp.ratelimit import limiter

blueprint = Blueprint("learning", __name__, template_folder="templates")

ViewResult = str | Response | tuple[str, int]


@blueprint.record_once
def _offer_progress_to_the_catalog(state: BlueprintSetupState) -> None:
    """The catalog shows a signed-in learner's standing per activity from this."""
    state.app.extensions[PROGRESS_EXTENSION] = services.progress


def _submit_limit() -> str:
    return str(current_app.config.get("SUBMIT_RATE_LIMIT", "30 per minute"))


ALREADY_EVALUATED = (
    "Your evaluation was already recorded (perhaps from another tab); these answers were not "
    "saved. You can claim credit."
)


def _activity_and_standing(slug: str) -> tuple[Activity, services.Standing]:
    try:
        return services.learner_in(request_session(), get_db(), current().id, slug, clock.today())
    except NotFound:
        abort(404, description="There is no activity at this address.")


@blueprint.get("/activities/<slug>/posttest")
@login_required
def posttest(slug: str) -> str:
    """Signed-in learners. Their attempts so far, and the way forward."""
    activity, learner = _activity_and_standing(slug)
    return render_template(
        "learning/posttest.html",
        activity=activity,
        learner=learner,
        meta=learner.version.meta,
        expired=learner.version.expired(clock.today()),
        withdrawn=services.WITHDRAWN if activity.withdrawn_at is not None else None,
        form=EmptyForm(),
    )


@blueprint.post("/activities/<slug>/posttest")
@login_checked_by_service
def start(slug: str) -> Response:
    """Signed-in learners. Start an attempt, or return to the one already open. The service
    checks the session in its own transaction (no user read before it)."""
    claim = session_claim()
    try:
        attempt_id = services.start_attempt(
            get_db(),
            claim.user_id,
            slug,
            clock.now(),
            zone=clock.zone(),
            session_version=claim.session_version,
        )
    except NotFound:
        abort(404, description="There is no activity at this address.")
    except services.AttemptRefused as refused:
        flash(refused.message, "error")
        return redirect(url_for("learning.posttest", slug=slug))
    return redirect(url_for("learning.attempt", attempt_id=attempt_id))


def _load(
    attempt_id: int, user_id: int | None = None
) -> tuple[Attempt, Activity, services.Standing]:
    """The signed-in learner's attempt; ``user_id`` is the session claim's, on a route whose
    service already checked it (the user is then never loaded)."""
    try:
        return services.attempt_in(
            request_session(),
            get_db(),
            current().id if user_id is None else user_id,
            attempt_id,
            clock.today(),
        )
    except NotFound:
        abort(404, description="There is no attempt at this address.")


@blueprint.get("/attempts/<int:attempt_id>")
@login_required
def attempt(attempt_id: int) -> ViewResult:
    """Signed-in learners, their own attempts only: the form while open, then the review."""
    attempt_row, activity, learner = _load(attempt_id)
    if attempt_row.submitted_at is None:
        return _render_form(attempt_row, activity, {})
    return _render_review(attempt_row, activity, learner)


@blueprint.post("/attempts/<int:attempt_id>")
@login_checked_by_service
@limiter.limit(_submit_limit)
def submit(attempt_id: int) -> ViewResult:
    """Signed-in learners, their own open attempts only. Scored on the server.

    The hot path: the view hands the form to the service, which checks the session in its own
    transaction, and redirects; the learner's standing is only computed when the form has to
    be shown again.
    """
    claim = session_claim()
    answers = {
        key[2:]: frozenset(request.form.getlist(key))
        for key in request.form
        if key.startswith("q-")
    }
    version_field = request.form.get("version_id", "")
    try:
        services.submit_attempt(
            get_db(),
            claim.user_id,
            attempt_id,
            answers,
            clock.now(),
            form_version_id=_posted_id(version_field),
            session_version=claim.session_version,
        )
    except NotFound:
        abort(404, description="There is no attempt at this address.")
    except services.AlreadySubmitted:
        flash("This attempt was already submitted; here is its result.", "warning")
    except SubmissionError as error:
        attempt_row, activity, _learner = _load(attempt_id, claim.user_id)
        decoded = decode_answers(answers, attempt_row.option_order, attempt_row.option_values)
        chosen = {key: sorted(values) for key, values in decoded.items()}
        return _render_form(attempt_row, activity, chosen, error=error), 400
    return redirect(url_for("learning.attempt", attempt_id=attempt_id))


def _posted_id(value: str) -> int:
    """The id a form posted, or -1, which no row has, for anything that cannot be an id: ASCII
    digits only ("²" passes ``str.isdigit`` but ``int`` refuses it), and no longer than the
    largest id (Python refuses to convert a string of more than 4,300 digits)."""
    if value.isascii() and value.isdigit() and len(value) <= len(str(MAX_ID)):
        return int(value)
    return -1


def _render_form(
    attempt_row: Attempt,
    activity: Activity,
    chosen: dict[str, Any],
    error: SubmissionError | None = None,
) -> str:
    version = services.versions_for(get_db()).get(
        request_session(), attempt_row.activity_version_id
    )
    questions = shown_questions(
        version.questions, attempt_row.option_order, chosen, values=attempt_row.option_values
    )
    return render_template(
        "learning/attempt_form.html",
        attempt=attempt_row,
        activity=activity,
        version=version,
        questions=questions,
        error=error,
        form=EmptyForm(),
    )


def _render_review(attempt_row: Attempt, activity: Activity, learner: services.Standing) -> str:
    session = request_session()
    version = services.versions_for(get_db()).get(session, attempt_row.activity_version_id)
    responses = services.responses_of(session, attempt_row.id)
    shown = learner.review(attempt_row)
    questions = shown_questions(
        version.questions,
        attempt_row.option_order,
        {qid: r.chosen for qid, r in responses.items()},
        correctness={qid: r.correct for qid, r in responses.items()} if shown.wrong_items else None,
        with_key=shown.answers,
    )
    return render_template(
        "learning/attempt_review.html",
        attempt=attempt_row,
        activity=activity,
        version=version,
        questions=questions,
        shown=shown,
        answers_hint=answers_hint(
            version.review_policy.moment("answers"),
            unlimited=learner.allowed is None,
            out_of_attempts=learner.out_of_attempts,
        ),
        learner=learner,
        form=EmptyForm(),
    )


@blueprint.route("/activities/<slug>/evaluation", methods=["GET", "POST"])
@login_required
def evaluation(slug: str) -> ViewResult:
    """Signed-in learners who passed. Required before claiming credit."""
    activity, learner = _activity_and_standing(slug)
    if not learner.passed:
        flash("The evaluation opens once you pass the posttest.", "warning")
        return redirect(url_for("learning.posttest", slug=slug))
    if learner.evaluated:
        if request.method == "POST":
            flash(ALREADY_EVALUATED, "warning")
        return redirect(url_for("credit.claim", slug=slug))
    items = learner.version.evaluation
    form = EmptyForm()
    error: EvaluationError | None = None
    if request.method == "POST":
        raw = {item.id: request.form.get(item.id, "") for item in items}
        try:
            recorded = services.submit_evaluation(get_db(), current().id, slug, raw, clock.now())
        except EvaluationError as problem:
            error = problem
        except services.EvaluationRefused as refused:
            flash(refused.message, "error")
            return redirect(url_for("learning.posttest", slug=slug))
        else:
            if recorded:
                flash("Thank you for your evaluation. You can now claim credit.", "success")
            else:
                flash(ALREADY_EVALUATED, "warning")
            return redirect(url_for("credit.claim", slug=slug))
    page = render_template(
        "learning/evaluation.html",
        activity=activity,
        meta=learner.version.meta,
        items=items,
        values=request.form if request.method == "POST" else {},
        error=error,
        form=form,
    )
    return (page, 400) if error else page


@blueprint.get("/my/activities")
@login_required
def my_activities() -> str:
    """Signed-in learners: their status in every activity they started or can start."""
    rows = services.my_activities(request_session(), get_db(), current().id, clock.today())
    return render_template("learning/my_activities.html", rows=rows)
