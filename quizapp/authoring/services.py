"""Apply a content tree to the database in one transaction, or not at all."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from quizapp import audit
from quizapp.content import Activity as ContentActivity
from quizapp.content import Problem, load_tree
from quizapp.content.loader import ARTICLE, FIGURE_TYPES
from quizapp.content.render import LinkResolver
from quizapp.content.snapshot import build_snapshot, figure_digests
from quizapp.db import Database
from quizapp.links import activity_path, figure_path
from quizapp.models import Activity, ActivityVersion, Asset


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

    @property
    def changed(self) -> list[SyncChange]:
        return [change for change in self.changes if change.action != "unchanged"]


def sync_content(
    db: Database, root: Path, actor: audit.Actor = audit.CLI, *, now: dt.datetime
) -> SyncReport:
    """Create activities and versions for what changed under ``root``; refuse on any problem."""
    tree = load_tree(root)
    if tree.problems:
        raise ContentRejected(tree.problems)
    report = SyncReport()
    with db.transaction() as session:
        for activity in tree.activities:
            report.changes.append(_sync_activity(session, activity, actor, now))
    return report


def _sync_activity(
    session: Session, content: ContentActivity, actor: audit.Actor, now: dt.datetime
) -> SyncChange:
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
            return SyncChange(row.slug, "unchanged" + moved, known.number)
        row.current_version_id = known.id
        audit.record(
            session, actor, "content.restore", "activity", row.id, now=now, version=known.number
        )
        return SyncChange(row.slug, "restored an earlier version" + moved, known.number)

    figures = figure_digests(content)
    _store_assets(session, content, figures)
    snapshot = build_snapshot(content, figures, _link_resolver(content.slug, figures))
    number = (
        session.scalar(
            select(func.max(ActivityVersion.number)).where(ActivityVersion.activity_id == row.id)
        )
        or 0
    ) + 1
    version = ActivityVersion(
        activity_id=row.id,
        number=number,
        content_hash=content.content_hash,
        title=content.meta.title,
        release_date=content.meta.release_date,
        expiration_date=content.meta.expiration_date,
        metadata_json=snapshot.metadata,
        article_html=snapshot.article_html,
        questions_json=snapshot.questions,
        figures_json=snapshot.figures,
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
    )
    return SyncChange(row.slug, action, number)


def _ensure_slug_free(session: Session, content: ContentActivity, own_id: int | None) -> None:
    holder = session.scalar(select(Activity).where(Activity.slug == content.slug))
    if holder is not None and holder.id != own_id:
        raise ContentRejected(
            [
                Problem(
                    str(content.folder / ARTICLE),
                    2,
                    f"folder '{content.slug}' was already published with id "
                    f"'{holder.content_id}'; an activity's id must not change",
                )
            ]
        )


def _store_assets(session: Session, content: ContentActivity, figures: dict[str, str]) -> None:
    for name, digest in figures.items():
        if session.get(Asset, digest) is None:
            path = content.figures[name]
            session.add(
                Asset(
                    sha256=digest,
                    media_type=FIGURE_TYPES[path.suffix.lower()],
                    data=path.read_bytes(),
                )
            )
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
