"""Author preview. Who may use it: authors and administrators.

Renders an activity and its posttest from the files on disk, with the answer key and the
rationales, and lists the checker's problems, without syncing anything.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, current_app, render_template, send_from_directory

from quizapp.admin.access import author_required
from quizapp.content import load_activity, load_tree
from quizapp.content.loader import FIGURES
from quizapp.content.posttest import ID_RE
from quizapp.content.snapshot import build_snapshot, figure_digests

blueprint = Blueprint("preview", __name__, url_prefix="/author", template_folder="templates")

FIGURE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


def _root() -> Path:
    return Path(current_app.config["CONTENT_DIR"])


def _folder(slug: str) -> Path:
    folder = _root() / slug
    if not ID_RE.match(slug) or not folder.is_dir():
        abort(404, description="There is no activity folder with this name.")
    return folder


@blueprint.get("/preview")
@author_required
def index() -> str:
    """Authors and administrators: every folder on disk with its number of problems."""
    root = _root()
    folders = []
    if root.is_dir():
        for folder in sorted(
            p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))
        ):
            folders.append((folder.name, len(load_tree(folder).problems)))
    return render_template("authoring/index.html", folders=folders, root=root)


@blueprint.get("/preview/<slug>")
@author_required
def preview(slug: str) -> str:
    """Authors and administrators: the activity as its files are now, key included."""
    folder = _folder(slug)
    activity, problems = load_activity(folder)
    snapshot = None
    if activity is not None:
        prefix = f"/author/preview/{slug}/"

        def resolve(target: str) -> str | None:
            if target.startswith(f"{FIGURES}/"):
                return prefix + target
            if target.startswith("article.md"):
                return prefix + target.removeprefix("article.md")
            return target

        snapshot = build_snapshot(activity, figure_digests(activity), resolve)
    return render_template(
        "authoring/preview.html", slug=slug, problems=problems, snapshot=snapshot
    )


@blueprint.get("/preview/<slug>/figures/<path:name>")
@author_required
def figure(slug: str, name: str) -> Response:
    """Authors and administrators: a figure straight from the activity's folder."""
    response = send_from_directory(_folder(slug) / FIGURES, name, max_age=0)
    response.headers["Content-Security-Policy"] = FIGURE_POLICY
    return response
