"""Checker rules exercised by editing one line of a good activity copied to a temporary folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from quizapp.content import load_tree
from quizapp.content.posttest import letter_references

GOOD = Path(__file__).parent / "corpus" / "good" / "heart-failure-update"


@pytest.fixture
def activity(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(GOOD, tmp_path / "heart-failure-update")
    monkeypatch.chdir(tmp_path)
    return Path("heart-failure-update")


def replace(path: Path, old: str, new: str) -> int:
    """Replace the first ``old`` and return the line it was on."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return line


def problems(folder: Path) -> list[str]:
    return [str(problem) for problem in load_tree(folder).problems]


@pytest.mark.parametrize("key", ["title", "release_date", "passing_score", "learning_format"])
def test_a_required_key_left_empty_is_reported_at_its_line_not_crashing(
    activity: Path, key: str
) -> None:
    article = activity / "article.md"
    lines = article.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines) if line.startswith(f"{key}:"))
    lines[number] = f"{key}:"
    article.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert f"{article}:{number + 1}: '{key}' must not be empty" in problems(activity)


def test_a_link_to_an_anchor_that_no_heading_has_is_reported(activity: Path) -> None:
    posttest = activity / "posttest.md"
    text = posttest.read_text(encoding="utf-8")
    marker = "> **Rationale:**"
    line = replace(posttest, marker, f"{marker} See [this](article.md#no-such-heading).")
    assert text.count(marker) >= 1
    assert problems(activity) == [
        f"{posttest}:{line}: anchor '#no-such-heading' matches no heading in article.md"
    ]


def test_examples_inside_code_spans_are_not_checked_as_links(activity: Path) -> None:
    article = activity / "article.md"
    text = article.read_text(encoding="utf-8")
    article.write_text(
        text + "\nShow an image with `![Alt](figures/missing.png)`.\n", encoding="utf-8"
    )
    assert problems(activity) == []


def test_a_link_whose_text_wraps_onto_the_next_line_is_still_checked(activity: Path) -> None:
    article = activity / "article.md"
    text = article.read_text(encoding="utf-8")
    article.write_text(text + "\nSee [the\nsecret](../../etc/passwd).\n", encoding="utf-8")
    found = problems(activity)
    assert len(found) == 1 and "link '../../etc/passwd' is neither a web address" in found[0]


def test_a_uan_on_a_credit_other_than_acpe_is_refused(activity: Path) -> None:
    article = activity / "article.md"
    line = replace(article, "  - type: ancc\n", "  - type: ancc\n    uan: 0798-9999-24-001-H01-P\n")
    assert f"{article}:{line + 1}: only ACPE pharmacy credit has a 'uan'" in problems(activity)


def test_a_joint_accreditation_uan_is_accepted(activity: Path) -> None:
    replace(activity / "article.md", "0798-9999-24-001-H01-P", "JA4008229-0000-24-001-H01-P")
    assert problems(activity) == []


@pytest.mark.parametrize(
    ("text", "letters"),
    [
        ("Both a and b", {"a", "b"}),
        ("Either A or C", {"a", "c"}),
        ("a, b and c", {"a", "b", "c"}),
        ("Answers a and d", {"a", "d"}),
        ("Neither a nor b", {"a", "b"}),
        ("Vitamins B and C", set()),
        ("Hepatitis A or B", set()),
        ("Only a small number of patients", set()),
        ("E. coli bacteremia", set()),
    ],
)
def test_only_real_references_to_option_letters_count(text: str, letters: set[str]) -> None:
    assert letter_references(text) == letters


def test_a_wait_between_attempts_longer_than_a_year_is_refused(activity: Path) -> None:
    article = activity / "article.md"
    line = replace(article, "passing_score:", "attempt_wait_hours: 1e400\npassing_score:")
    assert (
        f"{article}:{line}: attempt_wait_hours must be between 0 and 8760 (one year)"
        in problems(activity)
    )


def test_contact_hours_are_plural_below_one_but_ama_credit_is_singular() -> None:
    from decimal import Decimal

    from quizapp.content.credits import CREDIT_TYPES

    ancc = CREDIT_TYPES["ancc"].designation("P", Decimal("0.75"), "enduring material")
    ama = CREDIT_TYPES["ama-pra-1"].designation("P", Decimal("0.75"), "enduring material")
    assert ancc == "This activity is designated for a maximum of 0.75 ANCC nursing contact hours."
    assert "0.75 *AMA PRA Category 1 Credit*™." in ama


def test_an_unquoted_accme_activity_id_is_refused_because_yaml_may_change_it(
    activity: Path,
) -> None:
    article = activity / "article.md"
    line = replace(article, "passing_score:", "accme_activity_id: 0123\npassing_score:")
    assert (
        f"{article}:{line}: accme_activity_id must be the ACCME activity number in quotes, "
        'such as "202609117"'
    ) in problems(activity)


def test_a_repeated_id_is_reported_together_with_the_other_problems_of_the_run(
    activity: Path,
) -> None:
    article = activity / "article.md"
    line = replace(article, "passing_score: 70", "id: another-activity\npassing_score: 150")
    assert problems(activity) == [
        f"{article}:{line}: front-matter key 'id' is given twice (first on line 2)",
        f"{article}:{line + 1}: passing_score must be between 0 and 100",
    ]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "    amount: 1.5\n",
            "    amount: 1.5\n    amount: 1.5\n",
            "27: front-matter key 'amount' is given twice (first on line 26)",
        ),
        (
            "        relationship: Consultant\n",
            "        relationship: Consultant\n        relationship: Speaker\n",
            "16: front-matter key 'relationship' is given twice (first on line 15)",
        ),
        (
            "attempts_allowed: 2\n",
            "attempts_allowed: 2\nreview: {answers: never, answers: after-passing}\n",
            "44: front-matter key 'answers' is given twice (first on line 44)",
        ),
    ],
    ids=["credit-entry", "disclosure", "flow-mapping"],
)
def test_a_key_repeated_at_any_depth_is_reported_at_its_second_occurrence(
    activity: Path, old: str, new: str, expected: str
) -> None:
    article = activity / "article.md"
    replace(article, old, new)
    assert problems(activity) == [f"{article}:{expected}"]


def test_a_key_overridden_after_a_yaml_merge_is_not_a_repeat(activity: Path) -> None:
    article = activity / "article.md"
    replace(
        article,
        "  - type: abim-moc\n    amount: 1.5\n",
        "  - <<: {type: ancc, amount: 1.5}\n    type: abim-moc\n",
    )
    assert problems(activity) == []


SHUFFLED_RATIONALE = "> **Rationale:** SGLT2 inhibitors cause glycosuria"


@pytest.mark.parametrize(
    ("wording", "quoted"),
    [
        ("The correct answer is C", "answer is C"),
        ("(a) and (b) are right", "(a)"),
        ("choice D is wrong", "choice D"),
        ("B is incorrect; SGLT2 inhibitors cause glycosuria", "B is incorrect"),
    ],
)
def test_a_rationale_naming_a_letter_is_reported_when_the_options_are_shuffled(
    activity: Path, wording: str, quoted: str
) -> None:
    posttest = activity / "posttest.md"
    line = replace(posttest, SHUFFLED_RATIONALE, f"> **Rationale:** {wording}. SGLT2 inhibitors")
    assert problems(activity) == [
        f"{posttest}:{line}: the rationale of question 'sglt2-effects' names an option by letter "
        f'("{quoted}") but the options are shuffled, so the learner may have seen another '
        "letter there; name the option by its text, or add '`shuffle: no`' to the question"
    ]


@pytest.mark.parametrize(
    ("settings", "pins"),
    [("`type: multiple` · `shuffle: no`", False), ("`type: multiple`", True)],
    ids=["shuffle-no", "every-option-pinned"],
)
def test_a_rationale_may_name_letters_when_no_option_moves(
    activity: Path, settings: str, pins: bool
) -> None:
    posttest = activity / "posttest.md"
    replace(posttest, "> **Rationale:** SGLT2", "> **Rationale:** Answers a and b: SGLT2")
    replace(posttest, "`type: multiple`", settings)
    if pins:
        for option in ("A small initial fall in eGFR", "Glycosuria", "Hyperkalemia"):
            replace(posttest, f"] {option}\n", f"] {option} `pin`\n")
    assert problems(activity) == []


def test_words_that_only_look_like_letters_are_not_references(activity: Path) -> None:
    replace(
        activity / "posttest.md",
        SHUFFLED_RATIONALE,
        "> **Rationale:** Vitamin A is correct here, as is the answer a patient gives, and "
        "hepatitis B or C is irrelevant; SGLT2 inhibitors cause glycosuria",
    )
    assert problems(activity) == []


FEEDBACK = (
    "feedback under an option is not supported (learners would see it with the option before "
    "they answer); put the explanation in the question's rationale"
)


@pytest.mark.parametrize(
    "feedback",
    [
        "\n  Hyperkalemia is a risk of MRAs, not of SGLT2 inhibitors.\n",
        "  > Hyperkalemia is a risk of MRAs.\n  > Not of SGLT2 inhibitors.\n",
        "  - Feedback: a risk of MRAs.\n",
    ],
    ids=["paragraph-after-a-blank-line", "quote", "list"],
)
def test_text_under_the_last_option_is_reported_as_feedback_not_shown_with_it(
    activity: Path, feedback: str
) -> None:
    posttest = activity / "posttest.md"
    line = replace(posttest, "- [ ] Hyperkalemia\n", f"- [ ] Hyperkalemia\n{feedback}")
    first = line + 1 + (feedback.startswith("\n"))
    assert problems(activity) == [f"{posttest}:{first}: {FEEDBACK}"]


def test_an_option_wrapped_onto_an_indented_line_is_still_one_option(activity: Path) -> None:
    posttest = activity / "posttest.md"
    replace(posttest, "- [ ] Hyperkalemia\n", "- [ ] Hyperkalemia, which\n  is not expected\n")
    assert problems(activity) == []
    activity_loaded = load_tree(activity).activities[0]
    options = next(q for q in activity_loaded.questions if q.id == "sglt2-effects").options
    assert options[2].text == "Hyperkalemia, which is not expected"
