"""Author preview. Who may use it: authors and administrators.

Renders an activity and its posttest from the files on disk, with the answer key and the
rationales, and lists the checker's problems, without syncing anything.
"""

from __future__ import annotations

import io
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, render_template, send_file

from quizapp.accounts.login import author_required
from quizapp.authoring import queries
from quizapp.authoring.queries import PublishedState
from quizapp.content import Activity, Problem, load_activity
from quizapp.content.folder import ARTICLE, FIGURE_TYPES, FIGURES, find_figures, read_figure
from quizapp.content.loader import Draft, FrontMatterEntry, load_draft
from quizapp.content.posttest import ID_RE
from quizapp.content.publish import (
    build_draft_preview,
    build_snapshot,
    figure_digests,
    version_meta,
)
from quizapp.db import request_session

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
            folders.append((folder.name, len(load_activity(folder)[1])))
    return render_template("authoring/index.html", folders=folders, root=root)


@blueprint.get("/preview/<slug>")
@author_required
def preview(slug: str) -> str:
    """Authors and administrators: the activity as its files are now, shown as the learner's
    page (reusing its template) with the answer key, and a badge saying how the files compare
    with the published version. A folder with problems still shows what parsed (the front
    matter's keys as read, the article and the questions) beside the problems."""
    folder = _folder(slug)
    activity, draft, problems = load_draft(folder)
    prefix = f"/author/preview/{slug}/"

    def resolve(target: str) -> str | None:
        if target.startswith(f"{FIGURES}/"):
            return prefix + target
        if target.startswith("article.md"):
            return prefix + target.removeprefix("article.md")
        return target

    snapshot = build_snapshot(activity, figure_digests(activity), resolve) if activity else None
    return render_template(
        "authoring/preview.html",
        slug=slug,
        problems=[_relative(problem) for problem in sorted(problems)],
        snapshot=snapshot,
        draft=build_draft_preview(draft, resolve)
        if snapshot is None and not draft.refused
        else None,
        draft_meta=version_meta(draft.meta) if snapshot is None and draft.meta else None,
        front_matter_rows=_front_matter_rows(draft.front_matter, problems),
        is_draft=bool(draft.meta and draft.meta.draft),
        refused=draft.refused,
        published=_published(activity, draft),
    )


def _published(activity: Activity | None, draft: Draft) -> PublishedState | None:
    content_id = draft.meta.id if draft.meta else _front_matter_id(draft)
    if not content_id:
        return None
    return queries.published_state(
        request_session(), content_id, activity.content_hash if activity else None
    )


def _front_matter_id(draft: Draft) -> str:
    found = next((entry.value for entry in draft.front_matter if entry.key == "id"), None)
    return found if isinstance(found, str) and ID_RE.match(found) else ""


def _front_matter_rows(
    entries: tuple[FrontMatterEntry, ...], problems: list[Problem]
) -> list[tuple[FrontMatterEntry, list[tuple[int, str]]]]:
    """Each top-level key with the problems of ``article.md`` on its lines (from its own line
    up to the next key's), so the author sees what was read beside what is wrong with it."""
    in_article = sorted(p for p in problems if Path(p.path).name == ARTICLE)
    rows = []
    for index, entry in enumerate(entries):
        end = entries[index + 1].line if index + 1 < len(entries) else None
        found = [
            (p.line, p.message)
            for p in in_article
            if p.line >= entry.line and (end is None or p.line < end)
        ]
        rows.append((entry, found))
    return rows


def _relative(problem: Problem) -> str:
    """``slug/file:line: message``, as authors see the folder, not as the server stores it."""
    path = Path(problem.path)
    if path.is_relative_to(_root()):
        path = path.relative_to(_root())
    return str(Problem(str(path), problem.line, problem.message))


@blueprint.get("/preview/<slug>/figures/<path:name>")
@author_required
def figure(slug: str, name: str) -> Response:
    """Authors and administrators: a figure straight from the activity's folder.

    Only a file the checker accepts as a figure is sent, read without following links: a
    ``figures/x.png`` that links to a server file is a 404 here, as it is a problem there.
    """
    path = find_figures(_folder(slug), []).get(f"{FIGURES}/{name}")
    if path is None:
        abort(404, description="There is no such figure in this activity's figures/ folder.")
    try:
        data = read_figure(path)
    except OSError:
        abort(404, description="There is no such figure in this activity's figures/ folder.")
    response = send_file(
        io.BytesIO(data), mimetype=FIGURE_TYPES[path.suffix.lower()], max_age=0, etag=False
    )
    response.headers["Content-Security-Policy"] = FIGURE_POLICY
    return response
