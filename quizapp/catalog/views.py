"""Catalog routes. Who may use them: anyone, signed in or not; none changes state."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request

from quizapp.catalog import queries
from quizapp.clock import today
from quizapp.db import request_session

blueprint = Blueprint("catalog", __name__, template_folder="templates")

ASSET_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


@blueprint.get("/")
def catalog() -> str:
    """Anyone. Current activities; expired ones only when asked for."""
    include_expired = request.args.get("show") == "expired"
    groups = queries.list_activities(request_session(), today(), include_expired=include_expired)
    return render_template("catalog/catalog.html", groups=groups, include_expired=include_expired)


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
