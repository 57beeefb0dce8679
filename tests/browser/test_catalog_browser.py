"""A learner opens the catalog and the activity page in a real Chromium."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot

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
        assert page.get_by_role("heading", name=heading).first.is_visible(), heading
    assert page.get_by_text("Physicians should claim only the credit").first.is_visible()
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
