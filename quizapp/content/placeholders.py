"""Find the texts ``quizapp content new`` writes for the author to replace.

A scaffolded activity is valid as it stands, so without this check an author could publish
"Firstname Lastname" as faculty or "A plausible distractor" as an answer. Each line still
holding one of these texts is a problem at its file and line until it is rewritten.
"""

from __future__ import annotations

import datetime as dt
import re

from quizapp.content.metadata import add_years
from quizapp.content.model import Problem

PLACEHOLDERS = (
    "One or two sentences for the catalog.",
    "Your Accredited Provider",
    "Firstname Lastname",
    "Department, Institution",
    "Describe the first thing a learner will be able to do.",
    "Author A, Author B. Title of the source article.",
    "Write the article here in Markdown.",
    "The rationale of each posttest question can link to a passage",
    "Replace this with a statement the learner marks true or false.",
    "Replace this with a question that has one best answer.",
    "Explain why, and point to the passage",
    "Explain why the answer is correct and the others are not.",
)
"""Texts of the scaffold (quizapp/authoring/scaffold.py) that no real activity would keep."""
PLACEHOLDER_OPTIONS = (
    "The correct answer",
    "A plausible distractor",
    "Another plausible distractor",
)
"""Scaffold answers, flagged only as a whole option: a rationale may well say "the correct
answer"."""
OPTION_RE = re.compile(r"^\s*- \[[ xX]\]\s+(?P<text>.*?)\s*$")


def find_placeholders(text: str, path: str, first_line: int = 1) -> list[Problem]:
    """One problem for each line of ``text`` that still holds a scaffold text."""
    problems: list[Problem] = []
    if not any(phrase in text for phrase in (*PLACEHOLDERS, *PLACEHOLDER_OPTIONS)):
        return problems  # no line can hold one: a text of any size is searched 15 times, in C
    for number, line in enumerate(text.splitlines(), start=first_line):
        option = OPTION_RE.match(line)
        if option and option["text"] in PLACEHOLDER_OPTIONS:
            found: str | None = option["text"]
        else:
            found = next((phrase for phrase in PLACEHOLDERS if phrase in line), None)
        if found is not None:
            problems.append(
                Problem(
                    path,
                    number,
                    f"'{found}' is a placeholder written by 'quizapp content new'; replace it "
                    "with this activity's own text",
                )
            )
    return problems


DRAFT_FRONT_MATTER = """\
---
id: {slug}
draft: true  # delete this line when the activity is ready to publish
title: {title}
summary: One or two sentences for the catalog.
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
{partial}attempts_allowed: 3
citation: Author A, Author B. Title of the source article. Journal. Year;Volume:Pages.
---
"""


def draft_front_matter(
    *,
    slug: str,
    title: str,
    release: dt.date,
    passing_score: str = "70",
    partial_credit: bool | None = None,
) -> str:
    """The front matter a new activity starts from, whether ``quizapp content new`` made it or
    an importer did: a draft, valid as it stands, whose texts are the placeholders above, so
    the checker names each one until the author has written the activity's own. ``title`` is
    written as given (YAML-quoted by a caller whose title may need it); the activity runs
    three years less a day from ``release``."""
    partial = "" if partial_credit is None else f"partial_credit: {str(partial_credit).lower()}\n"
    return DRAFT_FRONT_MATTER.format(
        slug=slug,
        title=title,
        release=release.isoformat(),
        expiration=(add_years(release, 3) - dt.timedelta(days=1)).isoformat(),
        passing=passing_score,
        partial=partial,
    )
