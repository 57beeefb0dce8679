"""Accounts, through HTTP: registration, login and logout, password changes and the profile.

Every request goes through the real forms with the CSRF token the page handed out, and the
database is read back where the behaviour is a change of state.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.security import check_password_hash

from quizapp.accounts import services
from quizapp.db import Database
from quizapp.models import AuditEvent, Base, User
from tests.conftest import FROZEN_NOW, NOW, PASSWORD, AuthActions, csrf_token, make_app
from tests.learner_helpers import profile_form

EMAIL = "ann.lee@example.org"
NEW_PASSWORD = "a brand new passphrase 42"
MY_ACTIVITIES = "/my/activities"
CATALOG = "/"
VALID_NPI = "1234567893"
INVALID_NPI = "1234567890"
COMMON_PASSWORD = (
    "This is one of the most common passwords, which are the first ones tried against any "
    "account. Choose another."
)


# --- helpers ------------------------------------------------------------------------------------


def user_rows(db: Database) -> list[User]:
    with db.read_session() as session:
        return list(session.scalars(select(User).order_by(User.id)))


def the_user(db: Database, email: str = EMAIL) -> User:
    with db.read_session() as session:
        user = session.scalar(select(User).where(User.email == email))
    assert user is not None, f"no account for {email}"
    return user


def audit_events(db: Database, action: str) -> list[AuditEvent]:
    with db.read_session() as session:
        return list(
            session.scalars(
                select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
            )
        )


def body(response: Any) -> str:
    text: str = response.get_data(as_text=True)
    return text


def field_errors(page: str, field: str) -> list[str]:
    """The messages shown under one form field."""
    found = re.findall(rf'<p class="error" id="{field}-error">(.*?)</p>', page)
    return [html.unescape(message) for message in found]


def form_alert(page: str) -> str:
    """The form-level alert at the top of a form."""
    match = re.search(r'<div class="flash flash-error" role="alert">(.*?)</div>', page, re.S)
    assert match, "page shows no form-level alert"
    return match.group(1)


def is_signed_in(client: FlaskClient) -> bool:
    response = client.get("/account")
    if response.status_code == 200:
        return True
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    return False


def other_browser(app: Flask) -> AuthActions:
    """A second, independent client: its own cookies, its own session."""
    return AuthActions(app.test_client())


def registered(app: Flask, email: str = EMAIL) -> None:
    """Create an account from another browser, leaving the test's own client signed out."""
    assert other_browser(app).register(email).status_code == 302


# --- registration -------------------------------------------------------------------------------


def test_registering_creates_a_learner_with_a_scrypt_hash_then_they_log_in(
    client: FlaskClient, auth: AuthActions, db: Database
) -> None:
    response = auth.register("  Ann.Lee@Example.ORG ", full_name="  Ann   Lee ", degree="PharmD")

    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    [user] = user_rows(db)
    assert user.email == EMAIL
    assert user.role == "learner"
    assert user.full_name == "Ann Lee"
    assert user.degree == "PharmD"
    assert user.password_hash.startswith("scrypt:")
    assert PASSWORD not in user.password_hash
    assert check_password_hash(user.password_hash, PASSWORD)
    [event] = audit_events(db, "user.register")
    assert (event.actor_id, event.target_type, event.target_id) == (user.id, "user", str(user.id))

    account = client.get("/account")  # AuthActions.register logged in after registering
    assert account.status_code == 200
    assert f"Signed in as <strong>{EMAIL}</strong>" in body(account)


def test_a_signed_in_user_who_opens_the_register_page_is_sent_to_their_activities(
    client: FlaskClient, auth: AuthActions
) -> None:
    auth.register()
    response = client.get("/register")
    assert response.status_code == 302
    assert response.headers["Location"] == MY_ACTIVITIES


@pytest.mark.parametrize(
    "again", ["ann.lee@example.org", "ANN.LEE@example.org", "Ann.Lee@EXAMPLE.org"]
)
def test_an_email_can_hold_only_one_account_whatever_its_case(
    app: Flask, auth: AuthActions, db: Database, again: str
) -> None:
    registered(app)

    response = auth.register(again, full_name="Someone Else")

    assert response.status_code == 302  # the answer a new address gets: see test_mail_accounts
    assert [user.full_name for user in user_rows(db)] == ["Ann Lee"]
    assert len(audit_events(db, "user.register")) == 1
    assert len(audit_events(db, "user.register_existing")) == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"email": "not-an-email"}, "email", "Enter an email address such as name@example.org."),
        (
            {"email": "ann lee@example.org"},
            "email",
            "Enter an email address such as name@example.org.",
        ),
        ({"email": ""}, "email", "This field is required."),
        ({"password": "short"}, "password", "Use at least 10 characters."),
        ({"password": "x" * 129}, "password", "Use at most 128 characters."),
        (
            {"password": EMAIL.upper()},
            "password",
            "Do not use your email address as your password.",
        ),
        ({"password": ""}, "password", "This field is required."),
        ({"password": "Password123"}, "password", COMMON_PASSWORD),
        ({"full_name": ""}, "full_name", "This field is required."),
        ({"full_name": "   "}, "full_name", "This field is required."),
        (
            {"full_name": "Ann 🙂 Lee"},
            "full_name",
            "Your certificate cannot print “🙂” in a name; please write your name without it.",
        ),
        ({"degree": ""}, "degree", "This field is required."),
        ({"degree": "Wizard"}, "degree", "Not a valid choice."),
    ],
    ids=[
        "email-malformed",
        "email-with-space",
        "email-missing",
        "password-short",
        "password-long",
        "password-is-email",
        "password-missing",
        "password-common",
        "name-missing",
        "name-blank",
        "name-emoji",
        "degree-missing",
        "degree-unknown",
    ],
)
def test_a_registration_with_a_bad_field_says_what_to_fix_and_writes_nothing(
    client: FlaskClient,
    auth: AuthActions,
    db: Database,
    overrides: dict[str, str],
    field: str,
    message: str,
) -> None:
    data = {"email": EMAIL, "password": PASSWORD, "full_name": "Ann Lee", "degree": "MD"}
    data.update(overrides)

    response = auth.post_form("/register", data)

    assert response.status_code == 400
    page = body(response)
    assert field_errors(page, field) == [message]
    assert re.search(rf'aria-describedby="[^"]*\b{field}-error"', page)
    assert "Please correct this field; everything else you entered is kept." in form_alert(page)
    assert user_rows(db) == []
    assert audit_events(db, "user.register") == []
    assert not is_signed_in(client)


# --- login --------------------------------------------------------------------------------------


def test_logging_in_with_the_right_password_leads_to_my_activities(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    registered(app)
    assert not is_signed_in(client)

    response = auth.login("  ANN.Lee@Example.org ")

    assert response.status_code == 302
    assert response.headers["Location"] == MY_ACTIVITIES
    assert is_signed_in(client)


def test_unknown_email_and_wrong_password_get_the_same_page_and_status(app: Flask) -> None:
    # The same email each time, so the re-filled form is the same too: first when no account
    # uses it, then when one does but the password is wrong.
    unknown = other_browser(app).login(EMAIL, PASSWORD)
    registered(app)
    wrong = other_browser(app).login(EMAIL, "not the right password")

    assert unknown.status_code == wrong.status_code == 400
    assert form_alert(body(unknown)) == form_alert(body(wrong))
    assert "Email or password is incorrect." in form_alert(body(unknown))

    def without_token(page: str) -> str:
        return page.replace(csrf_token(page), "TOKEN")

    assert without_token(body(unknown)).encode() == without_token(body(wrong)).encode()


@pytest.mark.parametrize(
    "hostile",
    [
        "https://evil.example/x",
        "//evil.example/x",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "http:/evil",
        "/\t/evil.example",
        "/x\r\nSet-Cookie: stolen=1",
        "evil.example",
    ],
)
def test_next_after_login_never_leads_off_the_site(
    app: Flask, auth: AuthActions, hostile: str
) -> None:
    registered(app)

    response = auth.login(next_=hostile)

    assert response.status_code == 302
    assert response.headers["Location"] == MY_ACTIVITIES


def test_a_nul_byte_in_next_is_refused_before_anyone_is_logged_in(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    registered(app)

    response = auth.login(next_="/\x00/evil.example")

    assert response.status_code == 400
    assert client.get("/account").status_code == 302


def test_next_after_login_may_lead_to_a_page_of_this_site(
    synced: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    registered(synced)
    page = "/activities/imatinib-bone-edema/"

    response = auth.login(next_=page)

    assert response.status_code == 302
    assert response.headers["Location"] == page
    assert client.get(page).status_code == 200


@pytest.mark.parametrize(
    "hostile", ["https://evil.example/x", "//evil.example/x", "/\\evil", "/x\r\ny"]
)
def test_next_after_registering_never_leads_off_the_site(client: FlaskClient, hostile: str) -> None:
    url = f"/register?next={quote(hostile, safe='')}"
    token = csrf_token(body(client.get(url)))
    response = client.post(
        url,
        data={
            "csrf_token": token,
            "email": EMAIL,
            "password": PASSWORD,
            "full_name": "Ann Lee",
            "degree": "MD",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"


@pytest.mark.parametrize(
    "page", ["/account", "/account/password", "/my/activities", "/my/transcript"]
)
def test_pages_for_signed_in_users_send_anyone_else_to_login_and_back(
    app: Flask, client: FlaskClient, auth: AuthActions, page: str
) -> None:
    response = client.get(page)

    assert response.status_code == 302
    assert response.headers["Location"] == f"/login?next={quote(page, safe='')}"
    assert "Please log in to continue." in body(client.get("/login"))

    registered(app)
    response = auth.login(next_=page)
    assert response.headers["Location"] == page
    assert client.get(page).status_code == 200


# --- logout -------------------------------------------------------------------------------------


def test_logout_is_a_post_with_the_pages_token(client: FlaskClient, auth: AuthActions) -> None:
    auth.register()

    response = auth.logout()

    assert response.status_code == 302
    assert response.headers["Location"] == CATALOG
    assert "You are logged out." in body(client.get("/"))
    assert not is_signed_in(client)


def test_logout_by_get_is_not_allowed(client: FlaskClient, auth: AuthActions) -> None:
    auth.register()

    assert client.get("/logout").status_code == 405
    assert is_signed_in(client)


def test_logout_without_a_token_shows_form_expired_and_keeps_the_user_signed_in(
    client: FlaskClient, auth: AuthActions
) -> None:
    auth.register()

    response = client.post("/logout")

    assert response.status_code == 400
    page = body(response)
    assert "<h1>Form expired</h1>" in page
    assert "Go back, reload the page and try again." in page
    assert "Traceback" not in page
    assert is_signed_in(client)


# --- CSRF ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "signed_in", "data"),
    [
        (
            "/register",
            False,
            {"email": "new@example.org", "password": PASSWORD, "full_name": "N", "degree": "MD"},
        ),
        ("/login", False, {"email": EMAIL, "password": PASSWORD}),
        ("/account", True, profile_form(full_name="Forged Name")),
        ("/account/password", True, {"current_password": PASSWORD, "new_password": NEW_PASSWORD}),
        ("/logout", True, {}),
    ],
    ids=["register", "login", "account", "password", "logout"],
)
def test_a_post_without_a_csrf_token_is_refused_and_changes_nothing(
    app: Flask,
    client: FlaskClient,
    auth: AuthActions,
    db: Database,
    url: str,
    signed_in: bool,
    data: dict[str, str],
) -> None:
    if signed_in:
        auth.register()
    else:
        registered(app)
    before = [(u.email, u.full_name, u.password_hash) for u in user_rows(db)]

    for forged in ({}, {"csrf_token": "forged"}):
        response = client.post(url, data={**data, **forged})

        assert response.status_code == 400
        assert "Form expired" in body(response)
    assert [(u.email, u.full_name, u.password_hash) for u in user_rows(db)] == before
    assert is_signed_in(client) is signed_in


# --- password change ----------------------------------------------------------------------------


def test_a_password_change_needs_the_current_password(
    client: FlaskClient, auth: AuthActions, db: Database
) -> None:
    auth.register()
    hash_before = the_user(db).password_hash

    response = auth.post_form(
        "/account/password",
        {"current_password": "not my password", "new_password": NEW_PASSWORD},
    )

    assert response.status_code == 400
    assert field_errors(body(response), "current_password") == [
        "Your current password is not correct."
    ]
    assert the_user(db).password_hash == hash_before
    assert audit_events(db, "user.password_change") == []
    assert is_signed_in(client)


@pytest.mark.parametrize(
    ("new_password", "message"),
    [
        ("too short", "Use at least 10 characters."),
        (EMAIL, "Do not use your email address as your password."),
        ("", "This field is required."),
        ("qwertyuiop", COMMON_PASSWORD),
    ],
)
def test_a_new_password_must_be_a_good_one(
    auth: AuthActions, db: Database, new_password: str, message: str
) -> None:
    auth.register()
    hash_before = the_user(db).password_hash

    response = auth.post_form(
        "/account/password", {"current_password": PASSWORD, "new_password": new_password}
    )

    assert response.status_code == 400
    assert field_errors(body(response), "new_password") == [message]
    assert the_user(db).password_hash == hash_before


def test_after_a_password_change_only_the_new_password_works_and_other_sessions_end(
    app: Flask, client: FlaskClient, auth: AuthActions, db: Database
) -> None:
    auth.register()
    elsewhere = other_browser(app)
    assert elsewhere.login().status_code == 302
    assert is_signed_in(elsewhere.client)

    response = auth.post_form(
        "/account/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/account"
    user = the_user(db)
    assert user.password_hash.startswith("scrypt:")
    assert check_password_hash(user.password_hash, NEW_PASSWORD)
    [event] = audit_events(db, "user.password_change")
    assert event.actor_id == user.id
    # The browser that changed it stays signed in; the other one is signed out.
    assert "Other sessions have been signed out." in body(client.get("/account"))
    assert is_signed_in(client)
    response = elsewhere.client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=%2Faccount"

    assert other_browser(app).login(password=PASSWORD).status_code == 400
    fresh = other_browser(app)
    assert fresh.login(password=NEW_PASSWORD).status_code == 302
    assert is_signed_in(fresh.client)


def test_session_protection_is_basic_so_a_changed_browser_signature_keeps_the_session(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    """ "basic" only marks the session not fresh when the address or User-Agent changes;
    "strong" would sign a learner out mid-posttest whenever their browser updates or their
    mobile network hands them a new address."""
    assert app.login_manager.session_protection == "basic"  # type: ignore[attr-defined]
    assert app.config.get("SESSION_PROTECTION", "basic") == "basic"
    auth.register()

    response = client.get("/account", headers={"User-Agent": "AnotherBrowser/2.0"})

    assert response.status_code == 200


# --- profile ------------------------------------------------------------------------------------


def test_the_profile_stores_what_boards_need(
    client: FlaskClient, auth: AuthActions, db: Database
) -> None:
    auth.register()

    response = auth.post_form(
        "/account",
        profile_form(
            full_name="Ann  B.  Lee",
            degree="DO",
            npi=VALID_NPI,
            license_state="CA",
            license_number=" A123456 ",
            certifying_board="ABIM",
            board_id="998877",
            birth_month="2",
            birth_day="29",
            nabp_eprofile_id="1234567",
        ),
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/account"
    user = the_user(db)
    assert (user.full_name, user.degree) == ("Ann B. Lee", "DO")
    assert user.npi == VALID_NPI
    assert user.license_state == "CA"
    assert user.license_number == "A123456"
    assert (user.certifying_board, user.board_id) == ("ABIM", "998877")
    assert (user.birth_month, user.birth_day) == (2, 29)
    assert user.nabp_eprofile_id == "1234567"
    assert user.board_report_consent_at is None

    page = body(client.get("/account"))
    assert "Your profile is saved." in page
    assert f'value="{VALID_NPI}"' in page
    assert '<option selected value="CA">CA</option>' in page
    assert '<option selected value="2">February</option>' in page


def test_each_profile_change_is_audited_with_the_fields_it_changed(
    auth: AuthActions, db: Database
) -> None:
    auth.register()
    user_id = the_user(db).id

    auth.post_form("/account", profile_form(npi=VALID_NPI, license_state="NY"))
    auth.post_form("/account", profile_form(npi=VALID_NPI, license_state="NY"))
    auth.post_form("/account", profile_form(npi=VALID_NPI, license_state="NY", board_id="42"))

    events = audit_events(db, "user.profile_update")
    assert [event.details for event in events] == [
        {"fields": ["license_state", "npi"]},
        {"fields": ["board_id"]},
    ]
    for event in events:
        assert (event.actor_id, event.actor_label) == (user_id, EMAIL)
        assert (event.target_type, event.target_id) == ("user", str(user_id))


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"npi": INVALID_NPI}, "npi", "An NPI is 10 digits with a valid check digit."),
        ({"npi": "123456789"}, "npi", "An NPI is 10 digits with a valid check digit."),
        ({"npi": "12345678931"}, "npi", "An NPI is 10 digits with a valid check digit."),
        ({"npi": "12345-7893"}, "npi", "An NPI is 10 digits with a valid check digit."),
        ({"npi": "١٢٣٤٥٦٧٨٩٣"}, "npi", "An NPI is 10 digits with a valid check digit."),
        ({"license_state": "ZZ"}, "license_state", "Not a valid choice."),
        ({"license_state": "Ontario"}, "license_state", "Not a valid choice."),
        ({"birth_month": "2", "birth_day": "30"}, "birth_day", "That month has no such day."),
        ({"birth_month": "4", "birth_day": "31"}, "birth_day", "That month has no such day."),
        (
            {"birth_month": "2"},
            "birth_month",
            "Give both your birth month and day, or neither.",
        ),
        (
            {"birth_day": "14"},
            "birth_month",
            "Give both your birth month and day, or neither.",
        ),
        ({"birth_month": "13", "birth_day": "1"}, "birth_month", "Not a valid choice."),
        (
            {"nabp_eprofile_id": "12-3456"},
            "nabp_eprofile_id",
            "An NABP e-Profile ID is a number of up to 10 digits.",
        ),
        (
            {"nabp_eprofile_id": "12345678901"},
            "nabp_eprofile_id",
            "An NABP e-Profile ID is a number of up to 10 digits.",
        ),
        (
            {"nabp_eprofile_id": "１２３４５"},
            "nabp_eprofile_id",
            "An NABP e-Profile ID is a number of up to 10 digits.",
        ),
        (
            {"nabp_eprofile_id": "²³"},
            "nabp_eprofile_id",
            "An NABP e-Profile ID is a number of up to 10 digits.",
        ),
        ({"license_number": "x" * 41}, "license_number", "Use at most 40 characters."),
        ({"full_name": ""}, "full_name", "This field is required."),
        (
            {"full_name": "Ann 🙂 Lee"},
            "full_name",
            "Your certificate cannot print “🙂” in a name; please write your name without it.",
        ),
    ],
    ids=[
        "npi-check-digit",
        "npi-nine-digits",
        "npi-eleven-digits",
        "npi-not-digits",
        "npi-arabic-indic-digits",
        "state-unknown",
        "state-not-us",
        "feb-30",
        "apr-31",
        "month-without-day",
        "day-without-month",
        "month-13",
        "nabp-not-digits",
        "nabp-too-long",
        "nabp-fullwidth-digits",
        "nabp-superscript-digits",
        "license-number-too-long",
        "name-missing",
        "name-emoji",
    ],
)
def test_a_profile_with_a_bad_field_says_what_to_fix_and_changes_nothing(
    auth: AuthActions,
    db: Database,
    overrides: dict[str, str],
    field: str,
    message: str,
) -> None:
    auth.register()

    response = auth.post_form("/account", profile_form(board_id="kept-out", **overrides))

    assert response.status_code == 400
    assert field_errors(body(response), field) == [message]
    user = the_user(db)
    assert (user.npi, user.license_state, user.board_id) == (None, None, None)
    assert (user.birth_month, user.birth_day, user.nabp_eprofile_id) == (None, None, None)
    assert user.full_name == "Ann Lee"
    assert audit_events(db, "user.profile_update") == []


@pytest.mark.parametrize(("month", "day"), [("²", "1"), ("1", "١"), ("-1", "5")])
def test_the_profile_service_refuses_odd_birth_digits_with_a_message(
    app: Flask, db: Database, month: str, day: str
) -> None:
    # The form's select lists stop these at the door; the service must not rely on that.
    registered(app)
    fields = profile_form(birth_month=month, birth_day=day)
    form = services.ProfileForm(**fields, board_report_consent=False)
    with pytest.raises(services.AccountError) as refused:
        services.update_profile(db, the_user(db).id, form, dt.datetime.fromisoformat(FROZEN_NOW))
    assert refused.value.field == "birth_month"


# --- names as boards hold them, and the certifying board -----------------------------------------


@pytest.mark.parametrize(
    ("full_name", "given", "family"),
    [
        ("Ann Lee", "Ann", "Lee"),
        ("Cher", "", "Cher"),
        ("Mary Ann van der Berg", "Mary Ann", "van der Berg"),
        ("John Smith Jr.", "John", "Smith Jr."),
    ],
)
def test_the_profile_offers_a_split_of_the_full_name_until_the_learner_saves_one(
    client: FlaskClient, auth: AuthActions, db: Database, full_name: str, given: str, family: str
) -> None:
    auth.register(full_name=full_name)

    page = body(client.get("/account"))

    assert re.search(rf'id="given_name" name="given_name" type="text" value="{given}"', page)
    assert re.search(rf'id="family_name" name="family_name" type="text" value="{family}"', page)
    assert (the_user(db).given_name, the_user(db).family_name) == (None, None)


def test_a_family_name_written_first_is_kept_as_the_learner_wrote_it(
    client: FlaskClient, auth: AuthActions, db: Database
) -> None:
    auth.register(full_name="Wang Xiaoming")

    response = auth.post_form(
        "/account",
        profile_form(full_name="Wang Xiaoming", given_name=" Xiaoming ", family_name="Wang"),
    )

    assert response.status_code == 302
    user = the_user(db)
    assert (user.full_name, user.given_name, user.family_name) == (
        "Wang Xiaoming",
        "Xiaoming",
        "Wang",
    )
    assert audit_events(db, "user.profile_update")[-1].details == {
        "fields": ["family_name", "given_name"]
    }
    page = body(client.get("/account"))
    assert 'name="given_name" type="text" value="Xiaoming"' in page


def test_a_single_name_is_a_family_name_alone(auth: AuthActions, db: Database) -> None:
    auth.register(full_name="Cher")

    response = auth.post_form(
        "/account", profile_form(full_name="Cher", given_name="", family_name="Cher")
    )

    assert response.status_code == 302
    assert (the_user(db).given_name, the_user(db).family_name) == (None, "Cher")


def test_a_given_name_without_a_family_name_is_refused(auth: AuthActions, db: Database) -> None:
    auth.register()

    response = auth.post_form("/account", profile_form(given_name="Ann", family_name=" "))

    assert response.status_code == 400
    assert field_errors(body(response), "family_name") == [
        "Write your family name too; if you have one name only, write it here and leave the "
        "given name empty."
    ]
    assert the_user(db).given_name is None


def test_the_certifying_board_is_chosen_from_the_boards_pars_reports_to(
    client: FlaskClient, auth: AuthActions, db: Database
) -> None:
    auth.register()
    page = body(client.get("/account"))
    select = page.split('id="certifying_board"', 1)[1].split("</select>", 1)[0]
    boards = re.findall(r'<option (?:selected )?value="(\w*)">', select)

    assert boards == ["", "ABA", "ABIM", "ABOHNS", "ABOS", "ABP", "ABPath", "ABS", "ABTS"]

    response = auth.post_form("/account", profile_form(certifying_board="American Board of X"))

    assert response.status_code == 400
    assert field_errors(body(response), "certifying_board") == [
        "Choose your certifying board from the list; quizapp reports to these boards only."
    ]
    assert auth.post_form("/account", profile_form(certifying_board="ABP")).status_code == 302
    assert the_user(db).certifying_board == "ABP"


def test_a_board_typed_before_the_list_is_named_so_the_learner_can_choose_again(
    client: FlaskClient, auth: AuthActions, db: Database
) -> None:
    auth.register()
    with db.transaction() as session:
        user = session.scalar(select(User).where(User.email == EMAIL))
        assert user is not None
        user.certifying_board = "American Osteopathic Board"

    page = html.unescape(body(client.get("/account")))

    assert (
        "Your profile named your board as “American Osteopathic Board”, which is not one of "
        "the boards quizapp reports to" in page
    )


def test_consent_to_board_reporting_is_stored_as_a_time_and_withdrawn_by_unchecking(
    client: FlaskClient, auth: AuthActions, db: Database
) -> None:
    auth.register()

    response = auth.post_form("/account", profile_form(board_report_consent="y"))

    assert response.status_code == 302
    consent_at = the_user(db).board_report_consent_at
    assert consent_at == dt.datetime.fromisoformat(FROZEN_NOW)
    assert consent_at is not None and consent_at.utcoffset() == dt.timedelta(0)
    page = body(client.get("/account"))
    assert "Consent given January 15, 2027 at 12:00 UTC." in page
    assert re.search(r'<input checked id="board_report_consent"', page)

    # Saving again with the box still ticked keeps the original time and audits nothing new.
    auth.post_form("/account", profile_form(board_report_consent="y"))
    assert the_user(db).board_report_consent_at == consent_at

    response = auth.post_form("/account", profile_form())

    assert response.status_code == 302
    assert the_user(db).board_report_consent_at is None
    page = body(client.get("/account"))
    assert "Consent given" not in page
    assert not re.search(r'<input checked id="board_report_consent"', page)
    assert [event.details for event in audit_events(db, "user.profile_update")] == [
        {"fields": ["board_report_consent_at"]},
        {"fields": ["board_report_consent_at"]},
    ]


# --- rate limiting ------------------------------------------------------------------------------


@pytest.fixture
def strict_app(database_url: str) -> Iterator[Flask]:
    """An app that allows three login attempts a minute."""
    app = make_app(database_url, LOGIN_RATE_LIMIT="3 per minute")
    database: Database = app.extensions["quizapp.db"]
    Base.metadata.create_all(database.engine)
    yield app
    database.dispose()


def test_too_many_login_attempts_get_a_readable_429_even_with_the_right_password(
    strict_app: Flask,
) -> None:
    database: Database = strict_app.extensions["quizapp.db"]
    services.register(
        database,
        services.Registration(EMAIL, PASSWORD, "Ann Lee", "MD"),
        now=NOW,
        hash_method=strict_app.config["PASSWORD_HASH_METHOD"],
    )
    browser = other_browser(strict_app)

    for _ in range(3):
        assert browser.login(password="a wrong password").status_code == 400
    response = browser.login(password=PASSWORD)

    assert response.status_code == 429
    page = body(response)
    assert "Too many attempts in a short time. Wait a minute, then try again." in page
    assert "Too Many Requests" in page
    assert "Traceback" not in page
    assert response.mimetype == "text/html"
    assert int(response.headers["Retry-After"]) > 0
    assert not is_signed_in(browser.client)
    # Reading the login page is not an attempt and stays available.
    assert browser.client.get("/login").status_code == 200


# --- passwords never echoed ---------------------------------------------------------------------


def test_a_failed_registration_does_not_echo_the_password(auth: AuthActions) -> None:
    secret = "Echo-Canary-Registration-7731"
    response = auth.post_form(
        "/register",
        {"email": "not-an-email", "password": secret, "full_name": "Ann Lee", "degree": "MD"},
    )
    assert response.status_code == 400
    assert secret not in body(response)


def test_a_failed_login_does_not_echo_the_password(app: Flask, auth: AuthActions) -> None:
    registered(app)
    secret = "Echo-Canary-Login-7731"
    response = auth.login(password=secret)
    assert response.status_code == 400
    assert secret not in body(response)


def test_a_failed_password_change_echoes_neither_password(auth: AuthActions) -> None:
    auth.register()
    wrong, new = "Echo-Canary-Current-7731", "Echo-Canary-New-7731"
    response = auth.post_form("/account/password", {"current_password": wrong, "new_password": new})
    assert response.status_code == 400
    assert wrong not in body(response)
    assert new not in body(response)


def test_account_pages_show_neither_the_password_nor_its_hash(
    client: FlaskClient, auth: AuthActions, db: Database
) -> None:
    auth.register()
    password_hash = the_user(db).password_hash
    for page in ("/account", "/account/password", MY_ACTIVITIES):
        text = body(client.get(page))
        assert PASSWORD not in text
        assert password_hash not in text
        assert "scrypt:" not in text
