"""Read an activity folder (or a tree of them) into plain values and every problem found.

Errors are values here: the loader never raises for an author's mistake. The CLI prints the
problems; the sync service refuses a tree that has any. Each part of a folder has its own
reader (folder.py for the files and figures, metadata.py for the front matter, posttest.py for
the questions, links.py for link targets); this module puts their results together.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from quizapp.content.folder import (
    ARTICLE,
    POSTTEST,
    activity_folders,
    content_hash,
    find_figures,
    read_text,
)
from quizapp.content.frontmatter import FrontMatterError, split
from quizapp.content.links import check_links
from quizapp.content.metadata import read_meta
from quizapp.content.model import Activity, Problem, Question
from quizapp.content.posttest import ID_RE, parse_posttest
from quizapp.content.render import heading_ids


@dataclass
class TreeResult:
    activities: list[Activity] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def load_tree(path: Path) -> TreeResult:
    """Load ``path``: a content root of activity folders, one activity folder, or a file in one."""
    result = TreeResult()
    if path.is_file():
        path = path.parent
    if not path.is_dir():
        result.problems.append(Problem(str(path), 1, "no such file or directory"))
        return result
    folders = [path] if (path / ARTICLE).exists() else activity_folders(path)
    if not folders:
        result.problems.append(
            Problem(str(path), 1, "no activities found (an activity is a folder with article.md)")
        )
    first_folder_of: dict[str, Path] = {}
    for folder in folders:
        activity, problems = load_activity(folder)
        result.problems.extend(problems)
        if activity is None:
            continue
        earlier = first_folder_of.setdefault(activity.meta.id, folder)
        if earlier != folder:
            result.problems.append(
                Problem(
                    str(folder / ARTICLE),
                    activity.meta.id_line,
                    f"activity id '{activity.meta.id}' is already used by {earlier / ARTICLE}",
                )
            )
            continue
        result.activities.append(activity)
    result.problems.sort()
    return result


@dataclass(frozen=True)
class Draft:
    """What a folder holds even while it has problems: enough for the author preview to show
    the article and the questions that parsed beside the list of problems."""

    title: str
    article_markdown: str
    questions: tuple[Question, ...]


def load_activity(folder: Path) -> tuple[Activity | None, list[Problem]]:
    activity, _, problems = load_draft(folder)
    return activity, problems


def load_draft(folder: Path) -> tuple[Activity | None, Draft, list[Problem]]:
    """The activity when it is clean, and in any case the draft and the problems."""
    problems: list[Problem] = []
    article_path = folder / ARTICLE
    posttest_path = folder / POSTTEST
    if not ID_RE.match(folder.name):
        problems.append(
            Problem(
                str(folder),
                1,
                f"folder name '{folder.name}' is the URL slug: use lower-case letters, digits "
                "and hyphens",
            )
        )
    article_text = read_text(article_path, problems)
    posttest_text = read_text(posttest_path, problems)
    figures = find_figures(folder, problems)

    meta = None
    body = ""
    title = folder.name
    anchors: frozenset[str] | None = None
    if article_text is not None:
        try:
            front = split(article_text)
        except FrontMatterError as error:
            problems.append(Problem(str(article_path), error.line, error.message))
        else:
            meta = read_meta(front, str(article_path), problems)
            body = front.body
            if isinstance(front.data.get("title"), str):
                title = front.data["title"]
            anchors = heading_ids(body)
            check_links(
                body,
                front.body_line,
                str(article_path),
                figures,
                problems,
                anchors,
                in_article=True,
            )
    questions = []
    if posttest_text is not None:
        questions, posttest_problems = parse_posttest(posttest_text, str(posttest_path))
        problems.extend(posttest_problems)
        check_links(posttest_text, 1, str(posttest_path), figures, problems, anchors)

    draft = Draft(title=title, article_markdown=body, questions=tuple(questions))
    if problems or meta is None:
        return None, draft, problems
    activity = Activity(
        slug=folder.name,
        folder=folder,
        meta=meta,
        article_markdown=body,
        questions=tuple(questions),
        figures=figures,
        content_hash=content_hash(article_text or "", posttest_text or "", figures),
    )
    return activity, draft, problems


__all__ = ["Draft", "TreeResult", "load_activity", "load_draft", "load_tree"]
