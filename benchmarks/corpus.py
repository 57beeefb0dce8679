"""Generated content for the benchmarks: copies of the sample activity with a ten-question
posttest, each under its own slug, so that a tree of any size passes the checker. Every text
names its activity, so no two activities share a question, an option or an article: a cache
of rendered texts gains nothing across activities that real ones would not."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "content" / "imatinib-bone-edema"
QUESTIONS = 10
OPTIONS = ("a", "b", "c", "d")

QUESTION = """### q{n}

`type: single`

Which statement about adverse event {n} of {slug} is supported by the case?

- [{a}] a. Edema and fluid retention are the most frequent adverse events ({slug}).
- [{b}] b. Bone pain is the most frequent adverse event ({slug}).
- [{c}] c. Dose reduction is proven to resolve marrow edema ({slug}).
- [{d}] d. Marrow edema never recurs on rechallenge ({slug}).

> **Rationale:** Edema and fluid retention are the most frequent adverse events of imatinib;
> bone pain is less frequent, and the marrow edema in this case ({slug}) recurred on
> rechallenge. See [Edema as the common thread](article.md#edema-as-the-common-thread).
"""


def posttest(slug: str, questions: int = QUESTIONS, variant: int = 0) -> str:
    """A posttest of single-answer questions; ``variant`` changes its introduction."""
    parts = [f"# Posttest\n\nAnswer every question (variant {variant}).\n"]
    for n in range(1, questions + 1):
        marks = {option: "x" if option == "a" else " " for option in OPTIONS}
        parts.append(QUESTION.format(n=n, slug=slug, **marks))
    return "\n".join(parts)


def activity(root: Path, slug: str, variant: int = 0) -> Path:
    """The sample activity copied to ``root/slug`` with a ten-question posttest."""
    folder = root / slug
    shutil.copytree(SAMPLE / "figures", folder / "figures")
    article = (SAMPLE / "article.md").read_text(encoding="utf-8")
    article = article.replace("id: imatinib-bone-edema", f"id: {slug}", 1)
    article = article.replace("attempts_allowed: 3", "attempts_allowed: unlimited", 1)
    article = article.replace("\n---\n", f"\n---\n\nThis copy of the case is {slug}.\n", 1)
    (folder / "article.md").write_text(article, encoding="utf-8")
    (folder / "posttest.md").write_text(posttest(slug, variant=variant), encoding="utf-8")
    return folder


def tree(root: Path, count: int) -> list[str]:
    """``count`` activities under ``root``; their slugs."""
    slugs = [f"activity-{n:04d}" for n in range(count)]
    for slug in slugs:
        activity(root, slug)
    return slugs
