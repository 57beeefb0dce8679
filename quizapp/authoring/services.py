"""Apply a content tree to the database in one transaction, or not at all."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from quizapp import audit
from quizapp.content import CHECKER_VERSION, Problem, load_tree
from quizapp.content import Activity as ContentActivity
from quizapp.content.folder import ARTICLE, FIGURE_TYPES, read_figure
from quizapp.content.publish import build_snapshot
from quizapp.content.render import LinkResolver, remembering
from quizapp.content.snapshot import VersionSnapshot
from quizapp.db import Database, retry_when_locked
from quizapp.errors import NotFound, Refused
from quizapp.links import activity_path, figure_path
from quizapp.models import Activity, ActivityVersion, Asset, AuditEvent


class ContentRejected(Exception):
    """The tree has problems; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the content")
        self.problems = problems


@dataclass(frozen=True)
class SyncChange:
    slug: str
    action: str
    version: int

    def __str__(self) -> str:
        return f"{self.slug}: {self.action} (version {self.version})"


@dataclass
class SyncReport:
    changes: list[SyncChange] = field(default_factory=list)
    drafts: list[str] = field(default_factory=list)
    """Slugs of the activities marked ``draft: true``, which were checked but not synced."""
    problems: list[Problem] = field(default_factory=list)
    """With ``keep_going``: the problems of the folders that were skipped."""
    skipped: list[str] = field(default_factory=list)
    """With ``keep_going``: the folders (as printed in ``problems``) left as they were."""

    @property
    def changed(self) -> list[SyncChange]:
        return [change for change in self.changes if change.action != "unchanged"]


@dataclass(frozen=True)
class PreparedActivity:
    """An activity made ready to publish before any write: rendered, figures read and hashed.

    ``snapshot`` is ``None`` when the database already held this content when the sync began;
    the transaction then only points the activity at that version.
    """

    content: ContentActivity
    figures: dict[str, str]
    figure_bytes: dict[str, bytes]
    snapshot: VersionSnapshot | None


CHECKED_ACTIONS = ("content.sync", "content.restore", "content.check")
"""The audit events that say the checker accepted an activity's files: each holds the
``content_hash`` and the :data:`~quizapp.content.CHECKER_VERSION` (``checker``) that did."""


class _PublishedChanged(Exception):
    """A folder taken as unchanged is no longer what the database holds (another sync ran)."""


@retry_when_locked
def sync_content(
    db: Database,
    root: Path,
    actor: audit.Actor = audit.CLI,
    *,
    now: dt.datetime,
    keep_going: bool = False,
    processes: int = 1,
) -> SyncReport:
    """Create activities and versions for what changed under ``root``; refuse on any problem,
    or with ``keep_going`` skip the folders that have one and sync the rest.

    ``keep_going`` is what ``make run`` uses: one broken folder must not stop the site from
    serving what is already published. A skipped folder's published version, if any, stays as
    it was. Activities marked ``draft: true`` are never synced.

    Everything slow (reading the tree, rendering Markdown, reading and hashing figures) happens
    before the write transaction opens, so on SQLite the write lock is held only for the
    lookups and inserts, and learners' requests are not kept waiting by a large sync.

    A folder whose bytes are those of its activity's current version, at the same folder name,
    as accepted by this :data:`~quizapp.content.CHECKER_VERSION`, is not read again, so a sync
    of a large tree in which little changed costs little more than hashing its files.
    ``processes`` is how many processes may read the folders that are read (see
    :func:`~quizapp.content.load_tree`).
    """
    try:
        return _sync(
            db, root, actor, now=now, keep_going=keep_going, trust_checks=True, processes=processes
        )
    except _PublishedChanged:
        return _sync(
            db, root, actor, now=now, keep_going=keep_going, trust_checks=False, processes=processes
        )


def _sync(
    db: Database,
    root: Path,
    actor: audit.Actor,
    *,
    now: dt.datetime,
    keep_going: bool,
    trust_checks: bool,
    processes: int,
) -> SyncReport:
    with db.read_session() as session:
        published = _published_versions(session)
        checked = _checked(session)
        known = set(
            session.execute(
                select(Activity.content_id, ActivityVersion.content_hash).join(
                    ActivityVersion, ActivityVersion.activity_id == Activity.id
                )
            ).tuples()
        )
        slug_holders = {
            slug: content_id
            for slug, content_id in session.execute(select(Activity.slug, Activity.content_id))
        }
    accepted = {
        (version.slug, version.content_hash): version.content_id
        for version in published.values()
        if (str(version.activity_id), version.content_hash) in checked
    }
    with remembering():  # the checker's conversions serve the new versions too
        tree = load_tree(root, accepted=accepted if trust_checks else None, processes=processes)
        if tree.problems and not keep_going:
            raise ContentRejected(tree.problems)
        report = SyncReport(problems=list(tree.problems))
        publishable = []
        for activity in tree.activities:
            if activity.meta.draft:
                report.drafts.append(activity.slug)
                continue
            holder = slug_holders.get(activity.slug)
            if keep_going and holder is not None and holder != activity.meta.id:
                report.problems.append(_slug_taken(activity, holder))
                continue
            publishable.append(activity)
        prepared = [
            prepare(activity, render=(activity.meta.id, activity.content_hash) not in known)
            for activity in publishable
        ]
    report.problems.sort()
    report.skipped = sorted({_folder_of(problem, root) for problem in report.problems})
    with db.transaction() as session:
        if tree.unchanged:
            now_published = _published_versions(session)
            for folder in tree.unchanged:
                version = now_published.get(folder.id)
                if version is None or (version.slug, version.content_hash) != (
                    folder.slug,
                    folder.content_hash,
                ):
                    raise _PublishedChanged(folder.slug)
                report.changes.append(SyncChange(folder.slug, "unchanged", version.number))
        for item in prepared:
            report.changes.append(_sync_activity(session, item, actor, now, checked))
    report.changes.sort(key=lambda change: change.slug)
    return report


@dataclass(frozen=True)
class _Published:
    activity_id: int
    content_id: str
    slug: str
    content_hash: str
    number: int


def _published_versions(session: Session) -> dict[str, _Published]:
    """Each activity's current version, by the activity's content id."""
    rows = session.execute(
        select(
            Activity.id,
            Activity.content_id,
            Activity.slug,
            ActivityVersion.content_hash,
            ActivityVersion.number,
        ).join(ActivityVersion, ActivityVersion.id == Activity.current_version_id)
    ).tuples()
    return {row[1]: _Published(*row) for row in rows}


def _checked(session: Session) -> set[tuple[str, str]]:
    """``(activity id, content hash)`` for the files this checker version accepted."""
    rows = session.execute(
        select(AuditEvent.target_id, AuditEvent.details).where(
            AuditEvent.target_type == "activity", AuditEvent.action.in_(CHECKED_ACTIONS)
        )
    ).tuples()
    return {
        (target_id, details["content_hash"])
        for target_id, details in rows
        if details.get("checker") == CHECKER_VERSION and "content_hash" in details
    }


def prepare(content: ContentActivity, *, render: bool = True) -> PreparedActivity:
    figure_bytes = {name: read_figure(path) for name, path in sorted(content.figures.items())}
    figures = {name: hashlib.sha256(data).hexdigest() for name, data in figure_bytes.items()}
    snapshot = (
        build_snapshot(content, figures, _link_resolver(content.slug, figures)) if render else None
    )
    return PreparedActivity(content, figures, figure_bytes if render else {}, snapshot)


def _sync_activity(
    session: Session,
    item: PreparedActivity,
    actor: audit.Actor,
    now: dt.datetime,
    checked: set[tuple[str, str]],
) -> SyncChange:
    content = item.content
    row = session.scalar(select(Activity).where(Activity.content_id == content.meta.id))
    moved = ""
    if row is None:
        _ensure_slug_free(session, content, None)
        row = Activity(content_id=content.meta.id, slug=content.slug)
        session.add(row)
        session.flush()
    elif row.slug != content.slug:
        _ensure_slug_free(session, content, row.id)
        audit.record(
            session,
            actor,
            "activity.rename",
            "activity",
            row.id,
            now=now,
            old=row.slug,
            new=content.slug,
        )
        moved = f", moved from /{row.slug}/"
        row.slug = content.slug

    known = session.scalar(
        select(ActivityVersion).where(
            ActivityVersion.activity_id == row.id,
            ActivityVersion.content_hash == content.content_hash,
        )
    )
    if known is not None:
        if row.current_version_id == known.id:
            if (str(row.id), content.content_hash) not in checked:
                audit.record(
                    session,
                    actor,
                    "content.check",
                    "activity",
                    row.id,
                    now=now,
                    version=known.number,
                    content_hash=content.content_hash,
                    checker=CHECKER_VERSION,
                )
            return SyncChange(row.slug, "unchanged" + moved, known.number)
        row.current_version_id = known.id
        audit.record(
            session,
            actor,
            "content.restore",
            "activity",
            row.id,
            now=now,
            version=known.number,
            content_hash=content.content_hash,
            checker=CHECKER_VERSION,
        )
        return SyncChange(row.slug, "restored an earlier version" + moved, known.number)

    if item.snapshot is None:
        # Another sync removed the version between the look-up and this transaction.
        item = prepare(content)
    assert item.snapshot is not None
    _store_assets(session, content, item)
    number = (
        session.scalar(
            select(func.max(ActivityVersion.number)).where(ActivityVersion.activity_id == row.id)
        )
        or 0
    ) + 1
    version = ActivityVersion.from_snapshot(
        item.snapshot, activity_id=row.id, number=number, content_hash=content.content_hash
    )
    session.add(version)
    session.flush()
    row.current_version_id = version.id
    action = ("created" if number == 1 else "new version") + moved
    audit.record(
        session,
        actor,
        "content.sync",
        "activity",
        row.id,
        now=now,
        slug=row.slug,
        version=number,
        content_hash=content.content_hash,
        checker=CHECKER_VERSION,
    )
    return SyncChange(row.slug, action, number)


def _ensure_slug_free(session: Session, content: ContentActivity, own_id: int | None) -> None:
    holder = session.scalar(select(Activity).where(Activity.slug == content.slug))
    if holder is not None and holder.id != own_id:
        raise ContentRejected([_slug_taken(content, holder.content_id)])


def _slug_taken(content: ContentActivity, holder_id: str) -> Problem:
    return Problem(
        str(content.folder / ARTICLE),
        2,
        f"folder '{content.slug}' was already published with id "
        f"'{holder_id}'; an activity's id must not change",
    )


def _folder_of(problem: Problem, root: Path) -> str:
    """The activity folder a problem is in, as the problem prints it (or the path itself for a
    problem with the content root)."""
    path = Path(problem.path)
    if (root / ARTICLE).is_file() or path == root or not path.is_relative_to(root):
        return problem.path
    return str(root / path.relative_to(root).parts[0])


def _store_assets(session: Session, content: ContentActivity, item: PreparedActivity) -> None:
    stored = set(
        session.scalars(select(Asset.sha256).where(Asset.sha256.in_(set(item.figures.values()))))
    )
    for name, digest in item.figures.items():
        if digest not in stored:
            session.add(
                Asset(
                    sha256=digest,
                    media_type=FIGURE_TYPES[content.figures[name].suffix.lower()],
                    data=item.figure_bytes[name],
                )
            )
            stored.add(digest)
    session.flush()


def _link_resolver(slug: str, figures: dict[str, str]) -> LinkResolver:
    def resolve(target: str) -> str | None:
        if target.startswith("figures/"):
            digest = figures.get(target.split("#", 1)[0])
            return figure_path(digest, target.rsplit("/", 1)[-1]) if digest else None
        if target.startswith("article.md"):
            anchor = target.partition("#")[2]
            return activity_path(slug) + (f"#{anchor}" if anchor else "")
        return target

    return resolve


class WithdrawalRefused(Refused):
    """The activity is not in the state the command would take it out of."""


@retry_when_locked
def withdraw_activity(
    db: Database, slug: str, reason: str, actor: audit.Actor = audit.CLI, *, now: dt.datetime
) -> None:
    """Close the activity at ``slug`` to new learners and take it off the catalog.

    Nothing a learner did is touched: attempts, claims and certificates stay, and certificates
    still verify. The reason is kept in the audit log, for whoever reinstates it.
    """
    reason = audit.clean_reason(reason)
    problem = audit.reason_problem(reason, missing="Give the reason for withdrawing it.")
    if problem is not None:
        raise WithdrawalRefused(problem)
    with db.transaction() as session:
        activity = _published(session, slug)
        if activity.withdrawn_at is not None:
            raise WithdrawalRefused(f"'{slug}' is already withdrawn.")
        activity.withdrawn_at = now
        audit.record(
            session, actor, "activity.withdraw", "activity", activity.id, now=now, reason=reason
        )


@retry_when_locked
def reinstate_activity(
    db: Database, slug: str, actor: audit.Actor = audit.CLI, *, now: dt.datetime
) -> None:
    """Open a withdrawn activity again, at the version it was withdrawn with."""
    with db.transaction() as session:
        activity = _published(session, slug)
        if activity.withdrawn_at is None:
            raise WithdrawalRefused(f"'{slug}' is not withdrawn.")
        activity.withdrawn_at = None
        audit.record(session, actor, "activity.reinstate", "activity", activity.id, now=now)


def _published(session: Session, slug: str) -> Activity:
    activity = session.scalar(select(Activity).where(Activity.slug == slug))
    if activity is None:
        raise NotFound(slug)
    return activity
