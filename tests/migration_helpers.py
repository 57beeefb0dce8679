"""Reading the migration chain, so that upgrade tests name the migration they test and find
the revision before it, whatever is merged ahead of it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from quizapp.authoring.services import prepare
from quizapp.content import load_activity
from quizapp.db import Database
from quizapp.migrate import alembic_config
from quizapp.models import Activity, ActivityVersion


def revision_before(database: Database, revision: str) -> str:
    """The revision ``revision`` follows, read from the migrations themselves."""
    script = ScriptDirectory.from_config(alembic_config(database)).get_revision(revision)
    assert script is not None and isinstance(script.down_revision, str)
    return script.down_revision


def insert_activity(session: Session, content_id: str, slug: str, created_at: dt.datetime) -> int:
    """An activity row written through the table, naming only the columns every schema has, so
    that an upgrade test can store one at an old revision whatever columns later ones added."""
    table = Activity.__table__
    return int(
        session.execute(
            insert(table)
            .values(content_id=content_id, slug=slug, created_at=created_at)
            .returning(table.c.id)
        ).scalar_one()
    )


def point_at(session: Session, activity_id: int, version_id: int) -> None:
    table = Activity.__table__
    session.execute(
        update(table).where(table.c.id == activity_id).values(current_version_id=version_id)
    )


def insert_published(session: Session, folder: Path, created_at: dt.datetime) -> tuple[int, int]:
    """The activity in ``folder`` published as version 1 through the tables (no figures
    stored), as ``sync_content`` would at an old revision; its (activity id, version id)."""
    content, problems = load_activity(folder)
    assert content is not None, problems
    snapshot = prepare(content).snapshot
    assert snapshot is not None
    activity_id = insert_activity(session, content.meta.id, content.slug, created_at)
    row = ActivityVersion.from_snapshot(
        snapshot, activity_id=activity_id, number=1, content_hash=content.content_hash
    )
    versions = ActivityVersion.__table__
    version_id = int(
        session.execute(
            insert(versions)
            .values(
                activity_id=activity_id,
                number=1,
                content_hash=row.content_hash,
                title=row.title,
                release_date=row.release_date,
                expiration_date=row.expiration_date,
                metadata=row.metadata_json,
                article_html=row.article_html,
                questions=row.questions_json,
                figures=row.figures_json,
                created_at=created_at,
            )
            .returning(versions.c.id)
        ).scalar_one()
    )
    point_at(session, activity_id, version_id)
    return activity_id, version_id
