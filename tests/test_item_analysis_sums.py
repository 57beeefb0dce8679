"""The item-analysis report adds up answer patterns in the database; its figures must be exactly
those of the statistics' definitions applied to the matrix of responses, on every engine."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from fractions import Fraction

import pytest
from flask import Flask
from sqlalchemy import insert, select

from quizapp.db import Database
from quizapp.models import Activity, ActivityVersion, Attempt, Response, User
from quizapp.reports.items import item_analysis
from quizapp.statistics.item_analysis import (
    AttemptResponses,
    ItemResponse,
    ItemSpec,
    OptionSpec,
    analyse,
)
from tests.learner_helpers import METHOTREXATE

NOW = dt.datetime(2027, 1, 15, 12, tzinfo=dt.UTC)
POINTS = [Decimal("0"), Decimal("1"), Decimal("0.3333"), Decimal("0.5"), Decimal("0.6667")]


def fill(db: Database, version: ActivityVersion, learners: int, seed: int) -> None:
    """Learners with one to three submitted attempts (and an open one now and then), scored
    with partial credit and choosing any number of options."""
    rng = random.Random(seed)
    questions = version.snapshot().questions
    with db.transaction() as session:
        session.execute(
            insert(User),
            [
                {"email": f"sums{i}@example.org", "password_hash": "x", "full_name": f"L {i}",
                 "degree": "MD"}
                for i in range(learners)
            ],
        )  # fmt: skip
        user_ids = session.scalars(select(User.id).where(User.email.like("sums%"))).all()
        for user_id in user_ids:
            for number in range(1, rng.randint(1, 3) + 1):
                submitted = rng.random() > 0.1
                attempt_id = session.scalar(
                    insert(Attempt)
                    .values(
                        user_id=user_id,
                        activity_id=version.activity_id,
                        activity_version_id=version.id,
                        number=number,
                        option_order={},
                        started_at=NOW,
                        submitted_at=NOW if submitted else None,
                    )
                    .returning(Attempt.id)
                )
                if not submitted:
                    break
                session.execute(
                    insert(Response),
                    [
                        {
                            "attempt_id": attempt_id,
                            "question_id": q.id,
                            "chosen": rng.sample(
                                [o.id for o in q.options], rng.randint(0, len(q.options))
                            ),
                            "correct": False,
                            "points": rng.choice(POINTS),
                        }
                        for q in questions
                    ],
                )


def by_definition(db: Database, version: ActivityVersion, first_only: bool) -> object:
    """The statistics of the matrix of responses, read row by row as the report once did."""
    specs = [
        ItemSpec(q.id, tuple(OptionSpec(o.id, o.text.source, o.correct) for o in q.options))
        for q in version.snapshot().questions
    ]
    query = (
        select(Attempt.id, Response.question_id, Response.points, Response.chosen)
        .join(Response, Response.attempt_id == Attempt.id)
        .where(Attempt.activity_version_id == version.id, Attempt.submitted_at.is_not(None))
    )
    if first_only:
        query = query.where(Attempt.number == 1)
    matrix: dict[int, dict[str, ItemResponse]] = {}
    with db.read_session() as session:
        for attempt_id, question_id, points, chosen in session.execute(query):
            matrix.setdefault(attempt_id, {})[question_id] = ItemResponse(
                Fraction(str(points)), frozenset(chosen)
            )
    return analyse(specs, [AttemptResponses(r) for r in matrix.values()])


@pytest.mark.parametrize("first_only", [True, False])
def test_the_reports_sums_give_the_figures_of_the_definitions_exactly(
    synced: Flask, db: Database, first_only: bool
) -> None:
    with db.read_session() as session:
        version = session.scalars(
            select(ActivityVersion)
            .join(Activity, Activity.current_version_id == ActivityVersion.id)
            .where(Activity.slug == METHOTREXATE)
        ).one()
    fill(db, version, learners=60, seed=7)

    with db.read_session() as session:
        report = item_analysis(session, version, first_attempts_only=first_only)

    # Equal dataclasses: every figure, the discriminative efficiency (which needs the
    # distributions of points and of the rest of the test, not only sums) included.
    assert report == by_definition(db, version, first_only)
    assert report.attempts > 50
    assert report.cronbach_alpha is not None
    assert report.alpha_undefined is None
    assert all(item.discrimination_index is not None for item in report.items)
    assert all(item.discriminative_efficiency is not None for item in report.items)
    assert all(-100 <= item.discriminative_efficiency <= 100 for item in report.items)  # type: ignore[operator]


def test_a_version_without_attempts_has_no_figures(synced: Flask, db: Database) -> None:
    with db.read_session() as session:
        version = session.scalars(select(ActivityVersion)).first()
        assert version is not None
        report = item_analysis(session, version)

    assert report.attempts == 0
    assert report.cronbach_alpha is None
    assert report.too_few_attempts
    assert all(item.discriminative_efficiency is None for item in report.items)
    assert all(option.count == 0 for item in report.items for option in item.options)
