"""The typed version snapshot: what a version row stores comes back exactly as it was built."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from quizapp.content import load_activity
from quizapp.content.publish import build_snapshot, figure_digests
from quizapp.content.snapshot import SNAPSHOT_FORMAT, VersionSnapshot

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "tests" / "content" / "corpus"
FOLDERS = sorted(
    [*(REPO / "content").iterdir(), *(CORPUS / "good").iterdir(), *(CORPUS / "broken").iterdir()]
)


def loaded(folder: Path):  # type: ignore[no-untyped-def]
    activity, _problems = load_activity(folder)
    return activity


SNAPSHOTS = {
    f"{folder.parent.name}/{folder.name}": folder
    for folder in FOLDERS
    if folder.is_dir() and loaded(folder) is not None
}


def snapshot_of(folder: Path) -> VersionSnapshot:
    activity = loaded(folder)
    assert activity is not None
    return build_snapshot(activity, figure_digests(activity), lambda target: target)


def test_both_sample_activities_and_every_loadable_corpus_folder_are_covered() -> None:
    assert {"content/imatinib-bone-edema", "content/weekly-methotrexate-safety"} <= set(SNAPSHOTS)
    assert sum(name.startswith("good/") for name in SNAPSHOTS) >= 2


@pytest.mark.parametrize("name", sorted(SNAPSHOTS))
def test_a_snapshot_survives_its_json_unchanged(name: str) -> None:
    snapshot = snapshot_of(SNAPSHOTS[name])

    stored = json.loads(json.dumps(snapshot.to_json()))

    assert VersionSnapshot.from_json(stored) == snapshot
    assert stored["metadata"]["format"] == SNAPSHOT_FORMAT


def test_every_authored_text_keeps_its_markdown_beside_the_html() -> None:
    snapshot = snapshot_of(REPO / "content" / "weekly-methotrexate-safety")

    for question in snapshot.questions:
        assert question.stem.source and question.stem.html.startswith("<")
        assert question.rationale.source and "<" not in question.rationale.source
        for option in question.options:
            assert option.text.source and option.text.html
    assert snapshot.meta.accreditation_statement.source
    (ama,) = [c for c in snapshot.meta.credits if c.type == "ama-pra-1"]
    assert "*AMA PRA Category 1 Credit" in ama.statement.source
    assert "<em>AMA PRA Category 1 Credit" in ama.statement.html
