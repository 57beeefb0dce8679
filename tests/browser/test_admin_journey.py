"""An administrator's journey in Chromium: find a learner, check and revoke her certificate
(after the password has gone stale, so "Confirm it's you" asks for it and then revokes with
the reason typed before), confirm what the public verification page says, read the audit log,
the evaluation summary and the item analysis. axe-core checks every admin page on the way."""

from __future__ import annotations

import datetime as dt
import random
import re
from decimal import Decimal

import pytest
from flask import Flask
from playwright.sync_api import expect

from quizapp.accounts.services import Registration, register
from quizapp.credit.services import claim_credit
from quizapp.db import Database
from quizapp.learning.services import start_attempt, submit_attempt, submit_evaluation
from tests.browser.conftest import check_page
from tests.conftest import FROZEN_NOW, PASSWORD
from tests.learner_helpers import IMATINIB, RIGHT, WRONG, posted

pytestmark = pytest.mark.browser

NOW = dt.datetime.fromisoformat(FROZEN_NOW)
FAST_HASH = "scrypt:1024:8:1"
LEARNER = "Zoë Ñúñez-Øster"
REASON = "Attestation could not be confirmed"
TITLE = "Reversible Bone Marrow Edema During Adjuvant Imatinib"
EVALUATION = {
    "objectives-met": "Agree",
    "relevance": "Strongly agree",
    "intent-to-change": "Yes",
    "planned-change": "Order MRI before assuming metastasis.",
    "commercial-bias": "No",
}


def check(page, name: str) -> None:  # type: ignore[no-untyped-def]
    check_page(page, f"admin-{name}")
    if (page.viewport_size or {}).get("width", 0) >= 1280:
        assert tables_too_wide(page) == [], name


def tables_too_wide(page) -> list[str]:  # type: ignore[no-untyped-def]
    """The tables that scroll sideways at the page's width (1280 px, Playwright's default):
    wide report tables wrap their cells instead, so none should."""
    return page.evaluate(  # type: ignore[no-any-return]
        """() => [...document.querySelectorAll('main table')]
            .filter(t => t.scrollWidth > t.clientWidth + 1)
            .map(t => (t.caption || t.querySelector('th') || t).textContent.trim())"""
    )


def first_attempt(db: Database, user_id: int, right: set[str]) -> None:
    """One submitted attempt, the questions in ``right`` answered correctly, the rest wrongly."""
    attempt_id = start_attempt(db, user_id, IMATINIB, NOW, random.Random(user_id))
    chosen = {q: (RIGHT if q in right else WRONG)[q] for q in RIGHT}
    submit_attempt(db, user_id, attempt_id, posted(db, attempt_id, chosen), NOW)


def seed(app: Flask) -> None:
    """Zoë passes on her first attempt and claims 1.0 AMA PRA Category 1 Credit™; three other
    learners' first attempts give the item analysis something to discriminate."""
    db: Database = app.extensions["quizapp.db"]
    zoe = register(
        db,
        Registration("zoe@example.org", PASSWORD, LEARNER, "MD"),
        now=NOW,
        hash_method=FAST_HASH,
    )
    first_attempt(db, zoe.id, set(RIGHT))
    assert submit_evaluation(db, zoe.id, IMATINIB, EVALUATION, NOW)
    claims = claim_credit(db, zoe.id, IMATINIB, {"ama-pra-1": "1.0"}, attested=True, now=NOW)
    assert [(c.credit_type, c.amount) for c in claims] == [("ama-pra-1", Decimal("1.0"))]
    questions = list(RIGHT)
    for index, right in enumerate([set(), {questions[0]}, {questions[0], questions[1]}], start=1):
        other = register(
            db,
            Registration(f"learner{index}@example.org", PASSWORD, f"Learner {index}", "DO"),
            now=NOW,
            hash_method=FAST_HASH,
        )
        first_attempt(db, other.id, right)
    register(
        db,
        Registration("admin@example.org", PASSWORD, "Avery Admin", "other"),
        now=NOW,
        role="admin",
        hash_method=FAST_HASH,
    )


def test_an_administrator_revokes_a_certificate_and_reads_the_item_analysis(  # type: ignore[no-untyped-def]
    page, live_app: Flask, live_server: str
) -> None:
    seed(live_app)

    page.goto("/login")
    page.get_by_label("Email").fill("admin@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Admin", exact=True).click()

    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    row = page.get_by_role("row", name=re.compile(TITLE))
    cells = row.get_by_role("cell").all_inner_texts()
    # learners started, attempts, pass rate, completions, credits, evaluations
    assert cells[:4] == ["4", "4", "50%", "1"]  # 2 of 3 right passes at 66%, cells
    assert cells[4].startswith("1.0"), cells
    assert cells[5] == "1", cells
    check(page, "dashboard")

    nav = page.get_by_role("navigation", name="Administration")
    nav.get_by_role("link", name="Learners").click()
    page.get_by_label("Name, email or NPI").fill("Zoë")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("row")).to_have_count(2)  # the header and Zoë
    check(page, "learners")
    page.get_by_role("link", name=LEARNER).click()

    expect(page.get_by_role("heading", name=f"{LEARNER}, MD")).to_be_visible()
    certificates = page.locator("table").filter(
        has=page.get_by_role("columnheader", name="Code", exact=True)
    )
    certificate = certificates.get_by_role("row", name=re.compile(TITLE))
    assert "1.0 AMA PRA Category 1 Credit™" in certificate.inner_text()
    assert "issued" in certificate.inner_text()
    check(page, "learner")

    pdf_href = certificate.get_by_role("link", name="PDF").get_attribute("href")
    assert pdf_href is not None
    pdf = page.request.get(pdf_href)
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF-")
    code = re.fullmatch(r"/certificates/(.+)\.pdf", pdf_href).group(1)  # type: ignore[union-attr]

    # Half an hour later: the password typed at login is no longer fresh.
    live_app.config["FROZEN_NOW"] = (
        NOW + dt.timedelta(minutes=live_app.config["ADMIN_FRESH_MINUTES"] + 1)
    ).isoformat()
    certificate.get_by_role("link", name=re.compile("Revoke")).click()
    expect(page.get_by_role("heading", name="Revoke this certificate?")).to_be_visible()
    check(page, "revoke")
    page.get_by_label(re.compile("Reason for revoking")).fill(REASON)
    page.get_by_role("button", name="Revoke certificate").click()

    expect(page.get_by_role("heading", name="Confirm it’s you")).to_be_visible()
    main = page.locator("main").inner_text()
    assert "You asked to revoke the certificate. Nothing has been changed yet." in main
    assert REASON in main
    assert "Create an account" not in main
    check(page, "confirm-its-you")
    page.get_by_label("Your password").fill("not the password")
    page.get_by_role("button", name="Confirm and revoke the certificate").click()
    assert page.locator("#password-error").inner_text() == (
        "That is not your password. Nothing has been changed."
    )
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm and revoke the certificate").click()

    expect(
        page.get_by_text("Certificate revoked. Its verification page now says so.")
    ).to_be_visible()
    revoked = certificates.get_by_role("row", name=re.compile(TITLE))
    assert f"revoked on January 15, 2027: {REASON}" in revoked.inner_text()
    expect(revoked.get_by_role("link", name=re.compile("Revoke"))).to_have_count(0)
    check(page, "learner-revoked")

    # What the public sees: a browser with nobody signed in.
    public = page.context.browser.new_context(base_url=live_server, bypass_csp=True)
    try:
        visitor = public.new_page()
        visitor.goto(f"/verify/{code}")
        status = visitor.get_by_role("status")
        assert status.inner_text() == (
            "Revoked on January 15, 2027. This certificate is no longer valid."
        )
        main = visitor.locator("main").inner_text()
        assert LEARNER in main
        assert REASON not in visitor.content()
        assert "Attestation" not in visitor.content()
        check(visitor, "verify-revoked")
        assert visitor.request.get(pdf_href, max_redirects=0).status == 302  # login first
    finally:
        public.close()

    nav.get_by_role("link", name="Audit log").click()
    newest = page.get_by_role("row").nth(1).get_by_role("cell").all_inner_texts()
    assert newest[1:4] == [
        "Avery Admin",
        "Certificate revoked",
        f"{LEARNER}’s certificate {code}",
    ], newest
    assert f"Reason\n{REASON}" in newest[4], newest
    check(page, "audit")
    nav.get_by_role("link", name="Pending certificates").click()
    check(page, "pending")

    nav.get_by_role("link", name="Reports").click()
    check(page, "reports")
    page.get_by_role("link", name="Completions by date range").click()
    expect(page.get_by_role("row", name=re.compile(LEARNER))).to_have_count(1)
    check(page, "completions")
    page.go_back()
    page.get_by_role("link", name=f"PARS for {TITLE}").click()
    check(page, "pars")
    page.go_back()
    page.get_by_role("link", name=f"Evaluations for {TITLE}").click()
    expect(page.locator("svg[role=img]")).to_have_count(4)
    objectives = page.locator("section[aria-labelledby='eval-objectives-met']")
    assert objectives.get_by_role("row", name=re.compile("Agree")).first.inner_text().split(
        "\t"
    ) == ["Agree", "1", "100%"]
    check(page, "evaluations")
    page.go_back()
    page.get_by_role("link", name=f"Items for {TITLE}").click()

    expect(page.get_by_role("heading", name="Item analysis")).to_be_visible()
    assert "4 attempts" in page.locator("main").inner_text()
    for index, question in enumerate(RIGHT, start=1):
        section = page.locator(f"section[aria-labelledby='item-{question}']")
        expect(section.get_by_role("heading", name=f"Question {index}: {question}")).to_be_visible()
        chart = section.locator("svg[role=img]")
        expect(chart).to_have_count(1)
        expect(chart).to_be_visible()
        assert chart.get_attribute("aria-labelledby") == f"options-{question}-title"
    expect(page.locator("svg[role=img]")).to_have_count(4)  # the facility overview and 3 items
    check(page, "items")
