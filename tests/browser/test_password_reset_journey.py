"""A learner who forgot their password resets it in Chromium, with the link read from the
message a real SMTP server received, and signs in with the new one."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from flask import Flask
from playwright.sync_api import expect

from quizapp.db import Database
from tests.browser.conftest import axe_violations, screenshot
from tests.smtp_server import SmtpServer
from tests.staff_helpers import create_account

pytestmark = pytest.mark.browser

EMAIL = "ann.lee@example.org"
NEW_PASSWORD = "a brand new passphrase"


def check(page, name: str) -> None:  # type: ignore[no-untyped-def]
    screenshot(page, f"reset-{name}")
    assert axe_violations(page) == [], name


def test_a_learner_resets_a_forgotten_password_from_the_mailed_link(  # type: ignore[no-untyped-def]
    page, live_app: Flask, db: Database, smtp: SmtpServer
) -> None:
    create_account(live_app, db, "learner", EMAIL, full_name="Ann Lee")
    page.goto("/login")
    page.get_by_role("link", name="Forgot your password?").click()
    check(page, "forgot")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_text(f"If an account uses {EMAIL}, we have sent it a link")).to_be_visible()

    # Sent by the server right after the request, with no `quizapp mail send`.
    [message] = smtp.wait_for(1)
    assert message.recipients == [EMAIL]
    assert message.subject == "Reset your password · quizapp CME"
    [link] = [url for url in message.links() if "/password/reset/" in url]
    page.goto(urlsplit(link).path)
    check(page, "choose")
    page.get_by_label("New password (at least 10 characters)").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("Your password is changed")).to_be_visible()
    check(page, "changed")

    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="My activities")).to_be_visible()
    page.goto(urlsplit(link).path)  # used once: dead
    expect(page.get_by_text("This link has expired or was already used")).to_be_visible()
