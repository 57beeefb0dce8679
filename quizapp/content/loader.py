"""Read an activity folder (or a tree of them) into plain values and every problem found.

Errors are values here: the loader never raises for an author's mistake. The CLI prints the
problems; the sync service refuses a tree that has any. Each part of a folder has its own
reader (folder.py for the files and figures, metadata.py for the front matter, posttest.py for
the questions, links.py for link targets); this module puts their results together.
"""

from __future__ import annotations

import functools
import logging
import multiprocessing
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from quizapp.content.advice import review_warnings
from quizapp.content.folder import (
    ARTICLE,
    POSTTEST,
    activity_folders,
    content_hash,
    folder_content_hash,
    has_article,
    read_folder,
)
from quizapp.content.frontmatter import FrontMatterError, RefusedFrontMatter, split
from quizapp.content.links import check_links
from quizapp.content.metadata import read_meta
from quizapp.content.model import Activity, ActivityMeta, Problem, Question
from quizapp.content.placeholders import find_placeholders
from quizapp.content.posttest import ID_RE, parse_posttest
from quizapp.content.render import (
    RenderError,
    check_renders,
    heading_ids,
    remembered,
    remembering,
)

CHECKER_VERSION = 1
"""The version of the checking rules. Bump it in any change that makes the checker refuse
something it accepted before (a new rule, a stricter limit, a new reading of the front matter,
a Markdown change that makes a text fail to render): a sync skips a folder only when its bytes
are those of a published version that this version of the checker accepted, so after a bump
the next sync checks every folder again. The sync records the version with each version it
publishes and each published version it checks again (the audit log's ``checker``)."""

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class UnchangedFolder:
    """A folder left unread because its bytes are those of a version the checker accepted."""

    slug: str
    folder: Path
    id: str
    content_hash: str


@dataclass
class TreeResult:
    activities: list[Activity] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    """Allowed but unwise (:mod:`quizapp.content.advice`): printed, never refused."""
    unchanged: list[UnchangedFolder] = field(default_factory=list)
    """The folders that ``accepted`` vouched for, not read (so no warnings of theirs either)."""


PARALLEL_FOLDERS = 50
"""Folders to read before :func:`load_tree` shares them among processes: starting a worker (a
new interpreter importing the checker) costs about what reading twenty activities does, so a
pool pays only on a large tree."""


def load_tree(
    path: Path,
    *,
    accepted: Mapping[tuple[str, str], str] | None = None,
    processes: int = 1,
) -> TreeResult:
    """Load ``path``: a content root of activity folders, one activity folder, or a file in one.

    With ``processes`` above 1 and at least :data:`PARALLEL_FOLDERS` folders to read, this
    process and ``processes - 1`` workers share the folders (see :func:`_load_folders`); the
    result is the same as reading them one after the other here.

    ``accepted`` maps ``(folder name, content hash)`` to the activity id for the versions that
    a sync published, that are current at that folder name, and that this
    :data:`CHECKER_VERSION` accepted. A folder whose bytes hash to one of them is not read
    again: the checker would find what it found then. The checks across folders still see it
    by its id, and when a folder that is read has the same id, it is read too, so every
    problem is reported exactly as a full check reports it.
    """
    result = TreeResult()
    if path.is_file():
        path = path.parent
    if not path.is_dir():
        result.problems.append(Problem(str(path), 1, "no such file or directory"))
        return result
    folders = [path] if has_article(path) else activity_folders(path)
    if not folders:
        result.problems.append(
            Problem(str(path), 1, "no activities found (an activity is a folder with article.md)")
        )
    vouched = _vouched_folders(folders, accepted or {})
    unread = [folder for folder in folders if folder not in vouched]
    loaded = dict(zip(unread, _load_folders(unread, processes), strict=True))
    ids_read = {activity.meta.id for activity, _ in loaded.values() if activity is not None}
    for folder, unchanged in list(vouched.items()):
        if unchanged.id in ids_read:
            loaded[folder] = load_activity(folder)
            del vouched[folder]
    first_folder_of: dict[str, Path] = {}
    for folder in folders:
        if folder in vouched:
            first_folder_of.setdefault(vouched[folder].id, folder)
            result.unchanged.append(vouched[folder])
            continue
        activity, problems = loaded[folder]
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
        result.warnings.extend(review_warnings(activity))
    result.problems.sort()
    return result


def _load_folders(
    folders: list[Path], processes: int
) -> list[tuple[Activity | None, list[Problem]]]:
    """:func:`load_activity` of each folder, in order, shared by this process and up to
    ``processes - 1`` workers when there are enough folders to pay for starting them (each
    process gets at least half of :data:`PARALLEL_FOLDERS`).

    This process reads the first share while the workers read the rest. A worker reads a
    folder with the same code as this process, as deep in the call stack (see
    :func:`_load_at_headroom`), so its problems, the hostile files' refusals and their bounds
    included, are the same. When a worker raises, or dies (killed, out of memory), the
    folders from that one on are read here, in order: whatever went wrong then happens here,
    with the traceback and the exit status it has without a pool, and a worker lost for a
    reason of its own costs only time.
    """
    shares = min(processes, len(folders) // (PARALLEL_FOLDERS // 2))
    if shares < 2 or len(folders) < PARALLEL_FOLDERS:
        return [load_activity(folder) for folder in folders]
    own = len(folders) // shares
    loaded: list[tuple[Activity | None, list[Problem]]] = []
    pool: ProcessPoolExecutor | None = None
    try:
        # "spawn": a new interpreter holds no copy of the caller's threads, locks or database
        # connections, as a forked one would.
        pool = ProcessPoolExecutor(shares - 1, mp_context=multiprocessing.get_context("spawn"))
        chunk = max(1, (len(folders) - own) // ((shares - 1) * 8))
        headroom = _headroom() - 2  # load_activity's, called from a comprehension here
        conversions = remembered()
        read = functools.partial(
            _read_in_worker, headroom=headroom, remember=conversions is not None
        )
        theirs = pool.map(read, folders[own:], chunksize=chunk)
        loaded = [load_activity(folder) for folder in folders[:own]]
        for result, converted in theirs:
            if conversions is not None:
                conversions.update(converted)
            loaded.append(result)
    except Exception as error:  # the rest is read below, as without a pool: see the docstring
        log.warning(
            "The worker processes stopped (%s); reading the other %d folders in this process.",
            type(error).__name__,
            len(folders) - len(loaded),
        )
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    return loaded + [load_activity(folder) for folder in folders[len(loaded) :]]


def _read_in_worker(
    folder: Path, headroom: int, remember: bool
) -> tuple[tuple[Activity | None, list[Problem]], dict[str, tuple[str, frozenset[str]]]]:
    """What a worker sends back for ``folder``: what it read, and when the caller keeps the
    checker's conversions (a sync renders its new versions from them), the folder's."""
    if not remember:
        return _load_at_headroom(folder, headroom), {}
    with remembering():
        return _load_at_headroom(folder, headroom), remembered() or {}


def _headroom() -> int:
    """How many more frames the caller could push before Python raises RecursionError.

    Counted by recursing to the limit, because the limit counts more than the frames on the
    stack (some calls through C count too), and another process's stack holds other frames."""
    return _down(0)


def _down(frames: int) -> int:
    try:
        return _down(frames + 1)
    except RecursionError:
        return frames


def _load_at_headroom(folder: Path, headroom: int) -> tuple[Activity | None, list[Problem]]:
    """:func:`load_activity` called with ``headroom`` frames left below it before the recursion
    limit, as it is in the process that shared the work (a worker's stack is shallower).

    Python-Markdown recurses once per level of nesting, so where it stops depends on how much
    of the stack is left: a text nested within a few levels of that point is refused as nested
    "too deeply" with it and as nested "more than 100 levels" without. Read with the same
    headroom, it gets the same message from a worker as without one."""
    extra = _headroom() - 1 - headroom
    return _padded(folder, extra) if extra > 0 else load_activity(folder)


def _padded(folder: Path, frames: int) -> tuple[Activity | None, list[Problem]]:
    return _padded(folder, frames - 1) if frames > 1 else load_activity(folder)


def _vouched_folders(
    folders: list[Path], accepted: Mapping[tuple[str, str], str]
) -> dict[Path, UnchangedFolder]:
    vouched: dict[Path, UnchangedFolder] = {}
    for folder in folders if accepted else []:
        digest = folder_content_hash(folder)
        activity_id = None if digest is None else accepted.get((folder.name, digest))
        if digest is not None and activity_id is not None:
            vouched[folder] = UnchangedFolder(folder.name, folder, activity_id, digest)
    return vouched


@dataclass(frozen=True)
class Draft:
    """What a folder holds even while it has problems: enough for the author preview to show
    the article and the questions that parsed beside the list of problems.

    ``refused`` is set when the folder broke a rule that protects the server (a link, a file or
    line over its size limit, a control character, a YAML anchor, alias or tag): then nothing
    of it may be rendered, and the preview shows only the problems.
    """

    title: str
    article_markdown: str
    questions: tuple[Question, ...]
    refused: bool = False
    meta: ActivityMeta | None = None
    """The front matter read in full, when it has no problem of its own."""
    front_matter: tuple[FrontMatterEntry, ...] = ()
    """Each top-level key as YAML read it, for a front matter with problems."""


@dataclass(frozen=True)
class FrontMatterEntry:
    key: str
    line: int
    value: Any


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
    files = read_folder(folder, problems)
    refused = files.refused
    if not refused:
        problems.extend(find_placeholders(files.article or "", str(article_path)))
        problems.extend(find_placeholders(files.posttest or "", str(posttest_path)))

    meta = None
    body = ""
    title = folder.name
    anchors: frozenset[str] | None = None
    entries: tuple[FrontMatterEntry, ...] = ()
    front_line = 1
    if files.article is not None:
        try:
            front = split(files.article)
        except FrontMatterError as error:
            problems.append(Problem(str(article_path), error.line, error.message))
            refused = refused or isinstance(error, RefusedFrontMatter)
        else:
            meta = read_meta(front, str(article_path), problems)
            entries = tuple(
                FrontMatterEntry(str(key), front.line_of(str(key)), value)
                for key, value in front.data.items()
            )
            front_line = front.start_line
            body = front.body
            if isinstance(front.data.get("title"), str):
                title = front.data["title"]
            try:
                anchors = heading_ids(body)
            except RenderError as error:
                problems.append(
                    Problem(
                        str(article_path), front.body_line, f"the article cannot be shown: {error}"
                    )
                )
                refused = True
            check_links(
                body,
                front.body_line,
                str(article_path),
                files.figures,
                problems,
                anchors,
                in_article=True,
            )
    questions = []
    if files.posttest is not None:
        questions, posttest_problems = parse_posttest(files.posttest, str(posttest_path))
        problems.extend(posttest_problems)
        check_links(files.posttest, 1, str(posttest_path), files.figures, problems, anchors)
        refused = not _renders(questions, str(posttest_path), problems) or refused

    if meta is not None and not _meta_renders(meta, str(article_path), front_line, problems):
        refused = True
    if refused:
        return None, Draft(folder.name, "", (), refused=True), problems
    draft = Draft(
        title=title,
        article_markdown=body,
        questions=tuple(questions),
        meta=meta,
        front_matter=entries,
    )
    if problems or meta is None:
        return None, draft, problems
    try:
        digest = content_hash(files.article or "", files.posttest or "", files.figures)
    except OSError as error:
        problems.append(
            Problem(
                error.filename or str(folder),
                1,
                "the file changed while it was being read; check the folder again",
            )
        )
        return None, draft, problems
    activity = Activity(
        slug=folder.name,
        folder=folder,
        meta=meta,
        article_markdown=body,
        questions=tuple(questions),
        figures=files.figures,
        content_hash=digest,
    )
    return activity, draft, problems


def _meta_renders(meta: ActivityMeta, path: str, line: int, problems: list[Problem]) -> bool:
    """Render the front-matter text a version shows as Markdown (the accreditation and credit
    statements, the citation), as :func:`_renders` does for the questions."""
    texts = [meta.accreditation_statement, meta.citation, *(c.statement for c in meta.credits)]
    try:
        for text in texts:
            _check_statement_renders(text)
    except RenderError as error:
        problems.append(Problem(path, line, f"the front matter cannot be shown: {error}"))
        return False
    return True


@functools.lru_cache(maxsize=256)
def _check_statement_renders(text: str) -> None:
    """:func:`check_renders` for the front matter's statements, remembering the ones that
    render: a provider's activities share their accreditation and credit statements, so a tree
    holds few distinct ones (a text that cannot be rendered raises, and is not remembered)."""
    check_renders(text)


def _renders(questions: list[Question], path: str, problems: list[Problem]) -> bool:
    """Convert every part of every question as a sync would, reporting the ones that cannot be
    rendered, so that what the checker accepts never fails in a sync or a page."""
    ok = True
    for question in questions:
        try:
            check_renders(question.stem)
            check_renders(question.rationale)
            for option in question.options:
                check_renders(option.text)
        except RenderError as error:
            problems.append(
                Problem(path, question.line, f"question '{question.id}' cannot be shown: {error}")
            )
            ok = False
    return ok


__all__ = [
    "CHECKER_VERSION",
    "Draft",
    "FrontMatterEntry",
    "TreeResult",
    "UnchangedFolder",
    "load_activity",
    "load_draft",
    "load_tree",
]
