"""An author downloads the posttest from the author preview in Chromium: the links under the
title, a QTI package that holds the manifest, and no accessibility violation on the page."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from flask import Flask

from quizapp.db import Database
from tests.browser.conftest import axe_violations, screenshot
from tests.conftest import PASSWORD
from tests.staff_helpers import create_account

pytestmark = pytest.mark.browser


def test_an_author_downloads_the_posttest_as_a_qti_package(
    live_app: Flask,
    page,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    db: Database = live_app.extensions["quizapp.db"]
    create_account(live_app, db, "author", "pat.editor@example.org")
    page.goto("/login")
    page.get_by_label("Email").fill("pat.editor@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto("/author/preview/imatinib-bone-edema")

    downloads = page.locator("p.downloads")
    assert downloads.get_by_role("link").all_inner_texts() == [
        "QTI 2.1 package",
        "QTI 3.0 package",
        "Moodle XML",
        "GIFT",
    ]
    screenshot(page, "author-preview-downloads")
    assert axe_violations(page) == []

    with page.expect_download() as caught:
        downloads.get_by_role("link", name="QTI 2.1 package").click()
    download = caught.value
    assert download.suggested_filename == "imatinib-bone-edema-qti21.zip"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    names = zipfile.ZipFile(io.BytesIO(saved.read_bytes())).namelist()
    assert names[:2] == ["imsmanifest.xml", "assessment.xml"]
    assert len([name for name in names if name.startswith("items/")]) == 3
