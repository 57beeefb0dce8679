"""Shared steps for tests that walk a learner through an activity over HTTP."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path

from flask.testing import FlaskClient

from quizapp.authoring.services import sync_content
from quizapp.db import Database
from quizapp.models import Attempt
from tests.conftest import NOW, SAMPLE_CONTENT, AuthActions, csrf_token

IMATINIB = "imatinib-bone-edema"
RIGHT = {
    "bone-events-cml-gist": "a",
    "most-common-adverse-events": "e",
    "dose-reduction-bone-edema": "b",
}
WRONG = {
    "bone-events-cml-gist": "b",
    "most-common-adverse-events": "a",
    "dose-reduction-bone-edema": "a",
}


def answers(right: int) -> dict[str, str]:
    """The first ``right`` questions answered correctly, the rest wrongly."""
    keys = list(RIGHT)
    return {key: (RIGHT if i < right else WRONG)[key] for i, key in enumerate(keys)}


def start(client: FlaskClient, slug: str = IMATINIB):  # type: ignore[no-untyped-def]
    page = client.get(f"/activities/{slug}/posttest").get_data(as_text=True)
    return client.post(f"/activities/{slug}/posttest", data={"csrf_token": csrf_token(page)})


def start_id(client: FlaskClient, slug: str = IMATINIB) -> int:
    response = start(client, slug)
    assert response.status_code == 302, response.get_data(as_text=True)
    match = re.search(r"/attempts/(\d+)$", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def submit(client: FlaskClient, attempt_id: int, chosen: dict[str, str | list[str]]):  # type: ignore[no-untyped-def]
    """Post the options ``chosen`` by their letters in ``posttest.md``."""
    page = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    version = re.search(r'name="version_id" value="(\d+)"', page)
    data: dict[str, object] = {"csrf_token": csrf_token(page)}
    if version:
        data["version_id"] = version.group(1)
    database: Database = client.application.extensions["quizapp.db"]
    for question, values in posted(database, attempt_id, chosen).items():
        data[f"q-{question}"] = sorted(values)
    return client.post(f"/attempts/{attempt_id}", data=data)


def posted(
    database: Database, attempt_id: int, chosen: Mapping[str, str | Iterable[str]]
) -> dict[str, frozenset[str]]:
    """What the attempt's form posts for the options ``chosen`` by their letters in
    ``posttest.md``: the attempt's opaque values, which the page does not tie to the letters;
    the test reads the attempt's own mapping from the database, as the server does."""
    values = form_values(database, attempt_id)
    return {
        question: frozenset(
            values.get(question, {}).get(letter, letter)
            for letter in ([letters] if isinstance(letters, str) else letters)
        )
        for question, letters in chosen.items()
    }


def form_values(database: Database, attempt_id: int) -> dict[str, dict[str, str]]:
    """Per question, the attempt's form value of each option by its letter in ``posttest.md``
    (empty for an attempt that posts the letters themselves)."""
    with database.read_session() as session:
        attempt = session.get(Attempt, attempt_id)
        if attempt is None or attempt.option_values is None:
            return {}
        return {
            question: dict(zip(attempt.option_order[question], values, strict=True))
            for question, values in attempt.option_values.items()
        }


def take(client: FlaskClient, right: int, slug: str = IMATINIB) -> int:
    attempt_id = start_id(client, slug)
    response = submit(client, attempt_id, answers(right))
    assert response.status_code == 302, response.get_data(as_text=True)
    return attempt_id


def evaluate(auth: AuthActions, slug: str = IMATINIB):  # type: ignore[no-untyped-def]
    return auth.post_form(
        f"/activities/{slug}/evaluation",
        {
            "objectives-met": "Agree",
            "relevance": "Strongly agree",
            "intent-to-change": "Yes",
            "planned-change": "Order MRI before assuming metastasis.",
            "commercial-bias": "No",
        },
    )


def claim(  # type: ignore[no-untyped-def]
    auth: AuthActions,
    amounts: dict[str, str],
    *,
    attest: bool = True,
    slug: str = IMATINIB,
    form_page: str | None = None,
):
    """Post the claim form; ``form_page`` gives the CSRF token when the claim page has no form."""
    data: dict[str, object] = {f"amount-{kind}": value for kind, value in amounts.items()}
    if attest:
        data["attest"] = "yes"
    return auth.post_form(f"/activities/{slug}/claim", data, form_page=form_page)


def variant(
    tmp_path: Path, db: Database, slug: str, edits: dict[str, str], *, source: str = IMATINIB
) -> str:
    """Sync a copy of a sample activity (imatinib unless ``source``) under ``slug`` with
    front-matter lines replaced."""
    root = tmp_path / "variants"
    folder = root / slug
    shutil.copytree(SAMPLE_CONTENT / source, folder)
    article = folder / "article.md"
    text = article.read_text(encoding="utf-8").replace(f"id: {source}", f"id: {slug}", 1)
    for old, new in edits.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    article.write_text(text, encoding="utf-8")
    sync_content(db, root, now=NOW)
    return slug


def grow_catalog(tmp_path: Path, db: Database, copies: dict[str, int]) -> None:
    """Sync ``copies[source]`` more activities copied from each sample activity, as
    ``<source>-copy-<n>``, beside the two the database already has."""
    root = tmp_path / "more"
    for source, count in copies.items():
        for number in range(1, count + 1):
            slug = f"{source}-copy-{number}"
            shutil.copytree(SAMPLE_CONTENT / source, root / slug)
            article = root / slug / "article.md"
            text = article.read_text(encoding="utf-8")
            article.write_text(text.replace(f"id: {source}", f"id: {slug}", 1), encoding="utf-8")
    sync_content(db, root, now=NOW)


METHOTREXATE = "weekly-methotrexate-safety"
METHOTREXATE_RIGHT: dict[str, str | list[str]] = {
    "order-entry-safeguards": ["a", "b", "c"],
    "toxicity-warning-signs": ["a", "b", "c"],
    "toxicity-risk-factors": "d",
    "folic-acid-overdose": "b",
    "safer-prescription": ["a", "b"],
}


def pass_methotrexate(client: FlaskClient) -> int:
    """Start the methotrexate posttest and answer every question correctly."""
    attempt_id = start_id(client, METHOTREXATE)
    response = submit(client, attempt_id, METHOTREXATE_RIGHT)
    assert response.status_code == 302, response.get_data(as_text=True)
    return attempt_id


def profile_form(**overrides: str) -> dict[str, str]:
    """Everything the profile page posts; an unchecked consent box is simply absent."""
    data = {
        "full_name": "Ann Lee",
        "degree": "MD",
        "npi": "",
        "license_state": "",
        "license_number": "",
        "certifying_board": "",
        "board_id": "",
        "birth_month": "",
        "birth_day": "",
        "nabp_eprofile_id": "",
    }
    data.update(overrides)
    return data
