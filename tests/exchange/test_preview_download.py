"""The posttest download on the author preview: a link per format on a clean activity, the
file itself, and no export of an activity with problems. Who may use it is in
``tests/test_admin_access.py`` (authors and administrators; learners get 403)."""

from __future__ import annotations

import io
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from quizapp.db import Database
from quizapp.exchange.bank import bank_from_activity
from quizapp.exchange.formats import EXPORT_FORMATS
from quizapp.models import Base
from tests.conftest import SAMPLE_CONTENT, make_app
from tests.exchange.helpers import activity
from tests.staff_helpers import sign_in_as


@pytest.fixture
def content(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(SAMPLE_CONTENT, root)
    return root


@pytest.fixture
def author(database_url: str, content: Path) -> Iterator[FlaskClient]:
    app: Flask = make_app(database_url, CONTENT_DIR=str(content))
    database: Database = app.extensions["quizapp.db"]
    Base.metadata.create_all(database.engine)
    yield sign_in_as(app, database, "author", "pat.editor@example.org").client
    database.dispose()


def test_the_preview_links_each_format_and_each_link_downloads_the_export(
    author: FlaskClient, content: Path
) -> None:
    page = author.get("/author/preview/imatinib-bone-edema").get_data(as_text=True)
    expected = bank_from_activity(activity(content / "imatinib-bone-edema"))
    for key, export in EXPORT_FORMATS.items():
        url = f"/author/preview/imatinib-bone-edema/export/{key}"
        assert f'href="{url}" download>{export.label}</a>' in page
        response = author.get(url)
        assert response.status_code == 200
        assert response.mimetype == export.mimetype.split(";")[0]
        assert response.headers["Content-Disposition"] == (
            f"attachment; filename=imatinib-bone-edema-{key}{export.suffix}"
        )
        assert response.get_data() == export.write(expected)
    qti = author.get("/author/preview/imatinib-bone-edema/export/qti21").get_data()
    assert "imsmanifest.xml" in zipfile.ZipFile(io.BytesIO(qti)).namelist()


def test_an_activity_with_problems_is_not_exported_and_has_no_links(
    author: FlaskClient, content: Path
) -> None:
    posttest = content / "imatinib-bone-edema" / "posttest.md"
    posttest.write_text(posttest.read_text().replace("- [x] True", "- [ ] True"))
    page = author.get("/author/preview/imatinib-bone-edema").get_data(as_text=True)
    assert "/export/" not in page
    response = author.get("/author/preview/imatinib-bone-edema/export/gift")
    assert response.status_code == 409
    assert "fix them (the preview lists them) before exporting it" in response.get_data(
        as_text=True
    )


@pytest.mark.parametrize(
    "url",
    [
        "/author/preview/imatinib-bone-edema/export/pdf",
        "/author/preview/no-such-folder/export/qti21",
        "/author/preview/..%2Fetc/export/qti21",
    ],
)
def test_an_unknown_format_or_folder_is_a_404(author: FlaskClient, url: str) -> None:
    assert author.get(url).status_code == 404
