"""The catalog and the activity page: what a learner sees before starting, and nothing more."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from quizapp.authoring.services import sync_content
from quizapp.db import Database
from tests.conftest import NOW, SAMPLE_CONTENT
from tests.learner_helpers import IMATINIB as IMATINIB_SLUG
from tests.learner_helpers import METHOTREXATE, grow_catalog

IMATINIB = "/activities/imatinib-bone-edema/"


def page_text(response_data: bytes) -> str:
    """The visible text, whitespace collapsed, so assertions read like the page."""
    text = re.sub(r"</?(?:em|strong|a|time|code|sup|abbr)\b[^>]*>", "", response_data.decode())
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"\s+", " ", html.unescape(text))
    return re.sub(r" ([.,;:])", r"\1", text)


def test_catalog_lists_the_sample_activity_with_credits_time_and_expiry(
    synced: Flask, client: FlaskClient
) -> None:
    response = client.get("/")
    assert response.status_code == 200
    text = page_text(response.data)
    assert "Reversible Bone Marrow Edema During Adjuvant Imatinib" in text
    assert "1.0 AMA PRA Category 1 Credit™" in text
    assert "1 hour" in text
    assert "August 31, 2028" in text
    assert f'href="{IMATINIB}"' in response.data.decode()


def test_activity_page_shows_everything_required_before_starting(
    synced: Flask, client: FlaskClient
) -> None:
    response = client.get(IMATINIB)
    assert response.status_code == 200
    text = page_text(response.data)
    for required in (
        "Before you begin",
        "Learning objectives",
        "Method of participation",
        "Faculty and disclosures",
        "Accreditation and credit designation",
        "is accredited by the Accreditation Council for Continuing Medical Education",
        "designates this journal-based CME activity for a maximum of 1.0 "
        "AMA PRA Category 1 Credit™.",
        "Physicians should claim only the credit commensurate with the extent of their "
        "participation in the activity.",
        "Passing score 66% on the posttest",
        "Attempts 3 allowed",
        "Released September 1, 2026",
        "Expires August 31, 2028",
        "Estimated time 1 hour",
        "Commercial support:",
        "J Natl Compr Canc Netw 2013;11:1187–1191",
    ):
        assert required in text, required
    assert "<em>AMA PRA Category 1 Credit</em>™" in response.data.decode()


def test_activity_page_shows_each_faculty_members_disclosure(
    synced: Flask, client: FlaskClient, db: Database
) -> None:
    from quizapp.catalog.queries import find_activity

    with db.read_session() as session:
        found = find_activity(session, "imatinib-bone-edema")
        assert found is not None
        faculty = found[1].meta().faculty
    text = page_text(client.get(IMATINIB).data)
    for member in faculty:
        assert member.name in text
        for relationship in member.relationships:
            assert relationship.company in text
    if not any(member.relationships for member in faculty):
        assert "No relevant financial relationships" in text


def test_activity_page_renders_the_article_with_its_sections(
    synced: Flask, client: FlaskClient
) -> None:
    body = client.get(IMATINIB).data.decode()
    assert '<h2 id="discussion">' in body
    assert "KIT" in body and "400 mg" in body


def test_no_page_carries_the_answer_key_or_rationales(
    synced: Flask, client: FlaskClient, db: Database
) -> None:
    from quizapp.catalog.queries import find_activity

    with db.read_session() as session:
        found = find_activity(session, "imatinib-bone-edema")
        assert found is not None
        questions = found[1].snapshot().questions
    pages = client.get("/").data.decode() + client.get(IMATINIB).data.decode()
    for question in questions:
        rationale_text = page_text(question.rationale.html.encode()).strip()
        assert rationale_text[:60] not in page_text(pages.encode())
    assert "correct" not in pages.lower()


@pytest.fixture
def hostile_tree(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(SAMPLE_CONTENT / "imatinib-bone-edema", root / "hostile")
    article = root / "hostile" / "article.md"
    text = article.read_text(encoding="utf-8")
    text = text.replace("id: imatinib-bone-edema", "id: hostile", 1)
    text += (
        "\n\n<script>alert('article')</script>\n\n"
        '<img src="figures/none.png" onerror="alert(1)">\n\n'
        '<a href="javascript:alert(2)">click</a> <p onclick="alert(3)">para</p>\n\n'
        '<iframe src="https://example.org"></iframe><style>body{display:none}</style>\n'
    )
    article.write_text(text, encoding="utf-8")
    return root


def test_script_and_event_handlers_in_an_article_never_reach_the_page(
    app: Flask, db: Database, client: FlaskClient, hostile_tree: Path
) -> None:
    sync_content(db, hostile_tree, now=NOW)
    body = client.get("/activities/hostile/").data.decode().lower()
    # The one script is the site's own, from its static folder.
    assert re.findall(r"<script[^>]*>", body) == ['<script src="/static/tables.js" defer>']
    assert "alert(" not in body
    assert "onerror" not in body
    assert "onclick" not in body
    assert "javascript:" not in body
    assert "<iframe" not in body
    assert "<style" not in body
    assert "para" in body


def test_expired_activities_leave_the_default_catalog_and_say_so_on_their_page(
    database_url: str, tmp_path: Path
) -> None:
    from quizapp.models import Base
    from tests.conftest import make_app

    app = make_app(database_url, FROZEN_NOW="2028-09-01T09:00:00+00:00")
    database: Database = app.extensions["quizapp.db"]
    Base.metadata.create_all(database.engine)
    try:
        sync_content(database, SAMPLE_CONTENT, now=NOW)
        client = app.test_client()
        catalog = client.get("/").data.decode()
        assert IMATINIB not in catalog
        with_expired = client.get("/?show=expired").data.decode()
        assert IMATINIB in with_expired
        assert "Expired activities" in with_expired
        page = page_text(client.get(IMATINIB).data)
        assert "This activity expired on August 31, 2028." in page
    finally:
        database.dispose()


def test_an_activity_before_its_release_date_is_not_shown(database_url: str) -> None:
    from quizapp.models import Base
    from tests.conftest import make_app

    app = make_app(database_url, FROZEN_NOW="2026-08-31T09:00:00+00:00")
    database: Database = app.extensions["quizapp.db"]
    Base.metadata.create_all(database.engine)
    try:
        sync_content(database, SAMPLE_CONTENT, now=NOW)
        client = app.test_client()
        assert IMATINIB not in client.get("/").data.decode()
        assert client.get(IMATINIB).status_code == 404
    finally:
        database.dispose()


def test_an_unknown_activity_is_404(synced: Flask, client: FlaskClient) -> None:
    response = client.get("/activities/no-such-activity/")
    assert response.status_code == 404
    assert "There is no activity at this address." in page_text(response.data)


def test_figures_are_served_by_hash_with_their_type_long_caching_and_a_locked_down_policy(
    synced: Flask, client: FlaskClient, db: Database
) -> None:
    from sqlalchemy import select

    from quizapp.models import ActivityVersion

    with db.read_session() as session:
        version = next(v for v in session.scalars(select(ActivityVersion)) if v.figures_json)
        name, digest = next(iter(version.figures_json.items()))
    url = f"/figures/{digest}/{name.rsplit('/', 1)[-1]}"
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype.startswith("image/")
    assert "immutable" in response.headers["Cache-Control"]
    assert "sandbox" in response.headers["Content-Security-Policy"]
    again = client.get(url, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    assert client.get(f"/figures/{'0' * 64}/x.png").status_code == 404


# Search, filters and pages, once the catalog grows.

METHOTREXATE_SOURCE = METHOTREXATE
IMATINIB_SOURCE = IMATINIB_SLUG


def listed(client: FlaskClient, query: str = "") -> list[str]:
    """The slugs of the catalog's cards, in order."""
    page = client.get(f"/?{query}").get_data(as_text=True)
    cards = re.findall(r'<li class="card">\s*<h2><a href="/activities/([^/"]+)/"', page)
    return cards


def test_a_small_catalog_has_no_search_box(synced: Flask, client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    assert 'role="search"' not in page
    assert len(listed(client)) == 2


def test_a_grown_catalog_offers_a_labelled_search_with_the_credits_and_formats_it_has(
    synced: Flask, db: Database, client: FlaskClient, tmp_path: Path
) -> None:
    grow_catalog(tmp_path, db, {IMATINIB_SOURCE: 3, METHOTREXATE_SOURCE: 2})
    page = client.get("/").get_data(as_text=True)
    assert 'role="search"' in page
    assert '<label for="q">Title, topic or objective</label>' in page
    assert '<label for="credit">Credit</label>' in page
    assert '<label for="format">Format</label>' in page
    assert '<option value="acpe">ACPE pharmacy contact hours</option>' in page
    assert '<option value="enduring">Enduring material</option>' in page
    assert '<option value="ipce">' not in page, "only credit types some activity offers"
    assert "7 activities." in page_text(page.encode())
    assert len(listed(client)) == 7


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=methotrexate", METHOTREXATE_SOURCE),
        ("q=METHOTRÉXATE+dosing", METHOTREXATE_SOURCE),
        ("q=bone+marrow", IMATINIB_SOURCE),
        ("q=stromal", IMATINIB_SOURCE),  # in the summary
        ("credit=acpe", METHOTREXATE_SOURCE),
        ("format=journal-based", IMATINIB_SOURCE),
        ("format=enduring&credit=ama-pra-1", METHOTREXATE_SOURCE),
    ],
)
def test_the_search_matches_every_word_and_the_filters_chosen(
    synced: Flask, db: Database, client: FlaskClient, tmp_path: Path, query: str, expected: str
) -> None:
    grow_catalog(tmp_path, db, {IMATINIB_SOURCE: 3, METHOTREXATE_SOURCE: 2})
    found = listed(client, query)
    assert found and all(slug.startswith(expected) for slug in found)
    everything = listed(client)
    assert len(found) == len([slug for slug in everything if slug.startswith(expected)])


def test_a_search_that_matches_nothing_says_so_and_keeps_the_words(
    synced: Flask, db: Database, client: FlaskClient, tmp_path: Path
) -> None:
    grow_catalog(tmp_path, db, {IMATINIB_SOURCE: 5})
    response = client.get("/?q=%3Cb%3Ewarfarin%3C%2Fb%3E")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "No current activity matches this search." in page
    assert 'value="&lt;b&gt;warfarin&lt;/b&gt;"' in page and "<b>warfarin" not in page
    assert listed(client, "q=warfarin") == []


def test_the_catalog_comes_in_pages_of_twelve_that_keep_the_search(
    synced: Flask, db: Database, client: FlaskClient, tmp_path: Path
) -> None:
    grow_catalog(tmp_path, db, {IMATINIB_SOURCE: 13, METHOTREXATE_SOURCE: 1})
    first = client.get("/").get_data(as_text=True)
    assert "16 activities; page 1 of 2." in page_text(first.encode())
    assert len(listed(client)) == 12
    assert 'href="/?page=2" rel="next"' in first and 'rel="prev"' not in first
    second = listed(client, "page=2")
    assert len(second) == 4 and not set(second) & set(listed(client))
    narrowed = client.get("/?format=journal-based").get_data(as_text=True)
    assert "14 activities match; page 1 of 2." in page_text(narrowed.encode())
    assert 'href="/?format=journal-based&amp;page=2"' in narrowed
    assert len(listed(client, "format=journal-based&page=2")) == 2
    assert listed(client, "page=9") == second, "a page past the end shows the last"


@pytest.mark.parametrize("page", ["0", "-1", "two", "1.5"])
def test_a_page_that_is_not_a_whole_number_is_a_400(
    synced: Flask, client: FlaskClient, page: str
) -> None:
    response = client.get("/", query_string={"page": page})
    assert response.status_code == 400
    assert "The page must be a whole number from 1." in response.get_data(as_text=True)
