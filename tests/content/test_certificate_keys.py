"""The optional front-matter keys that put an activity's own signatory and contact on its
certificates: checked like every key, carried into the version, defaulted for old versions."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from quizapp.content import load_tree
from quizapp.content.publish import version_meta
from quizapp.content.snapshot import VersionMeta

GOOD = Path(__file__).parent / "corpus" / "good" / "heart-failure-update"


@pytest.fixture
def activity(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(GOOD, tmp_path / "heart-failure-update")
    monkeypatch.chdir(tmp_path)
    return Path("heart-failure-update")


def with_front_matter(folder: Path, lines: str) -> int:
    """Add ``lines`` after the id; return the number of the first added line."""
    article = folder / "article.md"
    text = article.read_text(encoding="utf-8")
    at = text.index("\n", text.index("\nid:") + 1) + 1
    article.write_text(text[:at] + lines + text[at:], encoding="utf-8")
    return text[:at].count("\n") + 1


def problems(folder: Path) -> list[str]:
    return [str(problem) for problem in load_tree(folder).problems]


def test_an_activity_names_its_own_signatory_and_contact(activity: Path) -> None:
    with_front_matter(
        activity,
        "certificate_signatory:\n  name: Grace  Okafor, PharmD\n  title: Chief Learning Officer\n"
        "provider_contact: Lakemont Center, 12 Harbor Road · ce@lakemont.example.org\n",
    )
    [loaded] = load_tree(activity).activities
    meta = loaded.meta
    assert meta.certificate_signatory_name == "Grace Okafor, PharmD"
    assert meta.certificate_signatory_title == "Chief Learning Officer"
    assert meta.provider_contact == "Lakemont Center, 12 Harbor Road · ce@lakemont.example.org"
    published = version_meta(meta)
    assert VersionMeta.from_json(published.to_json()) == published


def test_without_the_keys_the_site_s_settings_apply(activity: Path) -> None:
    [loaded] = load_tree(activity).activities
    published = version_meta(loaded.meta)
    assert (published.certificate_signatory_name, published.provider_contact) == ("", "")
    stored = published.to_json()
    for key in ("certificate_signatory_name", "certificate_signatory_title", "provider_contact"):
        del stored[key]  # a version published before the keys existed
    assert VersionMeta.from_json(stored) == published


@pytest.mark.parametrize(
    ("lines", "offset", "message"),
    [
        (
            "certificate_signatory: Grace Okafor\n",
            0,
            "certificate_signatory must give the signatory's 'name' and, if wanted, 'title'",
        ),
        ("certificate_signatory:\n  title: Director\n", 0, "missing required key 'name'"),
        (
            "certificate_signatory:\n  name: Grace Okafor\n  titel: Director\n",
            2,
            "unknown certificate_signatory key 'titel'; did you mean 'title'?",
        ),
        (
            "certificate_signatory:\n  name: Grace Okafor\n  title: [a, b]\n",
            2,
            "'title' must be text",
        ),
        ("provider_contact:\n  - ce@lakemont.example.org\n", 0, "'provider_contact' must be text"),
    ],
)
def test_a_malformed_signatory_or_contact_is_reported_at_its_line(
    activity: Path, lines: str, offset: int, message: str
) -> None:
    line = with_front_matter(activity, lines) + offset
    assert f"{activity / 'article.md'}:{line}: {message}" in problems(activity)
