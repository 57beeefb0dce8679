"""Who may use the admin area, the reports and the author preview.

- Anonymous visitors are sent to the login page, which brings them back to the page afterwards.
- Learners get 403 everywhere here.
- Authors get 403 on the admin pages and reports, but may use the author preview.
- Administrators may use everything.

Every admin POST also needs the CSRF token (else 400) and a password typed in the last
``ADMIN_FRESH_MINUTES`` minutes (else the "Confirm it's you" page asks for it, then carries
the action out); a refused POST changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Select, select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from quizapp.accounts.pending import HOLD_MINUTES
from quizapp.db import Database
from quizapp.models import Activity, AttemptGrant, AuditEvent, Certificate, ReportBatch, User
from tests.conftest import FROZEN_NOW, PASSWORD, SYNCED, AuthActions, csrf_token
from tests.databases import SavedState, TestDatabases
from tests.learner_helpers import IMATINIB, METHOTREXATE, claim, evaluate, pass_methotrexate, take
from tests.staff_helpers import create_account, resume, session_cookie, sign_in

LEARNER_EMAIL = "ann.lee@example.org"
AUTHOR_EMAIL = "ada.author@example.org"
ADMIN_EMAIL = "grace.admin@example.org"
FORBIDDEN = "Your account does not have access to this page."
FORM_EXPIRED = "The form expired or was sent from another site."

ADMIN_PAGES = [
    "/admin/",
    "/admin/learners",
    "/admin/learners/{learner}",
    "/admin/certificates",
    "/admin/certificates/{issued}/revoke",
    "/admin/audit",
    "/admin/outbox",
    "/admin/audit.csv",
    "/admin/reports/",
    "/admin/reports/completions",
    "/admin/reports/completions.csv",
    "/admin/reports/pars/{slug}",
    "/admin/reports/pars/{slug}.csv",
    "/admin/reports/pars/{slug}.xlsx",
    "/admin/reports/pars/{slug}.txt",
    "/admin/reports/cpe-monitor/{slug}",
    "/admin/reports/cpe-monitor/{slug}.csv",
    "/admin/reports/items/{slug}",
    "/admin/reports/items/{slug}.csv",
    "/admin/reports/evaluations/{slug}",
    "/admin/reports/evaluations/{slug}.csv",
]
AUTHOR_PAGES = [
    "/author/preview",
    "/author/preview/{slug}",
    "/author/preview/{slug}/figures/clinical-course.svg",
    "/author/preview/{slug}/export/qti21",
]
EXPECTED_STATUS = {
    "admin pages": {"learner": 403, "author": 403, "admin": 200},
    "author pages": {"learner": 403, "author": 200, "admin": 200},
}
PAGE_CASES = [
    pytest.param(path, role, status, id=f"{role} GET {path}")
    for group, paths in (("admin pages", ADMIN_PAGES), ("author pages", AUTHOR_PAGES))
    for path in paths
    for role, status in EXPECTED_STATUS[group].items()
]


@dataclass(frozen=True)
class Action:
    path: str
    form: dict[str, str]
    audit: str
    done: str
    after: str | None = None
    """The action that must come first for this one to have something to do."""


ACTIONS = {
    "grant": Action(
        "/admin/learners/{learner}/grants",
        {"activity_id": "{activity}", "extra": "1", "reason": "The power failed mid-test."},
        "attempt.grant",
        "Extra attempt granted.",
    ),
    "approve": Action(
        "/admin/certificates/{pending}/approve", {}, "certificate.approve", "Certificate approved"
    ),
    "revoke": Action(
        "/admin/certificates/{issued}/revoke",
        {"reason": "Credit was claimed in error."},
        "certificate.revoke",
        "Certificate revoked.",
    ),
    "reissue": Action(
        "/admin/certificates/{issued}/reissue", {}, "certificate.reissue", "Reissued as"
    ),
    "correct": Action(
        "/admin/learners/{learner}/correct",
        {"full_name": "Ann B. Lee", "degree": "DO", "reason": "Misspelt at registration."},
        "user.correct",
        "The name and degree are corrected; the learner is told by email.",
    ),
    "role": Action(
        "/admin/learners/{learner}/role", {"role": "author"}, "user.role_change", "is now author."
    ),
    "reset-link": Action(
        "/admin/learners/{learner}/reset-link",
        {},
        "user.password_reset_link",
        "A password-reset link is mailed to ann.lee@example.org",
    ),
    "lock": Action(
        "/admin/learners/{learner}/lock",
        {"reason": "The account is shared by a whole practice."},
        "user.lock",
        "The account is locked: it cannot sign in, and its sessions ended.",
    ),
    "unlock": Action(
        "/admin/learners/{learner}/unlock",
        {},
        "user.unlock",
        "The account is unlocked: it can sign in again.",
        after="lock",
    ),
}


BATCHES = ["/admin/reports/pars/{slug}/batches", "/admin/reports/cpe-monitor/{slug}/batches"]
"""Recording a board batch: a POST like the actions, answered with the batch's download."""
BATCH_FILE = "/admin/reports/pars/{slug}/batches/1.csv"


# --- the people and what they can act on ------------------------------------------------------


@dataclass
class World:
    """One of each kind of visitor, and the ids the admin routes take."""

    anonymous: FlaskClient
    learner: AuthActions
    author: AuthActions
    admin: AuthActions
    ids: dict[str, int]

    def client(self, role: str) -> FlaskClient:
        if role == "anonymous":
            return self.anonymous
        auth: AuthActions = getattr(self, role)
        return auth.client

    def fill(self, template: str) -> str:
        return template.format(slug=IMATINIB, **self.ids)

    def form(self, action: Action) -> dict[str, str]:
        return {key: self.fill(value) for key, value in action.form.items()}

    @property
    def learner_page(self) -> str:
        return f"/admin/learners/{self.ids['learner']}"


def one_id(db: Database, query: Select[tuple[int]]) -> int:
    with db.read_session() as session:
        value = session.scalar(query)
    assert value is not None
    return int(value)


def sign_in_everyone(app: Flask) -> dict[str, str]:
    """Each of the people signs in through the login form; their sessions are kept."""
    return {
        email: session_cookie(sign_in(app, email))
        for email in (LEARNER_EMAIL, AUTHOR_EMAIL, ADMIN_EMAIL)
    }


def register_people(app: Flask, db: Database) -> dict[str, str]:
    """The learner registers through the form; the author and the administrator get accounts
    with their roles."""
    learner = AuthActions(app.test_client())
    assert learner.register(LEARNER_EMAIL).status_code == 302
    create_account(app, db, "author", AUTHOR_EMAIL)
    create_account(app, db, "admin", ADMIN_EMAIL)
    return sign_in_everyone(app)


def earn_certificates(app: Flask, db: Database) -> dict[str, str]:
    """The learner earns an issued certificate (imatinib) and a pending one (methotrexate,
    claimed while the site held certificates for approval)."""
    learner = sign_in(app, LEARNER_EMAIL)
    take(learner.client, right=3)
    assert evaluate(learner).status_code == 302
    assert claim(learner, {"ama-pra-1": "1.0"}).status_code == 302
    app.config["CERTIFICATE_APPROVAL"] = "manual"
    pass_methotrexate(learner.client)
    assert evaluate(learner, METHOTREXATE).status_code == 302
    assert claim(learner, {"ama-pra-1": "0.5"}, slug=METHOTREXATE).status_code == 302
    return sign_in_everyone(app)


PEOPLE = SavedState("a learner, an author and an administrator", register_people, after=SYNCED)
CERTIFIED = SavedState("the learner holds certificates", earn_certificates, after=PEOPLE)


def world(app: Flask, db: Database, sessions: dict[str, str]) -> World:
    """The people on clients of their own, each carrying on the session they signed in with."""
    return World(
        anonymous=app.test_client(),
        learner=resume(app, sessions[LEARNER_EMAIL]),
        author=resume(app, sessions[AUTHOR_EMAIL]),
        admin=resume(app, sessions[ADMIN_EMAIL]),
        ids={
            "learner": one_id(db, select(User.id).where(User.email == LEARNER_EMAIL)),
            "activity": one_id(db, select(Activity.id).where(Activity.slug == IMATINIB)),
        },
    )


@pytest.fixture
def people(app: Flask, db: Database, databases: TestDatabases) -> World:
    """A registered learner, an author and an administrator, each signed in on their own client
    (once per session and engine; each test gets a copy of the database and of the sessions)."""
    return world(app, db, databases.restore(PEOPLE, db))


@pytest.fixture
def certified(app: Flask, db: Database, databases: TestDatabases) -> World:
    """The people, and the learner holds an issued certificate and a pending one."""
    people = world(app, db, databases.restore(CERTIFIED, db))
    people.ids["issued"] = one_id(db, select(Certificate.id).where(Certificate.status == "issued"))
    people.ids["pending"] = one_id(
        db, select(Certificate.id).where(Certificate.status == "pending")
    )
    return people


class State(NamedTuple):
    """What any admin action would change."""

    grants: list[int]
    certificates: list[tuple[int, str]]
    accounts: list[tuple[object, ...]]
    audit: list[str]


def state(db: Database) -> State:
    with db.read_session() as session:
        return State(
            grants=list(session.scalars(select(AttemptGrant.id).order_by(AttemptGrant.id))),
            certificates=[
                (row.id, row.status)
                for row in session.execute(
                    select(Certificate.id, Certificate.status).order_by(Certificate.id)
                )
            ],
            accounts=[
                tuple(row)
                for row in session.execute(
                    select(
                        User.id,
                        User.full_name,
                        User.degree,
                        User.role,
                        User.locked_at,
                        User.session_version,
                        User.password_hash,
                    ).order_by(User.id)
                )
            ],
            audit=audit_actions(session),
        )


def audit_actions(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def token_for(client: FlaskClient) -> str:
    """The session's CSRF token, as any page with a form hands it out."""
    return csrf_token(client.get("/login").get_data(as_text=True))


def login_redirect_target(response: TestResponse) -> str:
    """Where the login page will send the visitor back to; fails unless sent to /login."""
    assert response.status_code == 302, response.get_data(as_text=True)
    location = urlsplit(response.headers["Location"])
    assert location.path == "/login"
    [target] = parse_qs(location.query)["next"]
    return target


def minutes_after_login(minutes: float) -> str:
    return (dt.datetime.fromisoformat(FROZEN_NOW) + dt.timedelta(minutes=minutes)).isoformat()


# --- the matrix --------------------------------------------------------------------------------


def test_the_matrix_lists_every_admin_report_and_preview_route(app: Flask) -> None:
    adapter = app.url_map.bind("localhost")
    ids = {"learner": 1, "activity": 1, "issued": 1, "pending": 2, "slug": IMATINIB}
    listed = {(adapter.match(path.format(**ids), method="GET")[0], "GET") for path in ADMIN_PAGES}
    listed |= {(adapter.match(path.format(**ids), method="GET")[0], "GET") for path in AUTHOR_PAGES}
    listed |= {
        (adapter.match(action.path.format(**ids), method="POST")[0], "POST")
        for action in ACTIONS.values()
    }
    listed |= {(adapter.match(path.format(**ids), method="POST")[0], "POST") for path in BATCHES}
    listed.add((adapter.match(BATCH_FILE.format(**ids), method="GET")[0], "GET"))
    routes = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(("/admin", "/author"))
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
    }
    assert listed == routes


@pytest.mark.parametrize("path", ADMIN_PAGES + AUTHOR_PAGES)
def test_anonymous_visitors_are_sent_to_the_login_page_and_back(
    certified: World, path: str
) -> None:
    url = certified.fill(path)
    response = certified.anonymous.get(url)
    assert login_redirect_target(response) == url


@pytest.mark.parametrize(("path", "role", "status"), PAGE_CASES)
def test_who_may_open_each_page(certified: World, path: str, role: str, status: int) -> None:
    with certified.client(role).get(certified.fill(path)) as response:
        response.get_data()
    assert response.status_code == status
    if status == 403:
        assert FORBIDDEN in response.get_data(as_text=True)
    elif path.endswith(".csv"):
        assert response.mimetype == "text/csv"
        assert response.headers["Content-Disposition"].startswith("attachment;")
    elif path.endswith((".xlsx", ".txt")):
        assert response.headers["Content-Disposition"].startswith("attachment;")
    elif path.endswith(".svg"):
        assert response.mimetype == "image/svg+xml"
    elif "/export/" in path:
        assert response.mimetype == "application/zip"
        assert response.headers["Content-Disposition"].startswith("attachment;")
    else:
        assert response.mimetype == "text/html"


@pytest.mark.parametrize("name", ACTIONS)
def test_anonymous_posts_are_sent_to_the_login_page_and_change_nothing(
    certified: World, db: Database, name: str
) -> None:
    action = ACTIONS[name]
    url = certified.fill(action.path)
    before = state(db)
    response = certified.anonymous.post(
        url, data={"csrf_token": token_for(certified.anonymous), **certified.form(action)}
    )
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/login"
    assert state(db) == before


@pytest.mark.parametrize("role", ["learner", "author"])
@pytest.mark.parametrize("name", ACTIONS)
def test_learners_and_authors_may_not_post_admin_actions(
    certified: World, db: Database, name: str, role: str
) -> None:
    action = ACTIONS[name]
    client = certified.client(role)
    before = state(db)
    response = client.post(
        certified.fill(action.path),
        data={"csrf_token": token_for(client), **certified.form(action)},
    )
    assert response.status_code == 403
    assert FORBIDDEN in response.get_data(as_text=True)
    assert state(db) == before


@pytest.mark.parametrize("name", ACTIONS)
def test_an_administrator_with_a_fresh_login_acts_and_returns_to_the_learner(
    certified: World, db: Database, name: str
) -> None:
    action = ACTIONS[name]
    admin = certified.admin.client
    if action.after:
        first = ACTIONS[action.after]
        admin.post(
            certified.fill(first.path),
            data={"csrf_token": token_for(admin), **certified.form(first)},
        )
    before = state(db)
    response = admin.post(
        certified.fill(action.path),
        data={"csrf_token": token_for(admin), **certified.form(action)},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == certified.learner_page
    assert action.done in admin.get(certified.learner_page).get_data(as_text=True)
    with db.read_session() as session:
        assert audit_actions(session) == [*before.audit, action.audit]


@pytest.mark.parametrize("role", ["anonymous", "learner", "author", "admin"])
@pytest.mark.parametrize("name", ACTIONS)
def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(
    certified: World, db: Database, name: str, role: str
) -> None:
    action = ACTIONS[name]
    before = state(db)
    response = certified.client(role).post(certified.fill(action.path), data=certified.form(action))
    assert response.status_code == 400
    assert FORM_EXPIRED in response.get_data(as_text=True)
    assert state(db) == before


# --- a recent password for admin actions ----------------------------------------------------


def confirm_page_after_stale_post(
    certified: World, app: Flask, action: Action, *, referrer: bool = True
) -> TestResponse:
    """The administrator's password is older than ``ADMIN_FRESH_MINUTES`` when they send the
    action's form; the answer sends them to the "Confirm it's you" page."""
    admin = certified.admin.client
    token = token_for(admin)
    app.config["FROZEN_NOW"] = minutes_after_login(app.config["ADMIN_FRESH_MINUTES"] + 1)
    response = admin.post(
        certified.fill(action.path),
        data={"csrf_token": token, **certified.form(action)},
        headers={"Referer": f"http://localhost{certified.learner_page}"} if referrer else {},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/confirm"
    return admin.get("/confirm")


def confirm(client: FlaskClient, password: str, **extra: str) -> TestResponse:
    return client.post(
        "/confirm", data={"csrf_token": token_for(client), "password": password, **extra}
    )


@pytest.mark.parametrize("name", ACTIONS)
def test_a_stale_login_asks_for_the_password_then_carries_out_the_action_as_sent(
    certified: World, app: Flask, db: Database, name: str
) -> None:
    action = ACTIONS[name]
    admin = certified.admin.client
    if action.after:  # e.g. an account must be locked before it can be unlocked
        first = ACTIONS[action.after]
        admin.post(
            certified.fill(first.path),
            data={"csrf_token": token_for(admin), **certified.form(first)},
        )
    before = state(db)
    page = confirm_page_after_stale_post(certified, app, action).get_data(as_text=True)
    assert "Confirm it’s you" in page and "Nothing has been changed yet." in page
    assert "New here?" not in page
    for value in certified.form(action).values():
        if value == action.form.get("reason"):
            assert value in page  # the typed reason is shown, kept
    assert state(db) == before

    wrong = confirm(admin, "not my password")
    assert wrong.status_code == 400
    assert "That is not your password. Nothing has been changed." in wrong.get_data(as_text=True)
    assert state(db) == before

    done = confirm(admin, PASSWORD)
    assert done.status_code == 302
    assert done.headers["Location"] == certified.learner_page
    assert action.done in admin.get(certified.learner_page).get_data(as_text=True)
    with db.read_session() as session:
        assert audit_actions(session) == [*before.audit, action.audit]
    assert confirm(admin, PASSWORD).headers["Location"] == "/admin/"  # carried out once only
    with db.read_session() as session:
        assert audit_actions(session) == [*before.audit, action.audit]


def test_a_revocation_confirmed_after_a_stale_login_keeps_the_typed_reason(
    certified: World, app: Flask, db: Database
) -> None:
    confirm_page_after_stale_post(certified, app, ACTIONS["revoke"])
    confirm(certified.admin.client, PASSWORD)
    with db.read_session() as session:
        certificate = session.get(Certificate, certified.ids["issued"])
        assert certificate is not None and certificate.status == "revoked"
        assert certificate.revocation_reason == "Credit was claimed in error."
        [event] = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "certificate.revoke")
        )
    assert event.details["reason"] == "Credit was claimed in error."


def test_cancelling_the_confirmation_changes_nothing_and_forgets_the_action(
    certified: World, app: Flask, db: Database
) -> None:
    before = state(db)
    confirm_page_after_stale_post(certified, app, ACTIONS["grant"], referrer=False)
    admin = certified.admin.client
    cancelled = admin.post("/confirm", data={"csrf_token": token_for(admin), "cancel": "1"})
    assert cancelled.headers["Location"] == "/admin/"  # no referrer: the dashboard
    assert "Cancelled. Nothing was changed." in admin.get("/admin/").get_data(as_text=True)
    assert confirm(admin, PASSWORD).headers["Location"] == "/admin/"
    assert state(db) == before


def test_an_action_held_too_long_is_not_carried_out(
    certified: World, app: Flask, db: Database
) -> None:
    before = state(db)
    confirm_page_after_stale_post(certified, app, ACTIONS["revoke"])
    app.config["FROZEN_NOW"] = minutes_after_login(
        app.config["ADMIN_FRESH_MINUTES"] + 1 + HOLD_MINUTES + 1
    )
    admin = certified.admin.client
    assert "waited too long" in admin.get("/confirm").get_data(as_text=True)
    late = confirm(admin, PASSWORD)
    assert late.headers["Location"] == certified.learner_page
    page = admin.get(certified.learner_page).get_data(as_text=True)
    assert "so nothing was changed" in page
    assert state(db) == before


def test_an_action_held_for_one_account_is_not_carried_out_for_another(
    certified: World, app: Flask, db: Database
) -> None:
    """The held action lives in the session cookie, bound to the account (and session version)
    that sent it: the same cookie after a logout and another login holds nothing."""
    other = "second.admin@example.org"
    create_account(app, db, "admin", other)
    before = state(db)
    confirm_page_after_stale_post(certified, app, ACTIONS["grant"])
    cookie = session_cookie(certified.admin)
    second = resume(app, cookie)
    assert second.login(other).status_code == 302
    assert "You asked to" not in second.client.get("/confirm").get_data(as_text=True)
    assert confirm(second.client, PASSWORD).headers["Location"] == "/admin/"
    assert state(db) == before


def test_the_confirm_page_is_for_signed_in_people(certified: World) -> None:
    response = certified.anonymous.get("/confirm")
    assert urlsplit(response.headers["Location"]).path == "/login"


def test_a_login_is_fresh_for_exactly_admin_fresh_minutes_and_again_after_the_password(
    certified: World, app: Flask, db: Database
) -> None:
    grant = ACTIONS["grant"]
    admin = certified.admin
    fresh_minutes = app.config["ADMIN_FRESH_MINUTES"]

    def post_grant() -> TestResponse:
        return admin.client.post(
            certified.fill(grant.path),
            data={"csrf_token": token_for(admin.client), **certified.form(grant)},
        )

    def grants() -> int:
        return len(state(db).grants)

    app.config["FROZEN_NOW"] = minutes_after_login(fresh_minutes)
    assert post_grant().headers["Location"] == certified.learner_page
    assert grants() == 1

    app.config["FROZEN_NOW"] = minutes_after_login(fresh_minutes + 0.5)
    assert post_grant().headers["Location"] == "/confirm"
    assert grants() == 1

    assert confirm(admin.client, PASSWORD).headers["Location"] == certified.learner_page
    assert grants() == 2
    assert post_grant().headers["Location"] == certified.learner_page
    assert grants() == 3


# --- readable errors --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/admin/?start=bad", "Dates must be written YYYY-MM-DD."),
        ("/admin/?end=2027-02-30", "Dates must be written YYYY-MM-DD."),
        ("/admin/?start=2027-01-15&end=2027-01-01", "The end date is before the start date."),
        ("/admin/reports/completions?start=bad", "Dates must be written YYYY-MM-DD."),
        ("/admin/reports/completions.csv?end=soon", "Dates must be written YYYY-MM-DD."),
        ("/admin/audit?start=bad", "Dates must be written YYYY-MM-DD"),
        ("/admin/audit?page=two", "The page must be a whole number from 1."),
        ("/admin/audit.csv?start=2027-02-30", "Dates must be written YYYY-MM-DD"),
        ("/admin/learners?page=0", "The page must be a whole number from 1."),
    ],
)
def test_a_malformed_filter_is_a_400_that_says_what_to_write(
    people: World, path: str, message: str
) -> None:
    response = people.admin.client.get(path)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/admin/learners/999999", "There is no such learner."),
        ("/admin/reports/pars/no-such-activity", "There is no such activity."),
        ("/admin/reports/pars/no-such-activity.csv", "There is no such activity."),
        ("/admin/reports/items/no-such-activity", "There is no such activity."),
        ("/admin/reports/items/{slug}?version=99", "This activity has no such version."),
        ("/admin/reports/evaluations/no-such-activity.csv", "There is no such activity."),
    ],
)
def test_an_unknown_learner_activity_or_version_is_a_404(
    people: World, path: str, message: str
) -> None:
    response = people.admin.client.get(people.fill(path))
    assert response.status_code == 404
    assert message in response.get_data(as_text=True)


def test_an_action_on_an_unknown_certificate_is_a_404_and_changes_nothing(
    certified: World, db: Database
) -> None:
    admin = certified.admin.client
    before = state(db)
    response = admin.post(
        "/admin/certificates/999999/approve", data={"csrf_token": token_for(admin)}
    )
    assert response.status_code == 404
    assert "There is no such certificate." in response.get_data(as_text=True)
    assert state(db) == before


@pytest.mark.parametrize(
    "path",
    [
        "/author/preview/../etc",
        "/author/preview/%2e%2e",
        "/author/preview/..%2Fetc",
        "/author/preview/no-such-folder",
        "/author/preview/{slug}/figures/../posttest.md",
        "/author/preview/{slug}/figures/..%2Fposttest.md",
        "/author/preview/{slug}/figures/..%2F..%2F..%2Fetc%2Fpasswd",
        "/author/preview/{slug}/figures/no-such-figure.svg",
    ],
)
def test_the_author_preview_serves_nothing_outside_an_activity_folder(
    people: World, path: str
) -> None:
    with people.author.client.get(people.fill(path)) as response:
        page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "[x]" not in page
    assert "root:" not in page


def test_a_form_sent_after_the_session_ended_leads_back_to_its_page_not_to_a_405(
    synced: Flask, client: FlaskClient
) -> None:
    from tests.conftest import csrf_token

    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/activities/imatinib-bone-edema/posttest",
        data={"csrf_token": token},
        headers={"Referer": "http://localhost/activities/imatinib-bone-edema/posttest"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(
        "/login?next=%2Factivities%2Fimatinib-bone-edema%2Fposttest"
    )


# --- board batches ------------------------------------------------------------------------------


def batches(db: Database) -> list[int]:
    with db.read_session() as session:
        return list(session.scalars(select(ReportBatch.id)))


@pytest.mark.parametrize("role", ["anonymous", "learner", "author"])
@pytest.mark.parametrize("path", BATCHES)
def test_only_administrators_record_board_batches(
    certified: World, db: Database, path: str, role: str
) -> None:
    client = certified.client(role)
    before = state(db)
    response = client.post(
        certified.fill(path), data={"csrf_token": token_for(client), "format": "csv"}
    )
    if role == "anonymous":
        assert urlsplit(response.headers["Location"]).path == "/login"
    else:
        assert response.status_code == 403
    assert (state(db), batches(db)) == (before, [])


@pytest.mark.parametrize("path", BATCHES)
def test_recording_a_batch_needs_the_csrf_token_and_a_fresh_login(
    certified: World, app: Flask, db: Database, path: str
) -> None:
    admin = certified.admin.client
    page = certified.fill(path).removesuffix("/batches")
    assert admin.post(certified.fill(path), data={"format": "csv"}).status_code == 400
    token = token_for(admin)
    app.config["FROZEN_NOW"] = minutes_after_login(app.config["ADMIN_FRESH_MINUTES"] + 1)
    stale = admin.post(
        certified.fill(path),
        data={"csrf_token": token, "format": "csv"},
        headers={"Referer": f"http://localhost{page}"},
    )
    assert stale.headers["Location"] == "/confirm"
    assert batches(db) == []
    confirmed = confirm(admin, PASSWORD)
    # The learner did not consent to board reporting and claimed no pharmacy credit.
    assert confirmed.headers["Location"] == page
    assert "Nothing to report yet" in admin.get(page).get_data(as_text=True)


@pytest.mark.parametrize(("role", "status"), [("learner", 403), ("author", 403), ("admin", 404)])
def test_a_batch_file_is_for_administrators_and_an_unknown_one_is_not_found(
    people: World, role: str, status: int
) -> None:
    assert people.client(role).get(people.fill(BATCH_FILE)).status_code == status
