"""The author preview shows an activity from its files as they are now, answer key included,
with the checker's problems, and publishes nothing.

Who may open it is in ``test_admin_access.py``; this file is about what it shows.
"""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from quizapp.authoring.services import sync_content
from quizapp.db import Database
from quizapp.models import Activity, ActivityVersion, AuditEvent, Base
from tests.conftest import NOW, SAMPLE_CONTENT, make_app
from tests.learner_helpers import IMATINIB
from tests.staff_helpers import sign_in_as


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A copy of the sample content the test may break."""
    root = tmp_path / "content"
    shutil.copytree(SAMPLE_CONTENT, root)
    return root


@pytest.fixture
def preview_app(database_url: str, content: Path) -> Iterator[Flask]:
    app = make_app(database_url, CONTENT_DIR=str(content))
    database: Database = app.extensions["quizapp.db"]
    Base.metadata.create_all(database.engine)
    yield app
    database.dispose()


@pytest.fixture
def author(preview_app: Flask) -> FlaskClient:
    database: Database = preview_app.extensions["quizapp.db"]
    return sign_in_as(preview_app, database, "author", "pat.editor@example.org").client


def page(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    return html.unescape(response.get_data(as_text=True))


def nothing_was_published(app: Flask) -> bool:
    database: Database = app.extensions["quizapp.db"]
    with database.read_session() as session:
        counts = [
            session.scalar(select(func.count()).select_from(model))
            for model in (Activity, ActivityVersion)
        ]
        content_events = session.scalar(
            select(func.count()).where(AuditEvent.action.startswith("content."))
        )
    return counts == [0, 0] and content_events == 0


def test_a_clean_activity_is_previewed_with_its_answer_key_and_rationales(
    author: FlaskClient, preview_app: Flask
) -> None:
    shown = page(author, f"/author/preview/{IMATINIB}")

    assert "The checker finds no problems" in shown
    assert "Reversible Bone Marrow Edema During Adjuvant Imatinib" in shown
    assert "Posttest with answer key" in shown
    assert 'class="key"><span class="letter">a.</span> True <strong' in shown
    assert 'class="key"><span class="letter">e.</span> Both a and b <strong' in shown
    assert shown.count("correct answer</strong>") == 3
    assert shown.count("<strong>Rationale.</strong>") == 3
    assert "up to 14% of patients with GIST on imatinib report bone pain" in shown
    assert nothing_was_published(preview_app)


def test_a_folder_with_problems_lists_them_by_file_and_line_and_still_shows_the_draft(
    author: FlaskClient, preview_app: Flask, content: Path
) -> None:
    article = content / IMATINIB / "article.md"
    article.write_text(
        article.read_text(encoding="utf-8").replace("passing_score: 66", "passing_score: 166"),
        encoding="utf-8",
    )
    posttest = content / IMATINIB / "posttest.md"
    posttest.write_text(
        posttest.read_text(encoding="utf-8").replace("- [x] True", "- [ ] True", 1),
        encoding="utf-8",
    )

    shown = page(author, f"/author/preview/{IMATINIB}")

    assert "2 problems to fix" in shown
    assert f"<code>{IMATINIB}/article.md:47: passing_score must be between 0 and 100</code>" in (
        shown
    )
    assert (
        f"<code>{IMATINIB}/posttest.md:6: question 'bone-events-cml-gist' has no correct option"
        in shown
    )
    assert str(content) not in shown  # the server's own folders stay out of the page
    assert "<h1>Reversible Bone Marrow Edema During Adjuvant Imatinib" in shown
    # What parsed of the front matter is shown, each key beside the problems on its lines.
    assert "Front matter as read" in shown
    row = re.search(r"<tr class=\"has-problem\">(.*?)</tr>", shown, re.S)
    assert row is not None
    assert "<code>passing_score</code>" in row.group(1) and ">166<" in row.group(1)
    assert "Line 47: passing_score must be between 0 and 100" in row.group(1)
    assert shown.count('class="has-problem"') == 1
    assert "<code>provider</code>" in shown
    assert 'id="case-presentation"' in shown
    # The question without a correct option is the problem; the other two are shown.
    assert shown.count("<strong>Rationale.</strong>") == 2
    assert "<code>most-common-adverse-events</code>" in shown
    assert nothing_was_published(preview_app)


def test_a_script_in_a_draft_article_never_reaches_the_preview(
    author: FlaskClient, content: Path
) -> None:
    article = content / IMATINIB / "article.md"
    text = article.read_text(encoding="utf-8").replace("passing_score: 66", "passing_score: -1")
    article.write_text(
        text + '\n<script>alert(1)</script>\n\n<img src="x" onerror="alert(2)">\n',
        encoding="utf-8",
    )

    response = author.get(f"/author/preview/{IMATINIB}")

    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "<script>alert" not in body
    assert "onerror" not in body


def test_a_figure_linked_to_a_server_file_is_a_problem_and_is_never_served(
    author: FlaskClient, content: Path, tmp_path: Path
) -> None:
    secret = tmp_path / "secret_key"
    secret.write_text("the-server-secret", encoding="utf-8")
    (content / IMATINIB / "figures" / "leak.png").symlink_to(secret)
    (content / IMATINIB / "figures" / "leak.svg").symlink_to(secret)

    shown = page(author, f"/author/preview/{IMATINIB}")
    served = [
        author.get(f"/author/preview/{IMATINIB}/figures/leak.{ext}") for ext in ("png", "svg")
    ]

    assert (
        f"<code>{IMATINIB}/figures/leak.png:1: figures must be regular files inside the activity "
        "folder, not links; copy the file in instead</code>"
    ) in shown
    assert [response.status_code for response in served] == [404, 404]
    assert all(b"the-server-secret" not in response.data for response in served)
    real = author.get(f"/author/preview/{IMATINIB}/figures/clinical-course.svg")
    assert real.status_code == 200
    assert real.mimetype == "image/svg+xml"
    assert real.headers["Content-Security-Policy"].endswith("sandbox")


def test_a_folder_refused_for_its_yaml_shows_only_its_problems_and_the_index_still_loads(
    author: FlaskClient, content: Path
) -> None:
    article = content / IMATINIB / "article.md"
    article.write_text(
        article.read_text(encoding="utf-8").replace(
            "passing_score: 66", "passing_score: 66\nloop: &loop [*loop]"
        ),
        encoding="utf-8",
    )

    shown = page(author, f"/author/preview/{IMATINIB}")
    index = page(author, "/author/preview")

    assert "front matter may not use YAML anchors ('&loop')" in shown
    assert "Nothing from this folder is shown until the problems above are fixed" in shown
    assert 'id="case-presentation"' not in shown
    assert "Posttest with answer key" not in shown
    assert IMATINIB in index


BEFORE_YOU_BEGIN = re.compile(r'<section aria-labelledby="before-you-begin".*?</section>', re.S)


def test_the_preview_shows_the_learners_page_with_everything_it_says_before_the_posttest(
    author: FlaskClient, preview_app: Flask, content: Path
) -> None:
    database: Database = preview_app.extensions["quizapp.db"]
    sync_content(database, content, now=NOW)
    learner_page = html.unescape(author.get(f"/activities/{IMATINIB}/").get_data(as_text=True))

    shown = page(author, f"/author/preview/{IMATINIB}")

    learner_section = BEFORE_YOU_BEGIN.search(learner_page)
    preview_section = BEFORE_YOU_BEGIN.search(shown)
    assert learner_section is not None and preview_section is not None
    assert preview_section.group() == learner_section.group()
    for heading in (
        "Learning objectives",
        "Method of participation",
        "Faculty and disclosures",
        "Commercial support:",
        "Accreditation and credit designation",
        "Source article",
    ):
        assert heading in preview_section.group()
    evaluation = shown.split("<h2>Evaluation questions</h2>")[1]
    assert "<code>objectives-met</code> · The activity met its stated learning objectives." in (
        evaluation
    )
    assert "Yes · No, my practice already reflects this content · No, for another reason" in (
        evaluation
    )


def test_the_badge_says_never_published_published_as_version_n_or_changed_since(
    author: FlaskClient, preview_app: Flask, content: Path
) -> None:
    database: Database = preview_app.extensions["quizapp.db"]
    assert 'class="badge badge-changed">never published<' in page(
        author, f"/author/preview/{IMATINIB}"
    )

    sync_content(database, content, now=NOW)
    assert 'class="badge badge-ok">published as version 1<' in page(
        author, f"/author/preview/{IMATINIB}"
    )

    article = content / IMATINIB / "article.md"
    article.write_text(article.read_text(encoding="utf-8") + "\nOne more line.\n", "utf-8")
    assert 'class="badge badge-changed">changed since version 1<' in page(
        author, f"/author/preview/{IMATINIB}"
    )

    article.write_text(
        article.read_text(encoding="utf-8").replace("passing_score: 66", "passing_score: 166"),
        encoding="utf-8",
    )
    assert 'class="badge badge-changed">changed since version 1<' in page(
        author, f"/author/preview/{IMATINIB}"
    )


def test_a_problem_in_the_posttest_alone_still_shows_the_whole_learner_page(
    author: FlaskClient, content: Path
) -> None:
    posttest = content / IMATINIB / "posttest.md"
    posttest.write_text(
        posttest.read_text(encoding="utf-8").replace("- [x] True", "- [ ] True", 1),
        encoding="utf-8",
    )

    shown = page(author, f"/author/preview/{IMATINIB}")

    assert "1 problem to fix" in shown
    assert BEFORE_YOU_BEGIN.search(shown) is not None
    assert "Faculty and disclosures" in shown and "Evaluation questions" in shown
    assert "Front matter as read" not in shown


def test_a_draft_says_so_in_its_badge_and_that_sync_will_not_publish_it(
    author: FlaskClient, content: Path
) -> None:
    article = content / IMATINIB / "article.md"
    article.write_text(
        article.read_text(encoding="utf-8").replace("---\n", "---\ndraft: true\n", 1),
        encoding="utf-8",
    )

    shown = page(author, f"/author/preview/{IMATINIB}")

    assert '<span class="badge badge-changed">draft</span>' in shown
    assert "This is a draft (<code>draft: true</code>)" in shown
