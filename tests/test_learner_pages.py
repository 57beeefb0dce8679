"""What a learner's pages say and offer around the posttest: the result of an attempt, the
way forward, the step they are at, every problem of a form at once, whom to contact at a dead
end, and the site's footer."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from quizapp import audit
from quizapp.accounts.services import AccountProblems, Registration, register
from quizapp.certificates.services import revoke
from quizapp.config import ConfigurationError
from quizapp.db import Database
from quizapp.models import Certificate
from tests.conftest import NOW, SYNCED, AuthActions, make_app
from tests.databases import TestDatabases
from tests.learner_helpers import (
    IMATINIB,
    RIGHT,
    answers,
    claim,
    evaluate,
    profile_form,
    start_id,
    submit,
    take,
)

CONTACT = "cme-help@meridian.example.org"
FOOTER = {
    "PROVIDER_NAME": "Meridian Oncology Education Institute",
    "CONTACT_EMAIL": CONTACT,
    "PRIVACY_URL": "https://meridian.example.org/privacy",
    "TERMS_URL": "/terms",
}


def text_of(page: str) -> str:
    inline = re.sub(r"</?(?:a|strong|em|span|time|small)\b[^>]*>", "", page)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", inline)))


def page_of(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def footer(page: str) -> str:
    match = re.search(r'<footer class="site-footer">(.*?)</footer>', page, re.S)
    assert match, "page has no footer"
    return match.group(1)


def current_step(page: str) -> str:
    found = re.findall(r'<li class="step[^"]*" aria-current="step">(.*?)</li>', page, re.S)
    assert len(found) == 1, found
    return text_of(found[0]).strip()


@pytest.fixture
def learner(synced: Flask, auth: AuthActions) -> AuthActions:
    auth.register()
    return auth


@pytest.fixture
def configured(databases: TestDatabases, tmp_path: Path) -> Iterator[Flask]:
    """The sample content on an app whose footer settings are all set."""
    with databases.database(tmp_path) as url:
        app = make_app(url, **FOOTER)
        database: Database = app.extensions["quizapp.db"]
        databases.restore(SYNCED, database)
        yield app
        database.dispose()


# The result of an attempt -----------------------------------------------------------------


def test_a_failed_attempt_says_not_passed_in_words_with_the_score_and_offers_to_try_again(
    learner: AuthActions, client: FlaskClient
) -> None:
    page = page_of(client, f"/attempts/{take(client, right=2 - 1)}")

    result = re.search(r'<div class="result result-failed">(.*?)</div>', page, re.S)
    assert result, "no result box"
    assert text_of(result.group(1)).split() == (
        ["✗", "Not", "passed", "You", "scored", "1", "of", "3", "(33%);", "66%", "passes."]
    )
    assert re.search(r'<button type="submit">Try again</button>', page)
    assert 'action="/activities/imatinib-bone-edema/posttest"' in page


def test_try_again_starts_the_next_attempt(learner: AuthActions, client: FlaskClient) -> None:
    take(client, right=1)
    response = learner.post_form(f"/activities/{IMATINIB}/posttest", {}, form_page="/attempts/1")

    assert response.status_code == 302
    assert "Posttest — attempt 2" in page_of(client, response.headers["Location"])


def test_a_passed_attempt_says_passed_and_offers_no_retry(
    learner: AuthActions, client: FlaskClient
) -> None:
    page = page_of(client, f"/attempts/{take(client, right=3)}")

    assert "result-passed" in page
    assert "✓ Passed You scored 3 of 3 (100%)" in text_of(page)
    assert "Try again" not in page
    assert "Continue to the evaluation" in page


def test_the_posttest_lists_each_attempt_with_its_score_as_points_of_questions(
    learner: AuthActions, client: FlaskClient
) -> None:
    take(client, right=1)

    assert "1 of 3 (33%) — not passed" in text_of(
        page_of(client, f"/activities/{IMATINIB}/posttest")
    )


def test_with_no_attempt_left_the_learner_is_told_whom_to_contact(
    configured: Flask,
) -> None:
    client = configured.test_client()
    AuthActions(client).register()
    for _ in range(3):
        last = take(client, right=0)

    review = text_of(page_of(client, f"/attempts/{last}"))
    posttest = text_of(page_of(client, f"/activities/{IMATINIB}/posttest"))

    assert "Try again" not in review
    assert (
        f"You have no attempts left. If you think this is wrong or need help, write to {CONTACT}."
        in review
    )
    assert f"write to {CONTACT}" in posttest


def test_without_a_contact_email_the_dead_end_names_the_provider(
    learner: AuthActions, client: FlaskClient
) -> None:
    for _ in range(3):
        last = take(client, right=0)

    assert "need help, contact Meridian Oncology Education Institute." in text_of(
        page_of(client, f"/attempts/{last}")
    )


def test_a_revoked_certificate_on_the_transcript_says_whom_to_contact(
    configured: Flask,
) -> None:
    client = configured.test_client()
    auth = AuthActions(client)
    auth.register()
    take(client, right=3)
    evaluate(auth)
    claim(auth, {"ama-pra-1": "1.0"})
    db: Database = configured.extensions["quizapp.db"]
    with db.read_session() as session:
        [certificate] = session.query(Certificate).all()
    revoke(db, certificate.id, "Attestation could not be confirmed", audit.CLI, NOW)

    transcript = text_of(page_of(client, "/my/transcript"))

    assert "Revoked on " in transcript
    assert f": Attestation could not be confirmed. Questions? Write to {CONTACT}." in transcript
    assert "No credit counts yet: none of these completions has an issued certificate." in (
        transcript
    )
    assert "Download certificate" not in transcript


def test_an_issued_certificate_is_a_button_on_its_completion_card(
    learner: AuthActions, client: FlaskClient
) -> None:
    take(client, right=3)
    evaluate(learner)
    claim(learner, {"ama-pra-1": "1.0"})

    page = page_of(client, "/my/transcript")

    cards = re.findall(r'<li class="card completion">(.*?)</li>', page, re.S)
    assert len(cards) == 1
    assert re.search(
        r'<a class="button" href="/certificates/[^"]+\.pdf">Download certificate', cards[0]
    )
    assert "1.0 AMA PRA Category 1 Credit™" in text_of(cards[0])


# The step indicator -------------------------------------------------------------------------


def test_each_learner_page_marks_its_step_on_the_way_to_a_certificate(
    learner: AuthActions, client: FlaskClient
) -> None:
    assert current_step(page_of(client, f"/activities/{IMATINIB}/")) == "1 Read (current step)"
    assert current_step(page_of(client, f"/activities/{IMATINIB}/posttest")) == (
        "2 Posttest (current step)"
    )
    attempt_id = start_id(client)
    assert current_step(page_of(client, f"/attempts/{attempt_id}")) == "2 Posttest (current step)"
    submit(client, attempt_id, answers(3))
    review = page_of(client, f"/attempts/{attempt_id}")
    assert current_step(review) == "2 Posttest (current step)"
    assert "✓ Read (done)" in text_of(review)
    evaluation = page_of(client, f"/activities/{IMATINIB}/evaluation")
    assert current_step(evaluation) == "3 Evaluation (current step)"
    evaluate(learner)
    assert (
        current_step(page_of(client, f"/activities/{IMATINIB}/claim")) == "4 Claim (current step)"
    )
    claim(learner, {"ama-pra-1": "1.0"})
    done = page_of(client, f"/activities/{IMATINIB}/claim")
    assert current_step(done) == "5 Certificate (current step)"
    assert "✓ Claim (done)" in text_of(done)


# Every problem of a form at once ----------------------------------------------------------


def test_the_posttest_names_every_unanswered_question_marks_each_and_keeps_the_answers(
    learner: AuthActions, client: FlaskClient
) -> None:
    attempt_id = start_id(client)
    first = next(iter(RIGHT))

    response = submit(client, attempt_id, {first: RIGHT[first]})

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Questions 2 and 3 are unanswered. Your other answers are kept." in text_of(page)
    for question in list(RIGHT)[1:]:
        assert re.search(
            rf'<fieldset id="question-{question}" class="question field-invalid" '
            rf'aria-describedby="question-{question}-error">',
            page,
        )
        assert (
            f'<p class="error" id="question-{question}-error">This question is unanswered.</p>'
            in page
        )
    kept = re.search(rf'<fieldset id="question-{first}".*?</fieldset>', page, re.S)
    assert kept and " checked" in kept.group(0)
    assert 'class="question field-invalid"' not in kept.group(0)


def test_the_evaluation_reports_every_missing_answer_beside_it_and_keeps_what_was_written(
    learner: AuthActions, client: FlaskClient
) -> None:
    take(client, right=3)
    response = learner.post_form(
        f"/activities/{IMATINIB}/evaluation",
        {"relevance": "Agree", "planned-change": "Order MRI first."},
    )

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "3 questions below need your attention" in page
    for item in ("objectives-met", "intent-to-change", "commercial-bias"):
        assert f'aria-describedby="eval-{item}-error"' in page
        assert f'<p class="error" id="eval-{item}-error">Please answer this question.</p>' in page
    assert 'value="Agree" checked' in page
    assert ">Order MRI first.</textarea>" in page


def test_registration_reports_every_problem_beside_its_field_at_once(
    synced: Flask, auth: AuthActions
) -> None:
    response = auth.post_form(
        "/register",
        {"email": "not-an-address", "password": "short", "full_name": "Ann Lee", "degree": "XYZ"},
    )

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    for field in ("email", "password", "degree"):
        assert re.search(rf'<p class="error" id="{field}-error">', page), field
        tag = re.search(rf'<(?:input|select)[^>]*\bid="{field}"[^>]*>', page)
        assert tag and 'aria-invalid="true"' in tag.group(0), field
        assert re.search(rf'aria-describedby="[^"]*\b{field}-error"', tag.group(0)), field
    assert "Please correct these 3 fields; everything else you entered is kept." in page
    assert 'value="Ann Lee"' in page


def test_the_registration_service_names_every_problem_and_says_them_all_in_its_message(
    db: Database,
) -> None:
    with pytest.raises(AccountProblems) as caught:
        register(db, Registration("not-an-address", "short", "Ann Lee", "XYZ"), now=NOW)

    assert [problem.field for problem in caught.value.problems] == ["email", "password", "degree"]
    assert caught.value.message == (
        "Enter an email address such as name@example.org. Use at least 10 characters. "
        "Choose your degree."
    )


def test_the_profile_reports_every_problem_beside_its_field_at_once(
    learner: AuthActions,
) -> None:
    response = learner.post_form(
        "/account",
        profile_form(npi="1234567890", license_state="ZZ", birth_month="2", birth_day="30"),
    )

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    for field in ("npi", "license_state", "birth_day"):
        assert re.search(rf'<p class="error" id="{field}-error">', page), field
    assert "Please correct these 3 fields" in page


# The footer, the favicon and printing -----------------------------------------------------


def test_the_footer_shows_the_provider_and_its_contact_privacy_and_terms_links(
    configured: Flask,
) -> None:
    page = footer(page_of(configured.test_client(), "/"))

    assert "Meridian Oncology Education Institute" in page
    assert f'<a href="mailto:{CONTACT}">{CONTACT}</a>' in page
    assert '<a href="https://meridian.example.org/privacy">Privacy</a>' in page
    assert '<a href="/terms">Terms of use</a>' in page


def test_footer_settings_left_empty_are_left_out(synced: Flask, client: FlaskClient) -> None:
    page = footer(page_of(client, "/"))

    assert "mailto:" not in page
    assert "Privacy" not in page and "Terms" not in page
    assert "footer-links" not in page


@pytest.mark.parametrize("value", ["javascript:alert(1)", "privacy.html", "ftp://example.org/p"])
def test_a_footer_link_that_is_no_web_address_stops_the_start(
    database_url: str, value: str
) -> None:
    with pytest.raises(ConfigurationError, match="PRIVACY_URL is"):
        make_app(database_url, PRIVACY_URL=value)


def test_every_page_links_the_favicon_and_a_print_stylesheet_that_exist(
    synced: Flask, client: FlaskClient
) -> None:
    page = page_of(client, f"/activities/{IMATINIB}/")

    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    assert '<link rel="stylesheet" href="/static/print.css" media="print">' in page
    with client.get("/static/favicon.svg") as icon:
        assert icon.status_code == 200 and icon.data.startswith(b"<svg")
    with client.get("/static/print.css") as printed:
        assert ".site-header" in printed.get_data(as_text=True)


def test_an_article_table_scrolls_in_a_focusable_box_and_a_figure_opens_full_size(
    synced: Flask, client: FlaskClient
) -> None:
    page = page_of(client, f"/activities/{IMATINIB}/")

    assert re.search(
        r'<div class="table-scroll" role="region" tabindex="0" aria-label="Table 1, [^"]+"><table>',
        page,
    )
    figure = re.search(
        r'<figure><a class="figure-full" href="([^"]+)"><img [^>]*src="([^"]+)"', page
    )
    assert figure and figure.group(1) == figure.group(2)
    assert client.get(html.unescape(figure.group(1))).status_code == 200
