"""Credit that cannot be gamed: a posttest's form does not carry the author's letters.

With ``value="a"`` on every option whatever order it was shown in, a learner who knew the
key's letters (the journal prints the posttest; colleagues talk) scored 100% without reading.
Each attempt now posts opaque values of its own, mapped back to options on the server, and the
review and the administrator's view speak in the letters the learner saw.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import threading
from pathlib import Path

from alembic import command
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import insert, select
from werkzeug.security import generate_password_hash

from quizapp import audit
from quizapp.admin.services import grant_extra_attempt
from quizapp.db import Database
from quizapp.grading.order import option_order
from quizapp.learning import services
from quizapp.migrate import alembic_config, upgrade
from quizapp.models import Activity, Attempt, Evaluation, User
from tests.conftest import NOW, PASSWORD, SAMPLE_CONTENT, AuthActions, csrf_token, make_app
from tests.learner_helpers import (
    IMATINIB,
    METHOTREXATE,
    METHOTREXATE_RIGHT,
    RIGHT,
    start,
    start_id,
    submit,
    take,
    variant,
)
from tests.migration_helpers import insert_published
from tests.staff_helpers import sign_in_as

MOST_COMMON = "most-common-adverse-events"
RISK_FACTORS = "toxicity-risk-factors"
"""A methotrexate item whose first three options are shuffled."""


def form_of(client: FlaskClient, attempt_id: int) -> str:
    return client.get(f"/attempts/{attempt_id}").get_data(as_text=True)


def values_in(page: str, question: str) -> list[str]:
    return re.findall(rf'name="q-{question}" value="([^"]+)"', page)


def post_letters(client: FlaskClient, attempt_id: int, letters: dict[str, str]):  # type: ignore[no-untyped-def]
    page = form_of(client, attempt_id)
    version = re.search(r'name="version_id" value="(\d+)"', page)
    assert version
    data: dict[str, object] = {"csrf_token": csrf_token(page), "version_id": version.group(1)}
    data |= {f"q-{question}": letter for question, letter in letters.items()}
    return client.post(f"/attempts/{attempt_id}", data=data)


def test_the_form_posts_values_that_are_not_the_authors_letters_and_change_per_attempt(
    synced: Flask, auth: AuthActions, client: FlaskClient
) -> None:
    auth.register()
    first = values_in(form_of(client, start_id(client)), MOST_COMMON)
    auth.logout()
    auth.register("bob@example.org")
    second = values_in(form_of(client, start_id(client)), MOST_COMMON)

    assert len(first) == len(second) == 5
    assert not set(first) & set("abcde")
    assert not set(first) & set(second)


def test_posting_the_key_by_its_letters_scores_nothing(
    synced: Flask, auth: AuthActions, client: FlaskClient, db: Database
) -> None:
    auth.register()
    attempt_id = start_id(client)

    response = post_letters(client, attempt_id, RIGHT)

    assert response.status_code == 400
    assert "not an option of its question" in response.get_data(as_text=True)
    with db.read_session() as session:
        attempt = session.get(Attempt, attempt_id)
        assert attempt is not None and attempt.submitted_at is None


def test_the_review_and_the_admin_speak_in_the_letters_the_learner_saw(
    synced: Flask, auth: AuthActions, client: FlaskClient, db: Database
) -> None:
    auth.register()
    with db.read_session() as session:
        user_id = session.scalar(select(User.id))
        _activity, version = services.current_version(session, db, METHOTREXATE)
    assert user_id is not None
    seed = next(
        seed
        for seed in range(100)
        if option_order(version.questions, random.Random(seed))[RISK_FACTORS][0] != "a"
    )
    attempt_id = services.start_attempt(db, user_id, METHOTREXATE, NOW, random.Random(seed))
    with db.read_session() as session:
        attempt = session.get(Attempt, attempt_id)
        assert attempt is not None
        moved = attempt.option_order[RISK_FACTORS][0]

    chosen = {**METHOTREXATE_RIGHT, RISK_FACTORS: moved}
    assert submit(client, attempt_id, chosen).status_code == 302

    review = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    item = review.split(f'id="q-{RISK_FACTORS}-title"')[1]
    mine = re.search(r'<li class="chosen[^"]*">\s*<span class="letter">(\w)\.</span>', item)
    assert mine and mine.group(1) == "a"
    admin = sign_in_as(client.application, db, "admin", "boss@example.org")
    page = admin.client.get(f"/admin/learners/{user_id}").get_data(as_text=True)
    assert f"{RISK_FACTORS}: a [{moved}]" in page


def test_an_attempt_opened_before_opaque_values_still_takes_its_letters(
    database_url: str,
) -> None:
    """An attempt started on the previous schema has no values; after the upgrade its form
    still posts the option ids, and they are scored."""
    database = Database(database_url)
    try:
        command.upgrade(alembic_config(database), "0003")
        with database.transaction() as session:
            activity_id, version_id = insert_published(session, SAMPLE_CONTENT / IMATINIB, NOW)
            user_id = session.execute(
                insert(User.__table__).values(
                    email="ann.lee@example.org",
                    password_hash=generate_password_hash(PASSWORD, method="scrypt:1024:8:1"),
                    full_name="Ann Lee",
                    degree="MD",
                    role="learner",
                    created_at=NOW,
                )
            ).inserted_primary_key[0]
            attempt_id = session.execute(
                insert(Attempt.__table__).values(
                    user_id=user_id,
                    activity_id=activity_id,
                    activity_version_id=version_id,
                    number=1,
                    option_order={
                        "bone-events-cml-gist": ["a", "b"],
                        MOST_COMMON: ["c", "a", "d", "b", "e"],
                        "dose-reduction-bone-edema": ["a", "b"],
                    },
                    started_at=NOW - dt.timedelta(minutes=5),
                )
            ).inserted_primary_key[0]
        upgrade(database)
    finally:
        database.dispose()

    app = make_app(database_url)
    client = app.test_client()
    AuthActions(client).login()
    page = form_of(client, attempt_id)
    assert values_in(page, MOST_COMMON) == ["c", "a", "d", "b", "e"]

    assert post_letters(client, attempt_id, RIGHT).status_code == 302
    assert "passed" in form_of(client, attempt_id)
    app.extensions["quizapp.db"].dispose()


RAISED = "raised-limit"


def test_raising_the_limit_does_not_reopen_the_posttest_to_a_learner_who_saw_the_key(
    synced: Flask, auth: AuthActions, client: FlaskClient, db: Database, tmp_path: Path
) -> None:
    variant(tmp_path / "v1", db, RAISED, {"attempts_allowed: 3": "attempts_allowed: 2"})
    auth.register()
    take(client, right=1, slug=RAISED)
    used_up = take(client, right=1, slug=RAISED)
    assert "Rationale." in client.get(f"/attempts/{used_up}").get_data(as_text=True)
    auth.logout()
    auth.register("bob@example.org")
    take(client, right=1, slug=RAISED)

    variant(tmp_path / "v2", db, RAISED, {"attempts_allowed: 3": "attempts_allowed: 4"})

    assert start_id(client, slug=RAISED)  # Bob never saw the key: the new limit is his
    auth.logout()
    auth.login()
    assert "used all 2 attempts" in refusal(client)
    with db.read_session() as session:
        ann = session.scalar(select(User).where(User.email == "ann.lee@example.org"))
        activity = session.scalar(select(Activity).where(Activity.slug == RAISED))
        assert ann is not None and activity is not None

    grant_extra_attempt(db, ann.id, activity.id, 1, "Retake after the update", audit.CLI, NOW)

    take(client, right=1, slug=RAISED)
    assert "used all 3 attempts" in refusal(client)


def refusal(client: FlaskClient) -> str:
    response = start(client, slug=RAISED)
    assert response.status_code == 302
    assert "/attempts/" not in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    return page


def test_a_second_evaluation_racing_the_first_is_told_its_answers_were_not_saved(
    synced: Flask, auth: AuthActions, client: FlaskClient, db: Database, monkeypatch
) -> None:
    auth.register()
    take(client, right=3)
    other = client.application.test_client()
    AuthActions(other).login()
    pages = [
        c.get(f"/activities/{IMATINIB}/evaluation").get_data(as_text=True) for c in (client, other)
    ]
    both_checked = threading.Barrier(2, timeout=10)
    record = services.submit_evaluation

    def after_both_views_checked(*args, **kwargs):  # type: ignore[no-untyped-def]
        both_checked.wait()
        return record(*args, **kwargs)

    monkeypatch.setattr(services, "submit_evaluation", after_both_views_checked)
    answers = {
        "objectives-met": "Agree",
        "relevance": "Agree",
        "intent-to-change": "Yes",
        "commercial-bias": "No",
    }
    flashed: list[str] = []

    def post(browser: FlaskClient, page: str) -> None:
        response = browser.post(
            f"/activities/{IMATINIB}/evaluation",
            data={"csrf_token": csrf_token(page), **answers},
            follow_redirects=True,
        )
        flashed.append(response.get_data(as_text=True))

    threads = [
        threading.Thread(target=post, args=(browser, page))
        for browser, page in zip((client, other), pages, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sum("Thank you for your evaluation" in page for page in flashed) == 1
    assert sum("already recorded" in page for page in flashed) == 1
    with db.read_session() as session:
        assert len(list(session.scalars(select(Evaluation)))) == 1
