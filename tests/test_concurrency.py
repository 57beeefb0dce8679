"""Limits hold when one learner's requests arrive at once (double clicks, two tabs, scripts).

Threads call the services directly, each with its own connection, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from quizapp.accounts.services import Registration, register
from quizapp.credit import services as credit
from quizapp.credit.eligibility import ClaimError
from quizapp.db import Database
from quizapp.learning import services
from quizapp.models import Attempt, Certificate, CreditClaim, Response
from tests.conftest import FROZEN_NOW, PASSWORD
from tests.learner_helpers import IMATINIB, RIGHT, WRONG, posted

THREADS = 8
NOW = dt.datetime.fromisoformat(FROZEN_NOW)


@pytest.fixture
def learner_id(synced: Flask, db: Database) -> int:
    user = register(
        db,
        Registration("ann.lee@example.org", PASSWORD, "Ann Lee", "MD"),
        now=NOW,
        hash_method="scrypt:1024:8:1",
    )
    return user.id


def in_parallel(work: Callable[[], Any], count: int = THREADS) -> list[Any]:
    """Run ``work`` on ``count`` threads released together; return results or exceptions."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = work()
        except Exception as error:  # the test inspects what each thread met
            results[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_parallel_starts_open_exactly_one_attempt(db: Database, learner_id: int) -> None:
    results = in_parallel(lambda: services.start_attempt(db, learner_id, IMATINIB, NOW))
    assert all(isinstance(r, int) for r in results), results
    assert len(set(results)) == 1
    with db.read_session() as session:
        assert session.scalar(select(func.count()).select_from(Attempt)) == 1


def test_parallel_submits_of_one_attempt_record_exactly_one_result(
    db: Database, learner_id: int
) -> None:
    attempt_id = services.start_attempt(db, learner_id, IMATINIB, NOW)
    results = in_parallel(
        lambda: services.submit_attempt(
            db, learner_id, attempt_id, posted(db, attempt_id, RIGHT), NOW
        )
    )
    submitted = [r for r in results if isinstance(r, services.Submitted)]
    refused = [r for r in results if isinstance(r, services.AlreadySubmitted)]
    assert len(submitted) == 1, results
    assert len(refused) == THREADS - 1, results
    with db.read_session() as session:
        assert session.scalar(select(func.count()).select_from(Response)) == 3


def test_racing_start_and_submit_never_exceeds_the_attempt_limit(
    db: Database, learner_id: int
) -> None:
    def start_then_fail() -> object:
        attempt_id = services.start_attempt(db, learner_id, IMATINIB, NOW)
        return services.submit_attempt(
            db, learner_id, attempt_id, posted(db, attempt_id, WRONG), NOW
        )

    outcomes: list[object] = []
    for _ in range(3):
        outcomes += in_parallel(start_then_fail)
    with db.read_session() as session:
        attempts = list(session.scalars(select(Attempt).order_by(Attempt.number)))
        responses = session.execute(
            select(Response.attempt_id, func.count()).group_by(Response.attempt_id)
        ).all()
    assert [a.number for a in attempts] == [1, 2, 3]
    assert all(a.submitted_at is not None for a in attempts)
    assert {attempt_id: count for attempt_id, count in responses} == {a.id: 3 for a in attempts}
    scored = [o for o in outcomes if isinstance(o, services.Submitted)]
    assert len(scored) == 3
    unexpected = [
        o
        for o in outcomes
        if not isinstance(
            o, services.Submitted | services.AlreadySubmitted | services.AttemptRefused
        )
    ]
    assert unexpected == []


@pytest.fixture
def ready_to_claim(db: Database, learner_id: int) -> int:
    """The learner has passed the imatinib posttest and completed its evaluation."""
    attempt_id = services.start_attempt(db, learner_id, IMATINIB, NOW)
    services.submit_attempt(db, learner_id, attempt_id, posted(db, attempt_id, RIGHT), NOW)
    evaluation = {
        "objectives-met": "Agree",
        "relevance": "Strongly agree",
        "intent-to-change": "Yes",
        "commercial-bias": "No",
    }
    assert services.submit_evaluation(db, learner_id, IMATINIB, evaluation, NOW)
    return learner_id


def claim_ama(db: Database, user_id: int) -> Callable[[], Any]:
    return lambda: credit.claim_credit(
        db, user_id, IMATINIB, {"ama-pra-1": "1.0"}, attested=True, now=NOW
    )


def claim_rows(db: Database) -> tuple[int, int]:
    with db.read_session() as session:
        return (
            session.scalar(select(func.count()).select_from(CreditClaim)) or 0,
            session.scalar(select(func.count()).select_from(Certificate)) or 0,
        )


def test_parallel_claims_of_one_credit_type_record_exactly_one(
    db: Database, ready_to_claim: int
) -> None:
    results = in_parallel(claim_ama(db, ready_to_claim))

    recorded = [r for r in results if isinstance(r, list)]
    refused = [r for r in results if isinstance(r, ClaimError)]
    assert len(recorded) == 1, results
    assert len(refused) == THREADS - 1, results
    assert {r.message for r in refused} <= {
        "You have already claimed AMA PRA Category 1 Credit™.",
        "You have already claimed this credit.",
    }
    assert claim_rows(db) == (1, 1)


def test_the_unique_constraint_alone_keeps_parallel_claims_to_one(
    db: Database, ready_to_claim: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the service's own check blinded, every thread reaches the INSERT; the database's
    unique (user, activity, credit type) constraint must refuse all but one, cleanly."""
    see_no_claims = credit.claim_options

    def blind(*args: Any, **kwargs: Any) -> credit.ClaimPage:
        page = see_no_claims(*args, **kwargs)
        return credit.ClaimPage(credits=page.credits, claimed={})

    monkeypatch.setattr(credit, "claim_options", blind)

    results = in_parallel(claim_ama(db, ready_to_claim))

    refused = [r for r in results if isinstance(r, ClaimError)]
    assert len([r for r in results if isinstance(r, list)]) == 1, results
    assert [r.message for r in refused] == ["You have already claimed this credit."] * (THREADS - 1)
    assert claim_rows(db) == (1, 1)
