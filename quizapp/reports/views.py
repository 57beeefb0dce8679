"""Report routes. Who may use them: administrators only; recording a board batch (a POST)
also needs a password typed in the last ``ADMIN_FRESH_MINUTES`` minutes. Each page has a CSV
twin."""

from __future__ import annotations

from collections.abc import Iterator

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from quizapp import audit, clock
from quizapp.accounts.forms import EmptyForm
from quizapp.accounts.login import admin_required, current, fresh_login_required
from quizapp.catalog.queries import activity_by_slug, published_activities
from quizapp.csvstream import csv_response
from quizapp.dates import DateRange, parse_open_range, parse_range
from quizapp.db import get_db, request_session
from quizapp.errors import NotFound, Refused
from quizapp.followup.services import follow_up_summary
from quizapp.models import MAX_ID, Activity, ActivityVersion
from quizapp.reports import services
from quizapp.reports.completions import COMPLETION_COLUMNS, completion_rows, completions_count
from quizapp.reports.evaluations import EVALUATION_COLUMNS, evaluation_rows, evaluation_summary
from quizapp.reports.files import MEDIA_TYPES, guidance, render
from quizapp.reports.items import (
    ITEM_COLUMNS,
    activity_versions,
    discrimination,
    figure,
    item_analysis,
    item_row,
    too_few_attempts,
)
from quizapp.reports.kinds import CPE_MONITOR, KINDS, PARS, ReportKind
from quizapp.reports.pars import pars_activity_id
from quizapp.statistics.charts import efficiency_chart, facility_chart, option_bar_chart
from quizapp.statistics.item_analysis import MIN_ATTEMPTS

COMPLETIONS_PAGE_ROWS = 500
"""A page a browser can still show; the CSV has every row."""

blueprint = Blueprint("reports", __name__, url_prefix="/admin/reports", template_folder="templates")


def actor() -> audit.Actor:
    user = current()
    return audit.Actor(user.email, user.id)


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


def _board_page(kind: ReportKind, slug: str) -> str:
    activity = _activity(slug)
    session = request_session()
    accme_id, problem = pars_activity_id(session, activity) if kind is PARS else ("", "")
    return render_template(
        "reports/board.html",
        kind=kind,
        activity=activity,
        survey=services.survey(session, kind, activity, clock.today()),
        batches=services.batches(session, kind, activity.id),
        problem=problem,
        accme_id=accme_id,
        form=EmptyForm(),
    )


def _full_export(kind: ReportKind, slug: str, fmt: str) -> Response:
    """Every row reportable today, whatever the batches hold; the CSV streams."""
    activity = _activity(slug)
    today = clock.today()

    def rows() -> Iterator[tuple[str, ...]]:
        for entry in services.current_rows(request_session(), kind, activity, today):
            if not isinstance(entry, services.ReportException):
                yield entry

    if fmt == "csv":
        return csv_response(f"{kind.slug}-{slug}.csv", kind.columns, rows)
    now = clock.now()
    return _file_response(
        f"{kind.slug}-{slug}.{fmt}",
        render(kind, fmt, list(rows()), guidance=guidance(kind, now), written_at=now),
        fmt,
    )


def _record_batch(kind: ReportKind, slug: str) -> WerkzeugResponse:
    activity = _activity(slug)
    fmt = request.form.get("format", kind.formats[0])
    if fmt not in kind.formats:
        fmt = kind.formats[0]
    try:
        batch_id = services.record_batch(get_db(), kind, activity.id, actor(), clock.now()).id
    except Refused as refused:
        flash(refused.message, "error")
        return redirect(url_for(f"reports.{kind.slug.replace('-', '_')}", slug=slug))
    flash(f"Batch {batch_id} is recorded; its download starts now.", "success")
    return redirect(
        url_for("reports.batch_file", report=kind.slug, slug=slug, batch_id=batch_id, fmt=fmt),
        code=303,
    )


@blueprint.get("/pars/<slug>")
@admin_required
def pars(slug: str) -> str:
    """Administrators. ACCME PARS learner upload: the next batch, what cannot be reported
    and why, the batches so far and the full export."""
    return _board_page(PARS, slug)


@blueprint.get("/pars/<slug>.csv")
@admin_required
def pars_csv(slug: str) -> Response:
    """Administrators. The full export: every reportable row, whatever the batches hold."""
    return _full_export(PARS, slug, "csv")


@blueprint.get("/pars/<slug>.<any(xlsx, txt):fmt>")
@admin_required
def pars_file(slug: str, fmt: str) -> Response:
    """Administrators. The full export as ACCME's Excel template or tab-delimited text."""
    return _full_export(PARS, slug, fmt)


@blueprint.post("/pars/<slug>/batches")
@admin_required
@fresh_login_required("record the next PARS batch")
def pars_batch(slug: str) -> WerkzeugResponse:
    """Administrators, fresh login. Records the next PARS batch (audited), then downloads it."""
    return _record_batch(PARS, slug)


@blueprint.get("/cpe-monitor/<slug>")
@admin_required
def cpe_monitor(slug: str) -> str:
    """Administrators. CPE Monitor batch: the next batch, what cannot be reported (late rows
    in red) and the batches so far."""
    return _board_page(CPE_MONITOR, slug)


@blueprint.get("/cpe-monitor/<slug>.csv")
@admin_required
def cpe_monitor_csv(slug: str) -> Response:
    """Administrators. The full export: every reportable row, whatever the batches hold."""
    return _full_export(CPE_MONITOR, slug, "csv")


@blueprint.post("/cpe-monitor/<slug>/batches")
@admin_required
@fresh_login_required("record the next CPE Monitor batch")
def cpe_monitor_batch(slug: str) -> WerkzeugResponse:
    """Administrators, fresh login. Records the next CPE Monitor batch (audited), then
    downloads it."""
    return _record_batch(CPE_MONITOR, slug)


@blueprint.get('/<any(pars, "cpe-monitor"):report>/<slug>/batches/<int:batch_id>.<fmt>')
@admin_required
def batch_file(report: str, slug: str, batch_id: int, fmt: str) -> Response:
    """Administrators. A recorded batch, the same file however often it is downloaded."""
    kind = next(k for k in KINDS.values() if k.slug == report)
    activity = _activity(slug)
    if fmt not in kind.formats or batch_id > MAX_ID:
        abort(404, description="There is no such batch file.")
    try:
        batch, rows = services.batch_file_rows(request_session(), kind, activity.id, batch_id)
    except NotFound:
        abort(404, description="There is no such batch.")
    written = guidance(kind, batch.created_at, batch.id, batch.created_by_label)
    return _file_response(
        f"{kind.slug}-{slug}-batch-{batch.id}.{fmt}",
        render(kind, fmt, rows, guidance=written, written_at=batch.created_at),
        fmt,
    )


def _file_response(filename: str, data: bytes, fmt: str) -> Response:
    response = Response(data, mimetype=MEDIA_TYPES[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


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
    efficiency = None
    if not analysis.too_few_attempts:
        efficiency = efficiency_chart(
            [
                (f"Q{i}", item.discriminative_efficiency)
                for i, item in enumerate(analysis.items, start=1)
            ],
            title="Discriminative efficiency per question",
            chart_id="efficiency",
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
        efficiency=efficiency,
        first_only=first_only,
        figure=figure,
        discrimination=discrimination,
        too_few=too_few_attempts(analysis),
        min_attempts=MIN_ATTEMPTS,
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


def _evaluation_period() -> DateRange | None:
    """``?start=&end=`` (YYYY-MM-DD, either may be left out); every evaluation when both are."""
    try:
        return parse_open_range(request.args.get("start"), request.args.get("end"))
    except ValueError as error:
        abort(400, description=str(error))


@blueprint.get("/evaluations/<slug>")
@admin_required
def evaluations(slug: str) -> str:
    """Administrators. Counts and percentages per answer, as bar charts too, and the
    free-text answers, of the evaluations submitted in a date range (all by default); then the
    follow-ups, each commitment beside what the learner answered later, with the response
    rate."""
    activity = _activity(slug)
    period = _evaluation_period()
    session = request_session()
    summary = evaluation_summary(session, activity, period)
    charts = {
        item.id: option_bar_chart(
            [(choice, count, None) for choice, count in item.counts],
            title=f"Question {index}: how many chose each answer",
            chart_id=f"answers-{index}",
        )
        for index, item in enumerate(summary.items, start=1)
        if item.type != "text"
    }
    return render_template(
        "reports/evaluations.html",
        activity=activity,
        summary=summary,
        follow_up=follow_up_summary(session, activity),
        charts=charts,
        start=request.args.get("start", "").strip(),
        end=request.args.get("end", "").strip(),
        period=period,
    )


@blueprint.get("/evaluations/<slug>.csv")
@admin_required
def evaluations_csv(slug: str) -> Response:
    """Administrators. The same date range as the page."""
    activity = _activity(slug)
    period = _evaluation_period()
    return csv_response(
        f"evaluations-{slug}.csv",
        EVALUATION_COLUMNS,
        lambda: evaluation_rows(request_session(), activity, period),
    )
