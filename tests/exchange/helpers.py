"""What the exchange tests share: the activities every format is tried on, and a question's
content as the round trips compare it."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from quizapp.content import Activity, load_activity
from quizapp.content.model import Question
from tests.conftest import REPO, SAMPLE_CONTENT

CORPUS_GOOD = REPO / "tests" / "content" / "corpus" / "good"
SAMPLE_FOLDERS = sorted(SAMPLE_CONTENT.iterdir())
CORPUS_FOLDERS = sorted(CORPUS_GOOD.iterdir())
ALL_FOLDERS = SAMPLE_FOLDERS + CORPUS_FOLDERS
FOLDER_IDS = [f"{folder.parent.name}/{folder.name}" for folder in ALL_FOLDERS]


def activity(folder: Path) -> Activity:
    loaded, problems = load_activity(folder)
    assert loaded is not None, problems
    return loaded


def content(question: Question) -> tuple[object, ...]:
    """Everything a question carries, with the Markdown's line wrapping left out (the wrap of
    a paragraph is the author's layout, not its content)."""

    def flat(text: str) -> str:
        return "\n\n".join(" ".join(block.split()) for block in text.strip().split("\n\n"))

    return (
        question.id,
        question.type,
        question.shuffle,
        flat(question.stem),
        tuple((o.id, flat(o.text), o.correct, o.pinned) for o in question.options),
        flat(question.rationale),
    )


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def zip_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()
