"""A live quizapp server and the system Chromium, driven through Playwright.

Playwright cannot download its own browsers here, so the tests launch the Chromium that
Debian installs. Without it the browser tests are skipped, unless
``QUIZAPP_REQUIRE_BROWSER=1`` (set by CI) turns the absence into a failure.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.conftest import REPO

ARTIFACTS = REPO / "test-artifacts"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    configured = os.environ.get("QUIZAPP_CHROMIUM")
    if configured:
        return configured
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    executable = chromium_path()
    if executable is None:
        if os.environ.get("QUIZAPP_REQUIRE_BROWSER") == "1":
            pytest.fail("QUIZAPP_REQUIRE_BROWSER=1 but no Chromium was found")
        pytest.skip("Chromium is not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def live_app(synced: Flask) -> Flask:
    """What the live server serves: the app with the sample content synced."""
    return synced


@pytest.fixture
def live_server(live_app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


WIDTHS = {"desktop": 1280, "phone": 390}
"""The screens every browser test runs on: a laptop, and a phone held upright."""


@pytest.fixture(params=list(WIDTHS))
def page(request: pytest.FixtureRequest, browser: object, live_server: str) -> Iterator[object]:
    # bypass_csp lets the test inject axe-core; the app's own pages carry no inline script.
    context = browser.new_context(  # type: ignore[attr-defined]
        base_url=live_server,
        bypass_csp=True,
        viewport={"width": WIDTHS[request.param], "height": 900},
    )
    page = context.new_page()
    yield page
    context.close()


def check_page(page: object, name: str) -> None:
    """What every page of a journey must be, at the width the test runs at: kept as a
    screenshot, free of any violation axe-core finds, and no wider than the screen. A click
    that navigates returns before the new page has loaded, so this waits for it first."""
    page.wait_for_load_state("load")  # type: ignore[attr-defined]
    width = page.viewport_size["width"]  # type: ignore[attr-defined]
    screenshot(page, f"{name}-{width}")
    assert axe_violations(page) == [], name
    overflow = page.evaluate(  # type: ignore[attr-defined]
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width}px"


def axe_violations(page: object) -> list[dict[str, object]]:
    """The accessibility violations axe-core finds on the current page, of any impact."""
    import axe_playwright_python

    script = Path(axe_playwright_python.__file__).parent / "axe.min.js"
    page.add_script_tag(path=str(script))  # type: ignore[attr-defined]
    result = page.evaluate(  # type: ignore[attr-defined]
        "async () => await axe.run(document, {resultTypes: ['violations']})"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in result["violations"]
    ]


def screenshot(page: object, name: str) -> Path:
    """Keep a picture of what the learner saw, for a human to look at. The SQLite and the
    PostgreSQL run of a test may take theirs at once on two xdist workers: each picture is
    written aside and then renamed, so the file is always one whole picture."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    aside = path.with_name(f".{name}.{os.getpid()}.png")
    aside.write_bytes(page.screenshot(full_page=True))  # type: ignore[attr-defined]
    aside.replace(path)
    return path
