"""Write imported questions as a new activity folder that the checker can read at once.

The folder gets a ``posttest.md`` with the questions, their figures, and an ``article.md``
whose front matter the checker can read: a draft (``draft: true``, so a sync never publishes
it by accident) holding the scaffold's placeholders, which the checker names line by line
until the author replaces them. ``quizapp content check`` then reports only what the import
could not supply. The folder is
written under a hidden name and renamed into place, so a failed import leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import shutil
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from quizapp.content.model import Question
from quizapp.content.placeholders import draft_front_matter
from quizapp.content.posttest import ID_RE
from quizapp.exchange.bank import ExchangeError
from quizapp.exchange.posttest_writer import posttest_markdown

ARTICLE_BODY = """\
# Article

The posttest of this activity was imported from {origin}. Write or paste the article here.
"""


def write_activity_folder(
    into: Path,
    *,
    title: str,
    questions: Sequence[Question],
    figures: dict[str, bytes],
    origin: str,
    today: dt.date,
    passing_score: Decimal | None = None,
    partial_credit: bool = False,
    note: str = "",
) -> Path:
    slug = into.name
    if not ID_RE.match(slug):
        raise ExchangeError(
            f"'{slug}' cannot name an activity folder: use lower-case letters, digits and hyphens"
        )
    if into.exists() or into.is_symlink():
        raise ExchangeError(f"{into} already exists; import into a new folder")
    if not into.parent.is_dir():
        raise ExchangeError(f"{into.parent} is not a folder")
    staging = into.parent / f".{slug}.importing-{secrets.token_hex(4)}"
    try:
        (staging / "figures").mkdir(parents=True)
        article = draft_front_matter(
            slug=slug,
            title=json.dumps(" ".join(title.split()) or slug, ensure_ascii=False),
            release=today,
            passing_score=f"{(passing_score if passing_score is not None else Decimal(70)):f}",
            partial_credit=partial_credit,
        ) + ARTICLE_BODY.format(origin=origin)
        (staging / "article.md").write_text(article, encoding="utf-8")
        (staging / "posttest.md").write_text(
            posttest_markdown(questions, note=note), encoding="utf-8"
        )
        for name, content in figures.items():
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        staging.rename(into)
    except OSError as error:
        raise ExchangeError(f"cannot write {into}: {error.strerror or error}") from None
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return into
