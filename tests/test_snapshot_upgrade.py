"""Records outlive versions: a version stored before typed snapshots still serves its learners.

``tests/golden/version-format1-imatinib.json`` is the imatinib version exactly as the code
before snapshot format 2 stored it (HTML only, printed names, no format number). A database
at that code's migration head holds it with a learner's passed attempt and evaluation; after
``quizapp db upgrade`` the learner still sees the review, claims credit, and gets a
certificate that prints the statements the old row carried.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from alembic import command
from pypdf import PdfReader
from sqlalchemy import insert, select
from werkzeug.security import generate_password_hash

from quizapp.content.snapshot import SNAPSHOT_FORMAT, SnapshotFormatError, VersionMeta
from quizapp.db import Database
from quizapp.migrate import alembic_config, upgrade
from quizapp.models import (
    ActivityVersion,
    Attempt,
    Certificate,
    Evaluation,
    Response,
    User,
)
from tests.conftest import PASSWORD, AuthActions, make_app
from tests.learner_helpers import IMATINIB, RIGHT, claim
from tests.migration_helpers import insert_activity, point_at

GOLDEN = Path(__file__).parent / "golden" / "version-format1-imatinib.json"
PREVIOUS_HEAD = "0002"
WHEN = dt.datetime(2027, 1, 10, 9, 0, tzinfo=dt.UTC)


def store_format1_records(database: Database) -> int:
    """The old version with Ann Lee's passed attempt and evaluation; returns the attempt id."""
    old = json.loads(GOLDEN.read_text(encoding="utf-8"))
    meta = old["metadata"]
    with database.transaction() as session:
        # Through the table, naming only columns the old schema has: the model has more.
        user_id = session.execute(
            insert(User.__table__)
            .values(
                email="ann.lee@example.org",
                password_hash=generate_password_hash(PASSWORD, method="scrypt:1024:8:1"),
                full_name="Ann Lee",
                degree="MD",
                role="learner",
                created_at=WHEN,
            )
            .returning(User.__table__.c.id)
        ).scalar_one()
        activity_id = insert_activity(session, meta["id"], IMATINIB, WHEN)
        version = ActivityVersion(
            activity_id=activity_id,
            number=1,
            content_hash=old["content_hash"],
            title=meta["title"],
            release_date=dt.date.fromisoformat(meta["release_date"]),
            expiration_date=dt.date.fromisoformat(meta["expiration_date"]),
            metadata_json=meta,
            article_html=old["article_html"],
            questions_json=old["questions"],
            figures_json=old["figures"],
        )
        session.add(version)
        session.flush()
        point_at(session, activity_id, version.id)
        attempt = Attempt(
            user_id=user_id,
            activity_id=activity_id,
            activity_version_id=version.id,
            number=1,
            option_order={q["id"]: [o["id"] for o in q["options"]] for q in old["questions"]},
            started_at=WHEN,
            submitted_at=WHEN,
            score_percent=Decimal("100.00"),
            passed=True,
        )
        session.add(attempt)
        session.flush()
        for question_id, chosen in RIGHT.items():
            session.add(
                Response(
                    attempt_id=attempt.id,
                    question_id=question_id,
                    chosen=[chosen],
                    correct=True,
                    points=Decimal(1),
                )
            )
        session.add(
            Evaluation(
                user_id=user_id,
                activity_id=activity_id,
                activity_version_id=version.id,
                answers={"objectives-met": "Agree", "relevance": "Agree"},
                submitted_at=WHEN,
            )
        )
        return attempt.id


def test_a_version_stored_before_typed_snapshots_still_serves_review_claim_and_certificate(
    database_url: str,
) -> None:
    database = Database(database_url)
    try:
        command.upgrade(alembic_config(database), PREVIOUS_HEAD)
        attempt_id = store_format1_records(database)
        upgrade(database)
        with database.read_session() as session:
            row = session.scalars(select(ActivityVersion)).one()
            assert row.metadata_json["format"] == SNAPSHOT_FORMAT
            snapshot = row.snapshot()
    finally:
        database.dispose()

    assert snapshot.meta.learning_format == "journal-based"
    assert [q.id for q in snapshot.questions] == list(RIGHT)
    assert snapshot.questions[1].options[4].text.source == "Both a and b"
    (ama,) = snapshot.meta.credits
    assert ama.amount == Decimal("1.0")
    assert "*AMA PRA Category 1 Credit*™" in ama.statement.source
    assert "<" not in snapshot.meta.accreditation_statement.source

    app = make_app(database_url)
    client = app.test_client()
    auth = AuthActions(client)
    auth.login()
    review = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert "Both a and b" in review
    assert "Rationale" in review

    assert claim(auth, {"ama-pra-1": "1.0"}).status_code == 302
    database = app.extensions["quizapp.db"]
    with database.read_session() as session:
        certificate = session.scalars(select(Certificate)).one()
    pdf = client.get(f"/certificates/{certificate.code}.pdf")
    assert pdf.status_code == 200
    text = " ".join(
        "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages).split()
    )
    assert "1.0 AMA PRA Category 1 Credit™" in text
    assert "designates this journal-based CME activity for a maximum of 1.0" in text
    assert "is accredited by the Accreditation Council for Continuing Medical Education" in text
    database.dispose()


def test_downgrading_restores_the_stored_html_and_upgrading_again_reads_it(
    database_url: str,
) -> None:
    database = Database(database_url)
    try:
        command.upgrade(alembic_config(database), PREVIOUS_HEAD)
        store_format1_records(database)
        upgrade(database)
        command.downgrade(alembic_config(database), PREVIOUS_HEAD)
        old = json.loads(GOLDEN.read_text(encoding="utf-8"))
        with database.read_session() as session:
            row = session.scalars(select(ActivityVersion)).one()
            assert row.questions_json == old["questions"]
            assert row.metadata_json == old["metadata"]
        upgrade(database)
        with database.read_session() as session:
            assert session.scalars(select(ActivityVersion)).one().snapshot().questions
    finally:
        database.dispose()


def test_a_snapshot_of_an_unknown_format_is_refused_with_the_command_that_fixes_it() -> None:
    old = json.loads(GOLDEN.read_text(encoding="utf-8"))

    with pytest.raises(SnapshotFormatError) as refused:
        VersionMeta.from_json(old["metadata"])

    assert "format 1" in str(refused.value)
    assert "quizapp db upgrade" in str(refused.value)
