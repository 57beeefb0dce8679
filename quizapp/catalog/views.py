"""Catalog routes. Who may use them: anyone, signed in or not; none changes state. A signed-in
learner also sees where they stand in each activity."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_login import current_user

from quizapp.catalog import queries, search
from quizapp.catalog.progress import EXTENSION as PROGRESS_EXTENSION
from quizapp.catalog.progress import Progress
from quizapp.clock import today
from quizapp.db import get_db, request_session

blueprint = Blueprint("catalog", __name__, template_folder="templates")

ASSET_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


def _progress(listings: Sequence[queries.ActivityListing]) -> Mapping[int, Progress]:
    """The signed-in learner's standing per activity id; nothing for a visitor."""
    progress_of = current_app.extensions.get(PROGRESS_EXTENSION)
    if progress_of is None or not current_user.is_authenticated or not listings:
        return {}
    found: Mapping[int, Progress] = progress_of(
        request_session(), get_db(), current_user.id, listings, today()
    )
    return found


@blueprint.get("/")
def catalog() -> str:
    """Anyone. Current activities, searchable and in pages once there are many; expired ones
    only when asked for."""
    try:
        wanted = search.read_search(request.args)
    except search.SearchError as error:
        abort(400, description=str(error))
    include_expired = request.args.get("show") == "expired"
    groups = queries.list_activities(request_session(), today(), include_expired=include_expired)
    current = groups["current"]
    results = search.run(current, wanted)
    return render_template(
        "catalog/catalog.html",
        groups=groups,
        include_expired=include_expired,
        search=wanted,
        results=results,
        searchable=len(current) >= search.SEARCH_FROM or wanted.filtered,
        credit_choices=search.credit_choices(current),
        format_choices=search.format_choices(current),
        progress=_progress(results.listings + groups["expired"]),
    )


@blueprint.get("/activities/<slug>/")
def activity(slug: str) -> str:
    """Anyone. Everything a learner must see before starting, then the article."""
    found = queries.find_activity(request_session(), slug)
    if found is None:
        abort(404, description="There is no activity at this address.")
    activity_row, version = found
    state = queries.availability(version, today())
    if state == "upcoming":
        abort(404, description="There is no activity at this address.")
    return render_template(
        "catalog/activity.html",
        activity=activity_row,
        version=version,
        meta=version.meta(),
        state=state,
    )


@blueprint.get("/figures/<digest>/<name>")
def figure(digest: str, name: str) -> Response:
    """Anyone. A figure by content hash; immutable, so browsers may cache it for a year."""
    asset = queries.find_asset(request_session(), digest)
    if asset is None:
        abort(404, description="There is no figure at this address.")
    response = Response(asset.data, mimetype=asset.media_type)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    response.headers["Content-Security-Policy"] = ASSET_POLICY
    response.set_etag(digest)
    return response.make_conditional(request)
