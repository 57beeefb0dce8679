"""A learner opens the catalog and the activity page in a real Chromium."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import expect

from quizapp.db import Database
from tests.browser.conftest import check_page, screenshot
from tests.learner_helpers import variant

pytestmark = pytest.mark.browser


def test_a_learner_finds_the_imatinib_activity_and_reads_what_comes_before_the_article(
    page,  # type: ignore[no-untyped-def]
) -> None:
    page.goto("/")
    assert page.get_by_role("heading", level=1).inner_text() == "CME activities"
    link = page.get_by_role("link", name="Bone Marrow Edema During Adjuvant Imatinib").first
    screenshot(page, "catalog")
    link.click()
    page.wait_for_url("**/activities/imatinib-bone-edema/")
    assert "Imatinib" in page.get_by_role("heading", level=1).inner_text()
    for heading in (
        "Before you begin",
        "Learning objectives",
        "Faculty and disclosures",
        "Accreditation and credit designation",
        "Discussion",
    ):
        expect(page.get_by_role("heading", name=heading).first).to_be_visible()
    expect(page.get_by_text("Physicians should claim only the credit").first).to_be_visible()
    screenshot(page, "activity")


def test_the_activity_page_fits_a_phone_screen_without_sideways_scrolling(
    browser,
    live_server,  # type: ignore[no-untyped-def]
) -> None:
    context = browser.new_context(base_url=live_server, viewport={"width": 375, "height": 800})
    page = context.new_page()
    try:
        page.goto("/activities/imatinib-bone-edema/")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0
        screenshot(page, "activity-phone")
    finally:
        context.close()


WIDE = (
    "## Interruption and rechallenge\n\n"
    "```\nimatinib_400mg_daily_started_six_weeks_after_surgery_then_stopped_then_rechallenged"
    "_with_pain_back_within_two_weeks_and_no_relapse_at_twelve_months\n```\n\n"
    "| Day | Imatinib | Leg pain | Arm pain | Scintigraphy | MRI | Dose | Note |\n"
    "| --- | --- | --- | --- | --- | --- | --- | --- |\n"
    "| 0 | 400 mg | none | none | not done | not done | 400 mg daily | adjuvant start |\n"
    "| 15 | 400 mg | mild | none | not done | not done | 400 mg daily | continued |\n"
)


def test_an_article_with_a_long_code_line_and_a_wide_table_fits_a_phone(  # type: ignore[no-untyped-def]
    browser, live_app: Flask, live_server: str, tmp_path: Path
) -> None:
    db: Database = live_app.extensions["quizapp.db"]
    variant(tmp_path, db, "wide-article", {"## Interruption and rechallenge\n": WIDE})
    context = browser.new_context(
        base_url=live_server, bypass_csp=True, viewport={"width": 390, "height": 900}
    )
    page = context.new_page()
    try:
        page.goto("/activities/wide-article/")
        code = page.locator(".article-body pre")
        assert code.bounding_box()["width"] <= 390  # type: ignore[index]
        box = page.get_by_role("region", name=re.compile("^Table 1, scrolls sideways"))
        assert box.evaluate("e => e.scrollWidth > e.clientWidth")  # it scrolls, inside itself
        check_page(page, "activity-wide-article")
    finally:
        context.close()
