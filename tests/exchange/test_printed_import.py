"""``quizapp content import-text``: a journal's printed posttest, as a PDF-to-text tool leaves
it, rebuilt question by question.

Every layout below is the same three-question page, written for these tests, scrambled the
way such text comes out: option lists away from their questions, the last options of a
question before the heading, several options on one line, page headers and numbers in
between, soft hyphens and tabs inside words, words broken at a line's end. Each must give back
exactly :data:`EXPECTED`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from quizapp.authoring.cli import content_cli
from quizapp.content import load_activity
from quizapp.content.posttest import parse_posttest
from quizapp.exchange.bank import ExchangeError
from quizapp.exchange.printed import parse_printed_posttest

SHY = "\u00ad"
Q1 = "Oral fluconazole taken for a week can raise the INR of a patient on a stable warfarin dose."
Q2 = (
    "A patient taking warfarin has an INR of 9.2 and no bleeding. Which of the following is "
    "the most appropriate first step?"
)
Q3 = "Which of the following raise a patient's risk of bleeding on warfarin? Select all that apply."
Q2_OPTIONS = [
    "Hold warfarin and give a low oral dose of vitamin K",
    "Give four-factor prothrombin complex concentrate",
    "Continue warfarin and recheck the INR in a month",
    "Both b and c",
]
Q3_OPTIONS = [
    "Age over 75 years",
    "A history of gastrointestinal bleeding",
    "Daily low-dose aspirin",
    "None of the above",
]
EXPECTED = [
    ("question-1", "true-false", False, Q1, [("True", False), ("False", False)]),
    (
        "question-2",
        "single",
        True,
        Q2,
        list(zip(Q2_OPTIONS, [False, True, True, True], strict=True)),
    ),
    (
        "question-3",
        "multiple",
        True,
        Q3,
        list(zip(Q3_OPTIONS, [False, False, False, True], strict=True)),
    ),
]
"""Id, type, shuffled, stem, and each option with whether it is pinned: "Both b and c" pins
itself and the two it names; "None of the above" pins itself."""

HEADER = "Journal of Imaginary Therapeutics · Volume 12 · Number 3"

ONE_PIECE_PER_LINE_WITH_NOISE = f"""\
the dose was then held for two days and restarted at a lower weekly total.
1. A numbered list in the article is not a question.
Posttest Questions
Choose the one best answer unless the question says otherwise.
1. Oral flucon\tazole taken for a week can raise the INR of a patient on a
stable warfarin dose.
a. True
b. False
2. A patient taking warfarin has an INR of 9.2 and no bleeding. Which of the
following is the most appropriate first step?
a. Hold warfarin and give a low oral dose of vitamin K
b. Give four-
factor pro{SHY}
thrombin complex concentrate
c. Continue warfarin and recheck the INR in a month
d. Both b and c
{HEADER}
14
3. Which of the following raise a patient's risk of bleeding on warfarin?
Select all that apply.
a. Age over 75 years
b. A history of gastro{SHY}intestinal bleeding
c. Daily low-dose aspirin
d. None of the above
{HEADER}
15
"""

STEMS_FIRST_THEN_OPTION_LISTS = f"""\
POSTTEST
1. Oral fluconazole taken for a week can raise the INR of a patient on a stable
warfarin dose. True or false?
2. A patient taking warfarin has an INR of 9.2 and no bleeding. Which of the fol{SHY}
lowing is the most appropriate first step?
3. Which of the following raise a patient's risk of bleeding on warfarin? Select all
that apply.
a. Hold warfarin and give a low oral dose of vitamin K
b. Give four-factor prothrombin complex concentrate
c. Continue warfarin and recheck the INR in a month
d. Both b and c
a. Age over 75 years
b. A history of gastrointestinal bleeding
c. Daily low-dose aspirin
d. None of the above
"""

LAST_OPTIONS_BEFORE_THE_HEADING = f"""\
{HEADER}
c. Continue warfarin and recheck the INR in a month
d. Both b and c
Posttest Questions
1. Oral fluconazole taken for a week can raise the INR of a patient on a stable warfarin dose.
a. True
b. False
2. A patient taking warfarin has an INR of 9.2 and no bleeding. Which of the following is the
most appropriate first step?
a. Hold warfarin and give a low oral dose of vitamin K
b. Give four-factor prothrombin com{SHY}plex concentrate
{HEADER}
3. Which of the following raise a patient's risk of bleeding on warfarin? Select all that apply.
a. Age over 75 years
b. A history of gastrointestinal bleeding
c. Daily low-dose aspirin
d. None of the above
"""

SEVERAL_OPTIONS_ON_A_LINE_WITH_TABS = (
    "Posttest Questions\n"
    "1.\tOral fluconazole taken for a week can raise the INR of a patient on a stable "
    "war\tfarin dose.\ta. True\tb. False\n"
    "2.\tA patient taking warfarin has an INR of 9.2 and no bleeding. Which of the following "
    "is the most appropriate first step?\n"
    "a.\tHold warfarin and give a low oral dose of vitamin K\tb.\tGive four-factor "
    "prothrombin complex concentrate\n"
    f"Page 2 of 3\n{HEADER}\n"
    "c.\tContinue warfarin and recheck the INR in a month\t\td. Both b and c\n"
    f"Page 3 of 3\n{HEADER}\n"
    "3.\tWhich of the following raise a patient's risk of bleeding on warfarin? Select all "
    "that apply.\n"
    "a. Age over 75 years    b. A history of gastrointestinal bleeding\n"
    "c. Daily low-dose aspirin    d. None of the above\n"
)

A_LIST_SPLIT_AROUND_ANOTHER = f"""\
CME Posttest
1. Oral fluconazole taken for a week can raise the INR of a patient on a stable warfarin dose.
(True/False)
2. A patient taking warfarin has an INR of 9.2 and no bleeding. Which of the following is the
most appropriate first step?
a. Hold warfarin and give a low oral dose of vitamin K
b. Give four-factor prothrombin complex concentrate
3. Which of the following raise a patient's risk of bleeding on warfarin? Select all that
apply.
a. Age over 75 years
b. A history of gastro{SHY}
intestinal bleeding
c. Daily low-dose aspirin
d. None of the above
(continued)
c. Continue warfarin and recheck the INR in a month
d. Both b and c
"""

WINDOWS_LINES_PARENTHESES_AND_OPTIONS_FIRST = (
    "POST-TEST QUESTIONS\r\n"
    "1) Oral fluconazole taken for a week can raise the INR of a patient on a stable warfarin\r\n"
    "dose.\r\n"
    "a) True\r\n"
    "b) False\r\n"
    "a) Hold warfarin and give a low oral dose of vitamin K\r\n"
    "b) Give four-factor prothrombin complex concentrate\r\n"
    "c) Continue warfarin and recheck the INR in a month\r\n"
    "d) Both b and c\r\n"
    "2) A patient taking warfarin has an INR of 9.2 and no bleeding. Which of the following is\r\n"
    "the most appropriate first step?\r\n"
    "Page 7\r\n"
    "a) Age over 75 years\r\n"
    "b) A history of gastrointestinal bleeding\r\n"
    "c) Daily low-\r\n"
    "dose aspirin\r\n"
    "d) None of the above\r\n"
    "3) Which of the following raise a patient's risk of bleeding on warfarin? Select all that\r\n"
    "apply.\r\n"
)

LAYOUTS = {
    "one-piece-per-line-with-noise": ONE_PIECE_PER_LINE_WITH_NOISE,
    "stems-first-then-option-lists": STEMS_FIRST_THEN_OPTION_LISTS,
    "last-options-before-the-heading": LAST_OPTIONS_BEFORE_THE_HEADING,
    "several-options-on-a-line-with-tabs": SEVERAL_OPTIONS_ON_A_LINE_WITH_TABS,
    "a-list-split-around-another": A_LIST_SPLIT_AROUND_ANOTHER,
    "windows-lines-parentheses-and-options-first": WINDOWS_LINES_PARENTHESES_AND_OPTIONS_FIRST,
}


def rebuilt(text: str) -> list[tuple[object, ...]]:
    return [
        (
            q.id,
            q.type,
            q.shuffle,
            q.stem,
            [(o.text, o.pinned) for o in q.options],
        )
        for q in parse_printed_posttest(text)
    ]


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_a_scrambled_page_is_rebuilt_in_order(layout: str) -> None:
    assert rebuilt(LAYOUTS[layout]) == EXPECTED


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_nothing_is_marked_correct_and_no_rationale_is_invented(layout: str) -> None:
    for question in parse_printed_posttest(LAYOUTS[layout]):
        assert not any(option.correct for option in question.options)
        assert question.rationale == ""


def test_import_text_writes_a_posttest_the_checker_finds_incomplete_only_for_keys_and_rationales(
    tmp_path: Path,
) -> None:
    page = tmp_path / "page.txt"
    page.write_text(SEVERAL_OPTIONS_ON_A_LINE_WITH_TABS, encoding="utf-8")
    into = tmp_path / "warfarin-safety"
    result = CliRunner().invoke(content_cli, ["import-text", str(page), "--into", str(into)])
    assert result.exit_code == 0, result.output
    assert f"Rebuilt 3 questions in order into {into / 'posttest.md'}." in result.output
    assert "To finish: mark the correct option of each question with [x], write each rationale" in (
        result.output
    )
    found, problems = load_activity(into)
    assert found is None or found.meta.draft
    placeholders = [p for p in problems if "is a placeholder written by" in p.message]
    assert placeholders and all(p.path.endswith("article.md") for p in placeholders)
    problems = [p for p in problems if p not in placeholders]
    assert sorted(p.message for p in problems) == sorted(
        [f"question 'question-{n}' has no correct option; mark one with '[x]'" for n in (1, 2, 3)]
        + [
            f"question 'question-{n}' has no rationale; add a '> **Rationale:** …' quote"
            for n in (1, 2, 3)
        ]
    )
    for problem in problems:
        assert f"warfarin-safety/posttest.md:{problem.line}: {problem.message}" in result.output
    text = (into / "posttest.md").read_text()
    assert "- [ ] Both b and c `pin`" in text
    assert "<!-- Imported from the text of a printed posttest" in text
    # Once the author marks the keys and writes the rationales, the checker is satisfied.
    finished = text.replace("- [ ] False", "- [x] False", 1)
    finished = finished.replace("- [ ] Hold warfarin", "- [x] Hold warfarin")
    finished = finished.replace("- [ ] Age over 75", "- [x] Age over 75")
    finished = finished.replace("> **Rationale:**", "> **Rationale:** Explained here.")
    questions, remaining = parse_posttest(finished, "posttest.md")
    assert remaining == [] and len(questions) == 3


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("The article ends here.\nNo questions follow.", "no numbered questions"),
        ("Posttest\n1. First?\na. Yes\nb. No\n3. Third?\na. Yes\nb. No", "question 2 is missing"),
        ("Posttest\n1. First?\na. Yes\nb. No\n2. Second?", "found 2 questions that need options"),
        (
            "Posttest\n1. First?\na. Yes\nb. No\n1. Again?\na. Yes\nb. No",
            "question 1 is printed twice",
        ),
        ("Posttest\n1. First?\nc. Yes\nd. No", "continue no list that stops at 'b.'"),
    ],
)
def test_text_that_cannot_be_rebuilt_gets_a_clear_message(text: str, message: str) -> None:
    with pytest.raises(ExchangeError, match=message):
        parse_printed_posttest(text)


def test_import_text_refuses_bad_input_with_exit_1_and_writes_nothing(tmp_path: Path) -> None:
    not_utf8 = tmp_path / "page.txt"
    not_utf8.write_bytes("1. Caf\u00e9?".encode("latin-1"))
    into = tmp_path / "new-activity"
    result = CliRunner().invoke(content_cli, ["import-text", str(not_utf8), "--into", str(into)])
    assert result.exit_code == 1
    assert "is not UTF-8 text" in result.output
    empty = tmp_path / "empty.txt"
    empty.write_text("Nothing numbered here.", encoding="utf-8")
    result = CliRunner().invoke(content_cli, ["import-text", str(empty), "--into", str(into)])
    assert result.exit_code == 1
    assert "Error: no numbered questions" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.txt", "page.txt"]


def test_long_runs_of_blanks_are_read_in_one_pass() -> None:
    """PDF text can hold lines of thousands of blanks; splitting options at blanks must not try
    every blank of a run (20,000 blanks took over a minute before the pattern looked at the
    start of a run only)."""
    padded = ONE_PIECE_PER_LINE_WITH_NOISE.replace(
        "b. False", "b. False" + " \t" * 40_000 + "\n" + " " * 60_000
    )
    assert rebuilt(padded) == EXPECTED
