"""An activity folder on disk: which files it holds, how they are read, and its content hash.

The names here (article.md, posttest.md, figures/) are the author's contract, shared by the
checker, the sync and the author preview. The hash covers every file an activity is built
from, so that the sync makes a new version only when one of them changed.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from quizapp.content.model import Problem

ARTICLE = "article.md"
POSTTEST = "posttest.md"
FIGURES = "figures"
FIGURE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
}
MAX_FIGURE_BYTES = 5 * 1024 * 1024


def activity_folders(root: Path) -> list[Path]:
    return sorted(
        child
        for child in root.iterdir()
        if child.is_dir() and not child.name.startswith((".", "_"))
    )


def read_text(path: Path, problems: list[Problem]) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.append(Problem(str(path), 1, "file is missing"))
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        problems.append(Problem(str(path), line, "file is not valid UTF-8"))
    return None


def find_figures(folder: Path, problems: list[Problem]) -> dict[str, Path]:
    figures: dict[str, Path] = {}
    root = folder / FIGURES
    if not root.is_dir():
        return figures
    for file in sorted(root.rglob("*")):
        if not file.is_file() or file.name.startswith("."):
            continue
        name = file.relative_to(folder).as_posix()
        if file.suffix.lower() not in FIGURE_TYPES:
            problems.append(
                Problem(
                    str(file),
                    1,
                    f"figures must be one of {', '.join(sorted(FIGURE_TYPES))}",
                )
            )
        elif file.stat().st_size > MAX_FIGURE_BYTES:
            problems.append(Problem(str(file), 1, "figure is larger than 5 MB"))
        else:
            figures[name] = file
    return figures


def content_hash(article: str, posttest: str, figures: dict[str, Path]) -> str:
    digest = hashlib.sha256()
    for name, data in ((ARTICLE, article.encode()), (POSTTEST, posttest.encode())):
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    for name, path in sorted(figures.items()):
        digest.update(f"{name}\0{hashlib.sha256(path.read_bytes()).hexdigest()}\0".encode())
    return digest.hexdigest()
