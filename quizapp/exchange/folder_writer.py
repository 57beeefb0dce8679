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

from quizapp.content.metadata import add_years
from quizapp.content.model import Question
from quizapp.content.posttest import ID_RE
from quizapp.exchange.bank import ExchangeError
from quizapp.exchange.posttest_writer import posttest_markdown

ARTICLE_STUB = """\
---
id: {slug}
title: {title}
draft: true
summary: Imported from {origin}; replace this with one or two sentences for the catalog.
provider: Your Accredited Provider
learning_format: journal-based
faculty:
  - name: Firstname Lastname
    credentials: MD
    role: Author
    affiliation: Department, Institution
    disclosures: none
accreditation_statement: >-
  Your Accredited Provider is accredited by the Accreditation Council for Continuing Medical
  Education (ACCME) to provide continuing medical education for physicians.
credits:
  - type: ama-pra-1
    amount: 1.0
release_date: {release}
expiration_date: {expiration}
estimated_minutes: 60
objectives:
  - Describe the first thing a learner will be able to do.
passing_score: {passing}
partial_credit: {partial}
attempts_allowed: 3
citation: Author A, Author B. Title of the source article. Journal. Year;Volume:Pages.
---
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
        article = ARTICLE_STUB.format(
            slug=slug,
            title=json.dumps(" ".join(title.split()) or slug, ensure_ascii=False),
            origin=origin,
            release=today.isoformat(),
            expiration=(add_years(today, 3) - dt.timedelta(days=1)).isoformat(),
            passing=f"{(passing_score if passing_score is not None else Decimal(70)):f}",
            partial="true" if partial_credit else "false",
        )
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
