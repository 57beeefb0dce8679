"""``quizapp content new``: a starting activity with every key in place, as a draft.

The new folder says ``draft: true``, so no sync publishes it until the author deletes that
line; and its placeholder texts (quizapp/content/placeholders.py) are problems the checker
lists, each at its file and line, so none of them can be published by mistake either.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from quizapp.content.placeholders import draft_front_matter

ARTICLE_BODY = """\
# Introduction

Write the article here in Markdown. Put images in `figures/` and show them with
`![Alt text](figures/name.png "Figure 1. Caption")`.

# Discussion

The rationale of each posttest question can link to a passage, such as this section.
"""

POSTTEST_TEMPLATE = """\
# Posttest

### first-question
`type: true-false`

Replace this with a statement the learner marks true or false.

- [x] True
- [ ] False

> **Rationale:** Explain why, and point to the passage: [Discussion](article.md#discussion).

### second-question
`type: single`

Replace this with a question that has one best answer.

- [x] The correct answer
- [ ] A plausible distractor
- [ ] Another plausible distractor

> **Rationale:** Explain why the answer is correct and the others are not.
"""


class ScaffoldError(Exception):
    pass


def scaffold_activity(root: Path, slug: str, today: dt.date) -> Path:
    folder = root / slug
    if folder.exists():
        raise ScaffoldError(f"{folder} already exists; choose another slug")
    title = slug.replace("-", " ").capitalize()
    (folder / "figures").mkdir(parents=True)
    (folder / "article.md").write_text(
        draft_front_matter(slug=slug, title=title, release=today) + ARTICLE_BODY,
        encoding="utf-8",
    )
    (folder / "posttest.md").write_text(POSTTEST_TEMPLATE, encoding="utf-8")
    (folder / "figures" / ".gitkeep").write_text("", encoding="utf-8")
    return folder
