"""A board clerk, holding only the paper, types its code into /verify in a real Chromium;
a learner finds activities in a grown catalog and sees their progress."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import expect
from sqlalchemy import select

from quizapp.db import Database
from quizapp.models import Certificate
from tests.browser.conftest import axe_violations, screenshot
from tests.conftest import AuthActions
from tests.learner_helpers import IMATINIB, METHOTREXATE, claim, evaluate, grow_catalog, take

pytestmark = pytest.mark.browser

PRINTED = "7K3QX-M2D9A-0FHRT-W51NE"


def certificate_printed_as(app: Flask, db: Database, code: str) -> None:
    """An MBBS learner earns a certificate, whose code is then ``code``, as if drawn so."""
    client = app.test_client()
    auth = AuthActions(client)
    auth.register(full_name="Ann Lee", degree="MBBS")
    take(client, right=3)
    assert evaluate(auth, IMATINIB).status_code == 302
    assert claim(auth, {"ama-pra-1": "1.0"}).status_code == 302
    with db.transaction() as session:
        row = session.scalars(select(Certificate)).one()
        row.code = code
        row.snapshot = {**row.snapshot, "code": code}


def test_a_clerk_types_a_code_in_small_letters_with_o_and_i_and_finds_the_certificate(
    page,  # type: ignore[no-untyped-def]
    synced: Flask,
    db: Database,
) -> None:
    certificate_printed_as(synced, db, PRINTED)
    page.goto("/verify")
    field = page.get_by_label("Verification code")
    expect(field).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "verify-form")

    field.fill("7k3qx m2d9a ofhrt w5ine")
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(f"**/verify/{PRINTED}")
    assert page.get_by_role("status").inner_text().startswith("Valid.")
    main = page.locator("main").inner_text()
    assert "Ann Lee" in main and "MBBS" in main and PRINTED in main
    assert axe_violations(page) == []
    screenshot(page, "verify-valid")


def test_a_code_mistyped_stays_in_the_field_with_what_to_check(
    page,  # type: ignore[no-untyped-def]
    synced: Flask,
) -> None:
    page.goto("/verify")
    page.get_by_label("Verification code").fill("7k3qx m2d9a ofhrt w5inx")
    page.get_by_role("button", name="Verify").click()
    field = page.get_by_label("Verification code")
    assert field.input_value() == "7k3qx m2d9a ofhrt w5inx"
    assert field.get_attribute("aria-invalid") == "true"
    expect(page.get_by_text("No certificate has this verification code.")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "verify-unknown")


def test_a_learner_searches_a_grown_catalog_and_sees_their_progress(
    page,  # type: ignore[no-untyped-def]
    synced: Flask,
    db: Database,
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    grow_catalog(tmp_path, db, {IMATINIB: 9, METHOTREXATE: 4})
    page.goto("/register")
    page.get_by_label("Email").fill("ann.lee@example.org")
    page.get_by_label("Password (at least 10 characters)").fill("correct horse battery staple")
    page.get_by_label("Full name as it should appear on certificates").fill("Ann Lee")
    page.get_by_label("Degree").select_option("APRN")
    page.get_by_role("button", name="Create account").click()
    page.get_by_label("Email").fill("ann.lee@example.org")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Log in").click()
    page.goto("/")
    cards = page.locator("li.card")
    expect(cards).to_have_count(12)
    assert cards.first.locator(".progress").inner_text() == "Your progress: Not started"
    expect(page.get_by_role("link", name="Next page")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "catalog-search")

    page.get_by_label("Title, topic or objective").fill("methotrexate")
    page.get_by_label("Credit").select_option(label="ACPE pharmacy contact hours")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("5 activities match.")).to_be_visible()
    expect(page.locator("li.card")).to_have_count(5)
    screenshot(page, "catalog-searched")


def test_the_verify_form_and_the_searchable_catalog_fit_a_phone(
    browser,  # type: ignore[no-untyped-def]
    live_server: str,
    synced: Flask,
    db: Database,
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    grow_catalog(tmp_path, db, {IMATINIB: 5})
    context = browser.new_context(base_url=live_server, viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        for path, name in (("/verify?code=nothing", "verify-phone"), ("/", "catalog-search-phone")):
            page.goto(path)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, path
            screenshot(page, name)
    finally:
        context.close()
