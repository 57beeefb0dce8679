"""Malformed requests get a 4xx and the site's error page, never a server error.

A random-form run found 65 server errors in 6,000 posts: a text field sent as a file part, a
multipart part without a name, a number too long for Python to convert, and a signed-in post
over the size limit (the error page read the body again). The regression tests below name
those; the fuzz test sends every POST route of the application bodies Hypothesis draws
(file parts, nameless parts, huge numbers, NUL bytes, invalid UTF-8, wrong content types),
signed in as the route needs, and fails on any 5xx or exception.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import quote_from_bytes

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from quizapp.authoring.services import sync_content
from quizapp.db import Database
from quizapp.models import Base, Certificate, User
from tests.conftest import NOW, PASSWORD, SAMPLE_CONTENT, AuthActions, csrf_token, make_app
from tests.learner_helpers import IMATINIB, RIGHT, claim, evaluate, start_id, take
from tests.staff_helpers import sign_in_as

MAX_BODY = 1024 * 1024
BOUNDARY = b"fuzzboundary"

ROUTE_USER = {
    "accounts.register": "anonymous",
    "accounts.login": "anonymous",
    "accounts.confirm": "learner",
    "accounts.logout": "leaving",
    "accounts.change_password": "learner",
    "accounts.profile": "learner",
    "accounts.forgot_password": "anonymous",
    "accounts.reset_password": "anonymous",
    "accounts.verify_email": "anonymous",
    "accounts.resend_verification": "learner",
    "accounts.change_email": "learner",
    "learning.start": "learner",
    "learning.submit": "learner",
    "learning.evaluation": "evaluating",
    "credit.claim": "claiming",
    "admin.grant": "admin",
    "admin.approve": "admin",
    "admin.revoke": "admin",
    "admin.reissue": "admin",
    "admin.correct_account": "admin",
    "admin.change_role": "admin",
    "admin.send_reset_link": "admin",
    "admin.lock_account": "admin",
    "admin.unlock_account": "admin",
    "followup.survey": "anonymous",
    "followup.opt_out": "anonymous",
    "reports.pars_batch": "admin",
    "reports.cpe_monitor_batch": "admin",
}
"""Who posts to each POST route: someone the route serves, so the body reaches the view."""

FIELD_NAMES = [
    "csrf_token",
    "email",
    "password",
    "full_name",
    "degree",
    "current_password",
    "new_password",
    "npi",
    "license_state",
    "license_number",
    "certifying_board",
    "board_id",
    "birth_month",
    "birth_day",
    "nabp_eprofile_id",
    "board_report_consent",
    "version_id",
    *(f"q-{question}" for question in RIGHT),
    "objectives-met",
    "relevance",
    "intent-to-change",
    "planned-change",
    "commercial-bias",
    "amount-ama-pra-1",
    "amount-ancc",
    "amount-participation",
    "attest",
    "activity_id",
    "extra",
    "reason",
    "back",
    "role",
    "made-change",
    "barriers",
]

NUMBERS = [
    b"0",
    b"-1",
    b"1.5",
    b"2147483648",
    b"9223372036854775808",
    b"1e999999999",
    b"-1e-999999999",
    b"NaN",
    b"Infinity",
    b"0x10",
    b"1_000",
    " ٣".encode(),
    "²".encode(),
    b" 7 ",
]


@dataclass
class Part:
    name: bytes | None
    value: bytes
    filename: bytes | None = None


@dataclass
class Body:
    content_type: str
    data: bytes
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Visitor:
    """A browser signed in as one account (or nobody), with the CSRF token of its session."""

    client: FlaskClient
    email: str | None
    token: str = ""

    def refresh(self) -> None:
        if self.email is not None:
            response = AuthActions(self.client).login(self.email)
            assert response.status_code == 302, response.get_data(as_text=True)
        self.token = csrf_token(self.client.get("/login").get_data(as_text=True))


@dataclass
class Site:
    app: Flask
    visitors: dict[str, Visitor]
    urls: dict[str, str]


def multipart(parts: list[Part]) -> bytes:
    chunks = []
    for part in parts:
        disposition = b"Content-Disposition: form-data"
        if part.name is not None:
            disposition += b'; name="' + part.name + b'"'
        if part.filename is not None:
            disposition += b'; filename="' + part.filename + b'"'
        chunks.append(b"--" + BOUNDARY + b"\r\n" + disposition + b"\r\n\r\n" + part.value + b"\r\n")
    return b"".join(chunks) + b"--" + BOUNDARY + b"--\r\n"


def urlencoded(parts: list[Part]) -> bytes:
    return b"&".join(
        quote_from_bytes(part.name or b"").encode() + b"=" + quote_from_bytes(part.value).encode()
        for part in parts
    )


# --- strategies ---------------------------------------------------------------------------------

values = st.one_of(
    st.text(max_size=40).map(str.encode),
    st.binary(max_size=40),
    st.sampled_from(NUMBERS),
    st.integers(min_value=4290, max_value=6000).map(lambda digits: b"9" * digits),
    st.text(max_size=20).map(lambda text: (text + "\x00" + text).encode()),
    st.sampled_from([b"MD", b"yes", b"a", b"Agree", PASSWORD.encode(), b"ann@example.org"]),
    st.integers(min_value=250, max_value=200_000).map(lambda size: "é".encode() * size),
)
names = st.one_of(
    st.sampled_from([name.encode() for name in FIELD_NAMES]),
    st.text(max_size=12).map(str.encode),
    st.binary(max_size=12).filter(lambda raw: b'"' not in raw and b"\r" not in raw),
)


@st.composite
def parts(draw: st.DrawFn) -> Part:
    kind = draw(st.sampled_from(["field", "field", "file", "nameless"]))
    value = draw(values)
    if kind == "nameless":
        return Part(None, value)
    name = draw(names)
    filename = draw(st.sampled_from([b"notes.txt", b"", b"..\\..\\x"])) if kind == "file" else None
    return Part(name, value, filename)


@st.composite
def bodies(draw: st.DrawFn) -> tuple[Body, bool]:
    """A body and whether the visitor's CSRF token goes in front of its parts."""
    drawn = draw(st.lists(parts(), max_size=8))
    with_token = draw(st.booleans())
    shape = draw(
        st.sampled_from(
            ["multipart", "urlencoded", "json", "text", "no-boundary", "wrong-boundary", "cut"]
        )
    )
    if shape == "multipart":
        body = Body(f"multipart/form-data; boundary={BOUNDARY.decode()}", multipart(drawn))
    elif shape == "urlencoded":
        charset = draw(st.sampled_from(["", "; charset=utf-16", "; charset=latin-1"]))
        body = Body("application/x-www-form-urlencoded" + charset, urlencoded(drawn))
    elif shape == "json":
        body = Body("application/json", b'{"email": ' + draw(values) + b"}")
    elif shape == "text":
        body = Body("text/plain", draw(st.binary(max_size=200)))
    elif shape == "no-boundary":
        body = Body("multipart/form-data", multipart(drawn))
    elif shape == "wrong-boundary":
        body = Body("multipart/form-data; boundary=other", multipart(drawn))
    else:
        whole = multipart(drawn)
        cut = draw(st.integers(min_value=0, max_value=len(whole)))
        body = Body(f"multipart/form-data; boundary={BOUNDARY.decode()}", whole[:cut])
    return body, with_token


def with_csrf(body: Body, token: str) -> Body:
    """The body with the visitor's token as a form would send it, or in the ``X-CSRFToken``
    header (which Flask-WTF also reads) when the body is not a form."""
    token_part = Part(b"csrf_token", token.encode())
    if body.content_type.startswith("multipart/form-data; boundary=" + BOUNDARY.decode()):
        return Body(
            body.content_type,
            multipart([token_part]).rsplit(b"--" + BOUNDARY + b"--", 1)[0] + body.data,
        )
    if body.content_type.startswith("application/x-www-form-urlencoded"):
        return Body(body.content_type, urlencoded([token_part]) + b"&" + body.data)
    return Body(body.content_type, body.data, {"X-CSRFToken": token})


# --- the site -----------------------------------------------------------------------------------


@pytest.fixture
def site(database_url: str) -> Iterator[Site]:
    """Every kind of visitor the POST routes serve, and a real object for each URL's ids.

    Rate limits are raised so that the fuzz run measures parsing, not the limiter; the
    limiter's own keys still read every body.
    """
    app = make_app(
        database_url,
        LOGIN_RATE_LIMIT="100000 per minute",
        SUBMIT_RATE_LIMIT="100000 per minute",
    )
    database: Database = app.extensions["quizapp.db"]
    Base.metadata.create_all(database.engine)
    sync_content(database, SAMPLE_CONTENT, now=NOW)
    try:
        yield _populate(app, database)
    finally:
        database.dispose()


def _learner(app: Flask, email: str) -> AuthActions:
    auth = AuthActions(app.test_client())
    assert auth.register(email).status_code == 302
    return auth


def _populate(app: Flask, database: Database) -> Site:
    learner = _learner(app, "open.attempt@example.org")
    attempt_id = start_id(learner.client)
    evaluating = _learner(app, "passed@example.org")
    take(evaluating.client, right=3)
    claiming = _learner(app, "evaluated@example.org")
    take(claiming.client, right=3)
    assert evaluate(claiming).status_code == 302
    certified = _learner(app, "certified@example.org")
    take(certified.client, right=3)
    assert evaluate(certified).status_code == 302
    assert claim(certified, {"ama-pra-1": "0.5"}).status_code == 302
    leaving = _learner(app, "leaving@example.org")
    admin = sign_in_as(app, database, "admin", "admin@example.org")
    with database.read_session() as session:
        certificate_id = session.scalar(select(Certificate.id))
        learner_id = session.scalar(select(User.id).where(User.email == "open.attempt@example.org"))
    visitors = {
        "anonymous": Visitor(app.test_client(), None),
        "learner": Visitor(learner.client, "open.attempt@example.org"),
        "evaluating": Visitor(evaluating.client, "passed@example.org"),
        "claiming": Visitor(claiming.client, "evaluated@example.org"),
        "leaving": Visitor(leaving.client, "leaving@example.org"),
        "admin": Visitor(admin.client, "admin@example.org"),
    }
    for visitor in visitors.values():
        visitor.token = csrf_token(visitor.client.get("/login").get_data(as_text=True))
    arguments = {
        "slug": IMATINIB,
        "attempt_id": attempt_id,
        "user_id": learner_id,
        "certificate_id": certificate_id,
        "token": "not-a-signed-token",
    }
    urls = {}
    for rule in app.url_map.iter_rules():
        if "POST" in (rule.methods or ()):
            urls[rule.endpoint] = rule.build({name: arguments[name] for name in rule.arguments})[1]
    return Site(app, visitors, urls)


def post(site: Site, endpoint: str, body: Body):  # type: ignore[no-untyped-def]
    visitor = site.visitors[ROUTE_USER[endpoint]]
    response = visitor.client.post(
        site.urls[endpoint], data=body.data, content_type=body.content_type, headers=body.headers
    )
    if endpoint == "accounts.logout" and response.status_code == 302:
        visitor.refresh()
    return response


def error_page(response) -> str:  # type: ignore[no-untyped-def]
    """The error page's heading, which proves the site's own page was rendered."""
    page = response.get_data(as_text=True)
    match = re.search(r"<h1>(.*?)</h1>", page)
    assert match and "site-header" in page, page[:500]
    return match.group(1)


# --- every POST route ---------------------------------------------------------------------------


def test_the_fuzz_visitors_cover_every_post_route_of_the_application(site: Site) -> None:
    assert set(site.urls) == set(ROUTE_USER), "add the new POST route to ROUTE_USER"


@settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(drawn=bodies())
def test_no_body_makes_any_post_route_fail_with_a_server_error(
    site: Site, drawn: tuple[Body, bool]
) -> None:
    body, with_token = drawn
    for endpoint in ROUTE_USER:
        visitor = site.visitors[ROUTE_USER[endpoint]]
        sent = with_csrf(body, visitor.token) if with_token else body
        response = post(site, endpoint, sent)
        assert response.status_code < 500, (endpoint, sent)


def test_a_body_over_the_size_limit_gets_413_and_the_error_page_on_every_post_route(
    site: Site,
) -> None:
    """Signed in, this was a server error: the error page's logout form read the body again."""
    for endpoint, user in ROUTE_USER.items():
        token = site.visitors[user].token.encode()
        fields = [Part(b"csrf_token", token), Part(b"reason", b"x" * MAX_BODY)]
        for body in (
            Body("application/x-www-form-urlencoded", urlencoded(fields)),
            Body(f"multipart/form-data; boundary={BOUNDARY.decode()}", multipart(fields)),
        ):
            response = post(site, endpoint, body)
            assert response.status_code == 413, endpoint
            assert error_page(response) == "Request Entity Too Large"


# --- the server errors the random-form run found ------------------------------------------------


@pytest.mark.parametrize(
    ("endpoint", "field_name"),
    [
        ("accounts.register", b"email"),
        ("accounts.register", b"full_name"),
        ("accounts.profile", b"full_name"),
        ("accounts.profile", b"npi"),
    ],
)
def test_a_text_field_sent_as_a_file_gets_400(site: Site, endpoint: str, field_name: bytes) -> None:
    visitor = site.visitors[ROUTE_USER[endpoint]]
    parts_ = [
        Part(b"csrf_token", visitor.token.encode()),
        Part(b"email", b"new.person@example.org"),
        Part(b"password", PASSWORD.encode()),
        Part(b"full_name", b"New Person"),
        Part(b"degree", b"MD"),
    ]
    parts_ = [part for part in parts_ if part.name != field_name]
    parts_.append(Part(field_name, b"contents", filename=b"notes.txt"))
    body = Body(f"multipart/form-data; boundary={BOUNDARY.decode()}", multipart(parts_))
    response = post(site, endpoint, body)
    assert response.status_code == 400
    assert error_page(response) == "Bad Request"


def test_a_multipart_part_without_a_name_gets_400(site: Site) -> None:
    visitor = site.visitors["learner"]
    parts_ = [Part(b"csrf_token", visitor.token.encode()), Part(None, b"a")]
    body = Body(f"multipart/form-data; boundary={BOUNDARY.decode()}", multipart(parts_))
    response = post(site, "learning.submit", body)
    assert response.status_code == 400
    assert error_page(response) == "Bad Request"


def test_a_version_id_longer_than_python_converts_is_a_form_that_does_not_match(
    site: Site,
) -> None:
    visitor = site.visitors["learner"]
    parts_ = [Part(b"csrf_token", visitor.token.encode()), Part(b"version_id", b"9" * 4301)]
    response = post(
        site, "learning.submit", Body("application/x-www-form-urlencoded", urlencoded(parts_))
    )
    assert response.status_code == 400
    assert "This form belongs to another version of the posttest." in response.get_data(
        as_text=True
    )


def test_a_json_body_gets_415_even_with_a_valid_csrf_header(site: Site) -> None:
    """Flask-WTF reads a JSON body into any form: a number where the email goes was a 500."""
    visitor = site.visitors["anonymous"]
    body = Body(
        "application/json",
        b'{"email": 1.5, "password": [], "full_name": null, "degree": "MD"}',
        {"X-CSRFToken": visitor.token},
    )

    response = post(site, "accounts.register", body)

    assert response.status_code == 415
    assert error_page(response) == "Unsupported Media Type"
