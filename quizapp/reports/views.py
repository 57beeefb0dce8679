"""Report routes. Who may use them: administrators only. Each page has a CSV twin."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request

from quizapp import clock
from quizapp.accounts.login import admin_required
from quizapp.catalog.queries import activity_by_slug, published_activities
from quizapp.csvstream import csv_response
from quizapp.dates import DateRange, parse_range
from quizapp.db import request_session
from quizapp.models import Activity, ActivityVersion
from quizapp.reports.completions import COMPLETION_COLUMNS, completion_rows, completions_count
from quizapp.reports.evaluations import EVALUATION_COLUMNS, evaluation_rows, evaluation_summary
from quizapp.reports.items import ITEM_COLUMNS, activity_versions, item_analysis, item_row
from quizapp.reports.pars import PARS_COLUMNS, pars_report, pars_rows
from quizapp.statistics.charts import facility_chart, option_bar_chart

COMPLETIONS_PAGE_ROWS = 500
"""A page a browser can still show; the CSV has every row."""

blueprint = Blueprint("reports", __name__, url_prefix="/admin/reports", template_folder="templates")


def _activity(slug: str) -> Activity:
    activity = activity_by_slug(request_session(), slug)
    if activity is None:
        abort(404, description="There is no such activity.")
    return activity


def parse_period() -> DateRange:
    """``?start=YYYY-MM-DD&end=YYYY-MM-DD``; the last 30 days by default, as on the dashboard."""
    args = request.args
    try:
        return parse_range(args.get("start"), args.get("end"), clock.today())
    except ValueError as error:
        abort(400, description=str(error))


def _activities() -> list[tuple[Activity, str]]:
    return published_activities(request_session())


@blueprint.get("/")
@admin_required
def index() -> str:
    """Administrators."""
    return render_template("reports/index.html", activities=_activities())


@blueprint.get("/completions")
@admin_required
def completions() -> str:
    """Administrators. Completions by date range and activity."""
    period = parse_period()
    slug = request.args.get("activity") or None
    session = request_session()
    rows = list(completion_rows(session, period, slug, limit=COMPLETIONS_PAGE_ROWS))
    return render_template(
        "reports/completions.html",
        period=period,
        slug=slug,
        rows=rows,
        total=completions_count(session, period, slug),
        columns=COMPLETION_COLUMNS,
        activities=_activities(),
    )


@blueprint.get("/completions.csv")
@admin_required
def completions_csv() -> Response:
    """Administrators."""
    period = parse_period()
    slug = request.args.get("activity") or None
    return csv_response(
        f"completions-{period.start}-{period.end}.csv",
        COMPLETION_COLUMNS,
        lambda: completion_rows(request_session(), period, slug),
    )


@blueprint.get("/pars/<slug>")
@admin_required
def pars(slug: str) -> str:
    """Administrators. ACCME PARS learner upload, with what cannot be reported beside it."""
    activity = _activity(slug)
    report = pars_report(request_session(), activity, clock.today())
    return render_template(
        "reports/pars.html", activity=activity, report=report, columns=PARS_COLUMNS
    )


@blueprint.get("/pars/<slug>.csv")
@admin_required
def pars_csv(slug: str) -> Response:
    """Administrators. Only the reportable rows; the page lists the others."""
    activity = _activity(slug)
    return csv_response(
        f"pars-{slug}.csv",
        PARS_COLUMNS,
        lambda: pars_rows(request_session(), activity, clock.today()),
    )


def _version(activity: Activity) -> ActivityVersion:
    versions = activity_versions(request_session(), activity)
    wanted = request.args.get("version")
    if wanted:
        chosen = next((v for v in versions if str(v.number) == wanted), None)
        if chosen is None:
            abort(404, description="This activity has no such version.")
        return chosen
    return versions[-1]


@blueprint.get("/items/<slug>")
@admin_required
def items(slug: str) -> str:
    """Administrators. Item analysis of one version, first attempts unless asked otherwise."""
    activity = _activity(slug)
    version = _version(activity)
    first_only = request.args.get("attempts") != "all"
    analysis = item_analysis(request_session(), version, first_attempts_only=first_only)
    questions = {q.id: q for q in version.snapshot().questions}
    charts = {
        item.question_id: option_bar_chart(
            [(f"{o.option_id}. {o.text}", o.count, o.correct) for o in item.options],
            title=f"Question {index}: how often each option was chosen",
            total=analysis.attempts,
            chart_id=f"options-{item.question_id}",
        )
        for index, item in enumerate(analysis.items, start=1)
    }
    overview = facility_chart(
        [(f"Q{i}", item.facility_percent) for i, item in enumerate(analysis.items, start=1)],
        title="Facility index per question",
        chart_id="facility",
    )
    return render_template(
        "reports/items.html",
        activity=activity,
        version=version,
        versions=activity_versions(request_session(), activity),
        analysis=analysis,
        questions=questions,
        charts=charts,
        overview=overview,
        first_only=first_only,
    )


@blueprint.get("/items/<slug>.csv")
@admin_required
def items_csv(slug: str) -> Response:
    """Administrators."""
    activity = _activity(slug)
    version = _version(activity)
    first_only = request.args.get("attempts") != "all"

    def rows():  # type: ignore[no-untyped-def]
        analysis = item_analysis(request_session(), version, first_attempts_only=first_only)
        for item in analysis.items:
            for option in item.options:
                yield item_row(analysis, item, option)

    return csv_response(f"item-analysis-{slug}-v{version.number}.csv", ITEM_COLUMNS, rows)


@blueprint.get("/evaluations/<slug>")
@admin_required
def evaluations(slug: str) -> str:
    """Administrators. Counts per answer and the free-text answers."""
    activity = _activity(slug)
    summary = evaluation_summary(request_session(), activity)
    return render_template("reports/evaluations.html", activity=activity, summary=summary)


@blueprint.get("/evaluations/<slug>.csv")
@admin_required
def evaluations_csv(slug: str) -> Response:
    """Administrators."""
    activity = _activity(slug)
    return csv_response(
        f"evaluations-{slug}.csv",
        EVALUATION_COLUMNS,
        lambda: evaluation_rows(request_session(), activity),
    )
