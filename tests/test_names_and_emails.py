"""Names and emails as they are stored, and as reports show them on a terminal.

Names lose control and bidi characters wherever they are typed (registration, profile,
``quizapp user create``); emails are NFKC-normalised, refuse invisible characters, and may
not pose as another account's address with letters of another alphabet. ``quizapp report``
never sends a terminal an escape sequence that a learner typed.
"""

from __future__ import annotations

import html
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import insert, select, update
from werkzeug.security import generate_password_hash

from quizapp.accounts.validation import email_skeleton
from quizapp.db import Database
from quizapp.migrate import alembic_config, upgrade
from quizapp.models import Evaluation, User
from quizapp.reports import cli as report_cli
from tests.conftest import NOW, PASSWORD, SAMPLE_CONTENT, AuthActions, make_app
from tests.learner_helpers import IMATINIB, claim, evaluate, profile_form, take
from tests.migration_helpers import revision_before

EMAIL = "ann.lee@example.org"
CYRILLIC_A = "\u0430"
LOOK_ALIKE = (
    "This address looks like another account's: some of its letters are from another "
    "alphabet and print like Latin ones (such as Cyrillic “а” for “a”). Type it again, or use "
    "another address."
)
EMAIL_SKELETONS = "0008"
"""The migration that normalises stored emails and adds ``users.email_skeleton``."""
HOSTILE_NAME = "Ann \u202eeeL\u202c\x1b]0;owned\x07 Lee"
"""A right-to-left override, and an escape sequence that retitles a terminal window."""


def stored(db: Database) -> list[tuple[str, str, str]]:
    with db.read_session() as session:
        rows = session.execute(
            select(User.email, User.email_skeleton, User.full_name).order_by(User.id)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


def email_errors(response) -> list[str]:  # type: ignore[no-untyped-def]
    page = response.get_data(as_text=True)
    return [html.unescape(m) for m in re.findall(r'id="email-error">(.*?)</p>', page)]


# --- names --------------------------------------------------------------------------------------


def test_registration_stores_the_name_without_control_or_bidi_characters(
    auth: AuthActions, db: Database
) -> None:
    assert auth.register(full_name=HOSTILE_NAME).status_code == 302

    [(_, _, name)] = stored(db)
    assert name == "Ann eeL]0;owned Lee"


def test_the_profile_cleans_the_name_and_the_free_text_fields(
    client: FlaskClient, auth: AuthActions, db: Database
) -> None:
    auth.register()

    response = auth.post_form(
        "/account",
        profile_form(full_name="\u2067Ann\u2069 Lee\u200f", license_number="TX-\x1b[2J555"),
    )

    assert response.status_code == 302, response.get_data(as_text=True)
    with db.read_session() as session:
        user = session.scalar(select(User))
        assert user is not None
        assert (user.full_name, user.license_number) == ("Ann Lee", "TX-[2J555")


def test_an_account_created_on_the_command_line_gets_a_clean_name(
    runner: FlaskCliRunner, db: Database
) -> None:
    result = runner.invoke(args=["user", "create", EMAIL, "--name", "\u202eMorgan Lee\x07"])

    assert result.exit_code == 0, result.output
    assert stored(db)[0][2] == "Morgan Lee"


# --- emails -------------------------------------------------------------------------------------


def test_a_fullwidth_email_is_the_same_account(app: Flask, auth: AuthActions, db: Database) -> None:
    assert auth.register("ＡＮＮ.ＬＥＥ@example.org").status_code == 302
    assert stored(db)[0][0] == EMAIL

    assert AuthActions(app.test_client()).login(EMAIL).status_code == 302
    again = AuthActions(app.test_client()).register("ann.lee＠example.org")
    assert again.status_code == 302  # the answer of a new address; the owner is mailed
    assert [email for email, _, _ in stored(db)] == [EMAIL]


def test_an_email_with_a_zero_width_character_is_refused_beside_the_field(
    auth: AuthActions, db: Database
) -> None:
    response = auth.register("ann.\u200blee@example.org")

    assert response.status_code == 400
    assert email_errors(response) == [
        "The email address contains an invisible character (the character U+200B); type it "
        "again without it."
    ]
    assert stored(db) == []


def test_an_address_that_poses_as_another_accounts_with_cyrillic_letters_is_refused(
    app: Flask, auth: AuthActions, db: Database
) -> None:
    assert AuthActions(app.test_client()).register(EMAIL).status_code == 302

    for impostor in (f"{CYRILLIC_A}nn.lee@example.org", f"ann.lee@ex{CYRILLIC_A}mple.org"):
        response = AuthActions(app.test_client()).register(impostor, full_name="Ann Lee")
        assert response.status_code == 400
        assert email_errors(response) == [LOOK_ALIKE]
    assert [email for email, _, _ in stored(db)] == [EMAIL]


def test_a_look_alike_registered_first_keeps_neither_the_owner_nor_a_second_impostor_out(
    app: Flask, db: Database
) -> None:
    impostor = f"{CYRILLIC_A}nn.lee@example.org"
    assert AuthActions(app.test_client()).register(impostor).status_code == 302

    assert AuthActions(app.test_client()).register(EMAIL).status_code == 302
    second = AuthActions(app.test_client()).register("ann.l\u0435e@example.org")
    assert email_errors(second) == [LOOK_ALIKE]
    assert stored(db) == [
        (impostor, EMAIL, "Ann Lee"),
        (EMAIL, EMAIL, "Ann Lee"),
    ]


def test_an_address_of_another_script_without_a_look_alike_is_welcome(
    auth: AuthActions, db: Database
) -> None:
    assert auth.register("иван@пример.рф").status_code == 302
    assert stored(db)[0][0] == "иван@пример.рф"


# --- the upgrade --------------------------------------------------------------------------------


def test_the_upgrade_normalises_stored_emails_and_gives_every_account_its_skeleton(
    database_url: str,
) -> None:
    app = make_app(database_url)
    database: Database = app.extensions["quizapp.db"]
    try:
        command.upgrade(alembic_config(database), revision_before(database, EMAIL_SKELETONS))
        secret = generate_password_hash(PASSWORD, method="scrypt:1024:8:1")
        emails = [
            "ｂｅｎ@example.org",  # stored fullwidth by the old code
            f"{CYRILLIC_A}nn@example.org",
            "carl@example.org",
            "ｃａｒｌ@example.org",  # NFKC would make it carl's: kept as it is
        ]
        with database.transaction() as session:
            for email in emails:
                session.execute(
                    insert(User.__table__).values(
                        email=email,
                        password_hash=secret,
                        full_name="Old Account",
                        degree="MD",
                        role="learner",
                        session_version=0,
                        created_at=NOW,
                    )
                )
        upgrade(database)

        assert [(email, skeleton) for email, skeleton, _ in stored(database)] == [
            ("ben@example.org", "ben@example.org"),
            (f"{CYRILLIC_A}nn@example.org", "ann@example.org"),
            ("carl@example.org", "carl@example.org"),
            ("ｃａｒｌ@example.org", "ｃａｒｌ@example.org"),
        ]
        assert all(skeleton == email_skeleton(email) for email, skeleton, _ in stored(database))
        assert AuthActions(app.test_client()).login("ｂｅｎ@example.org").status_code == 302
        assert AuthActions(app.test_client()).login("ben@example.org").status_code == 302
    finally:
        database.dispose()


# --- reports on a terminal ----------------------------------------------------------------------


@pytest.fixture
def completed(synced: Flask, db: Database) -> Flask:
    """Ann passed, evaluated and claimed, consenting to board reporting; her name and her
    evaluation then hold escape sequences, as rows stored before names were cleaned could."""
    auth = AuthActions(synced.test_client())
    assert auth.register(EMAIL).status_code == 302
    take(auth.client, right=3)
    assert evaluate(auth).status_code == 302
    assert claim(auth, {"ama-pra-1": "1.0"}).status_code == 302
    with db.transaction() as session:
        session.execute(update(User).values(full_name=HOSTILE_NAME, board_report_consent_at=NOW))
        evaluation = session.scalar(select(Evaluation))
        assert evaluation is not None
        evaluation.answers = {**evaluation.answers, "planned-change": HOSTILE_NAME}
    return synced


def run_on_a_terminal(app: Flask, *args: str) -> str:
    """``quizapp report …`` in a process of its own whose standard output is a terminal."""
    leader, follower = pty.openpty()
    environment = {
        **os.environ,
        "QUIZAPP_DATABASE_URL": str(app.config["DATABASE_URL"]),
        "QUIZAPP_SECRET_KEY": "test-secret-key",
        "QUIZAPP_CONTENT_DIR": str(SAMPLE_CONTENT),
    }
    try:
        process = subprocess.run(
            [str(Path(sys.executable).parent / "quizapp"), "report", *args],
            stdout=follower,
            stderr=subprocess.PIPE,
            env=environment,
            timeout=60,
            check=False,
        )
        os.close(follower)
        output = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # Linux reports the end of a closed terminal as EIO
                break
            if not chunk:
                break
            output += chunk
    finally:
        os.close(leader)
    assert process.returncode == 0, process.stderr
    return output.decode()


@pytest.mark.parametrize(
    "args",
    [["completions", "--from", "2027-01-01", "--to", "2027-01-31"], ["evaluations", IMATINIB]],
    ids=["completions-name", "evaluations-free-text"],
)
def test_a_report_on_a_terminal_shows_control_characters_escaped(
    completed: Flask, args: list[str]
) -> None:
    output = run_on_a_terminal(completed, *args)

    assert not {"\x1b", "\x07", "\u202e"} & set(output)
    assert "\\u202eeeL\\u202c\\x1b]0;owned\\x07 Lee" in output


def test_a_report_to_a_file_keeps_the_data_as_stored(
    completed: Flask, runner: FlaskCliRunner
) -> None:
    result = runner.invoke(
        args=["report", "completions", "--from", "2027-01-01", "--to", "2027-01-31"]
    )

    assert result.exit_code == 0, result.output
    assert HOSTILE_NAME in result.stdout


def test_the_names_on_standard_error_are_escaped_on_a_terminal_too(
    completed: Flask, runner: FlaskCliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ann consented but gave no NPI, so the PARS command names her on standard error."""
    monkeypatch.setattr(report_cli, "_is_terminal", lambda stream: True)

    result = runner.invoke(args=["report", "pars", IMATINIB])

    assert result.exit_code == 0, result.output
    assert "not reported: Ann \\u202eeeL\\u202c\\x1b]0;owned\\x07 Lee <" in result.stderr
    assert "\x1b" not in result.stderr + result.stdout
