"""The posttest download on the author preview. Who may use it: authors and administrators.

It exports the activity's files as they are now, key included, like the preview itself; an
activity with problems is not exported (the preview lists them).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, abort, current_app, send_file

from quizapp.accounts.login import author_required
from quizapp.content import load_activity
from quizapp.content.posttest import ID_RE
from quizapp.exchange.bank import bank_from_activity
from quizapp.exchange.formats import EXPORT_FORMATS

blueprint = Blueprint("exchange", __name__, url_prefix="/author", template_folder="templates")


@blueprint.app_context_processor
def export_formats() -> dict[str, Any]:
    return {"export_formats": EXPORT_FORMATS}


@blueprint.get("/preview/<slug>/export/<format_key>")
@author_required
def download(slug: str, format_key: str) -> Response:
    """Authors and administrators: the posttest as a QTI package, Moodle XML or GIFT file."""
    export = EXPORT_FORMATS.get(format_key)
    if export is None:
        abort(404, description="quizapp exports QTI 2.1, QTI 3.0, Moodle XML and GIFT only.")
    folder = Path(current_app.config["CONTENT_DIR"]) / slug
    if not ID_RE.match(slug) or not folder.is_dir():
        abort(404, description="There is no activity folder with this name.")
    activity, problems = load_activity(folder)
    if activity is None:
        abort(
            409,
            description=f"The activity has {len(problems)} problem(s); fix them (the preview "
            "lists them) before exporting it.",
        )
    return send_file(
        io.BytesIO(export.write(bank_from_activity(activity))),
        mimetype=export.mimetype,
        as_attachment=True,
        download_name=f"{slug}-{export.key}{export.suffix}",
        max_age=0,
        etag=False,
    )
