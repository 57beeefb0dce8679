"""The content checker, specified by a corpus of activity folders.

``corpus/good/`` holds valid activities. Each ``corpus/broken/<case>/`` is a copy of
``good/heart-failure-update`` with exactly one defect (the comment at the top of each test names
it), so each case lists every ``path:line: message`` the author would see.

Every test runs with the corpus as the working directory and loads a relative path, so the
printed paths are ``broken/<case>/article.md`` and the like. Tests that edit files copy an
activity to ``tmp_path`` first; the corpus itself is never written to.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from quizapp.content import load_activity, load_tree
from quizapp.content.folder import folder_content_hash
from quizapp.content.formats import LEARNING_FORMATS
from quizapp.content.frontmatter import FrontMatterError, split
from quizapp.content.metadata import read_meta
from quizapp.content.model import FacultyMember, Relationship
from quizapp.content.placeholders import find_placeholders
from quizapp.content.posttest import parse_posttest
from quizapp.content.render import render_markdown

CORPUS = Path(__file__).parent / "corpus"
HF = "good/heart-failure-update"


@pytest.fixture(autouse=True)
def in_corpus(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CORPUS)


def problems_in(case: str) -> list[str]:
    """Every problem reported for ``broken/<case>``, which must not load as an activity."""
    result = load_tree(Path("broken", case))
    assert result.activities == []
    return [str(problem) for problem in result.problems]


def good_activity(slug: str):
    activity, problems = load_activity(Path("good", slug))
    assert problems == []
    assert activity is not None
    return activity


def question(slug: str, question_id: str):
    return next(q for q in good_activity(slug).questions if q.id == question_id)


# ---------------------------------------------------------------------------------------------
# The good corpus
# ---------------------------------------------------------------------------------------------


def test_good_corpus_loads_every_activity_with_no_problems() -> None:
    result = load_tree(Path("good"))

    assert result.problems == []
    assert [activity.slug for activity in result.activities] == [
        "heart-failure-update",
        "statin-basics",
    ]


def test_a_single_activity_folder_or_a_file_inside_it_loads_just_that_activity() -> None:
    for path in (Path(HF), Path(HF, "posttest.md")):
        result = load_tree(path)
        assert result.problems == []
        assert [activity.slug for activity in result.activities] == ["heart-failure-update"]


def test_every_front_matter_key_is_read_into_the_activity_meta() -> None:
    meta = good_activity("heart-failure-update").meta

    assert meta.id == "heart-failure-update"
    assert meta.title == "Heart Failure With Reduced Ejection Fraction: An Update"
    assert meta.summary == "The four foundational drug classes for HFrEF and how to start them."
    assert meta.provider == "Riverside Medical Education"
    assert meta.learning_format == "journal-based"
    assert LEARNING_FORMATS[meta.learning_format].name == "Journal-based CME"
    assert meta.participation == (
        "Read the article, pass the posttest with 70% or more, then claim credit."
    )
    assert meta.faculty == (
        FacultyMember(
            name="Maria Lopez",
            credentials="MD, PhD",
            role="Author",
            affiliation="Riverside University Hospital",
            relationships=(Relationship(company="Acme Pharma", relationship="Consultant"),),
        ),
        FacultyMember(
            name="Sam Okafor",
            credentials="PharmD",
            role="Reviewer",
            affiliation="Riverside College of Pharmacy",
            relationships=(),
        ),
    )
    assert meta.disclosure_mitigation == (
        "All relevant financial relationships were mitigated by independent peer review."
    )
    assert meta.commercial_support == "This activity received no commercial support."
    assert meta.accreditation_statement.startswith("Riverside Medical Education is accredited")
    assert meta.release_date == dt.date(2024, 1, 15)
    assert meta.review_date == dt.date(2025, 6, 1)
    assert meta.expiration_date == dt.date(2028, 6, 1)
    assert meta.estimated_minutes == 90
    assert meta.objectives == (
        "Name the four foundational drug classes for HFrEF.",
        "Plan the order in which to start them.",
    )
    assert meta.passing_score == Decimal(70)
    assert meta.attempts_allowed == 2
    assert meta.citation == "Lopez M, Okafor S. *J Riverside Med.* 2024;12(1):1-8."


def test_credits_keep_their_amount_uan_and_own_statement_or_get_the_standard_one() -> None:
    credits = {offer.type: offer for offer in good_activity("heart-failure-update").meta.credits}

    assert list(credits) == ["ama-pra-1", "ancc", "acpe", "abim-moc"]
    assert {offer.amount for offer in credits.values()} == {Decimal("1.5")}
    assert credits["acpe"].uan == "0798-9999-24-001-H01-P"
    assert credits["ama-pra-1"].uan is None
    assert credits["ancc"].statement == "This activity is designated for 1.5 ANCC contact hours."
    assert credits["ama-pra-1"].statement.startswith(
        "Riverside Medical Education designates this journal-based CME activity for a maximum "
        "of 1.5 *AMA PRA Category 1 Credits*™."
    )


def test_omitted_optional_keys_take_their_defaults() -> None:
    meta = good_activity("statin-basics").meta

    assert meta.summary == ""
    assert meta.participation == (
        "Read the article, then answer the posttest online; a score of at least 80% is "
        "required. Complete the evaluation, then claim credit and download your certificate."
    )
    assert meta.faculty[0].role == "Faculty"
    assert meta.faculty[0].affiliation == ""
    assert meta.faculty[0].relationships == ()
    assert meta.disclosure_mitigation == ""
    assert meta.commercial_support == "This activity received no commercial support."
    assert meta.review_date is None
    assert meta.attempts_allowed == 3
    assert meta.citation == ""
    assert meta.learning_format == "enduring"
    assert LEARNING_FORMATS[meta.learning_format].name == "Enduring material"


def test_a_review_date_extends_the_three_year_window_to_three_years_after_the_review() -> None:
    # release 2024-01-15 alone would allow expiry by 2027-01-15; the review on 2025-06-01
    # allows up to and including 2028-06-01, which is exactly what the activity uses.
    meta = good_activity("heart-failure-update").meta

    assert meta.expiration_date > dt.date(2027, 1, 15)
    assert meta.expiration_date == dt.date(2028, 6, 1)


def test_question_types_and_correct_option_ids_are_read_from_the_posttest() -> None:
    questions = good_activity("heart-failure-update").questions

    assert [(q.id, q.type, sorted(q.correct_ids)) for q in questions] == [
        ("hfref-hospitalization", "single", ["d"]),
        ("lbbb-ecg", "true-false", ["a"]),
        ("diuretic-resistance", "single", ["c"]),
        ("sglt2-effects", "multiple", ["a", "b"]),
    ]
    assert [q.line for q in questions] == [3, 16, 28, 43]


def test_options_shuffle_unless_the_question_says_shuffle_no_and_true_false_never_does() -> None:
    shuffle = {q.id: q.shuffle for q in good_activity("heart-failure-update").questions}

    assert shuffle == {
        "hfref-hospitalization": True,
        "lbbb-ecg": False,
        "diuretic-resistance": False,
        "sglt2-effects": True,
    }


def test_a_pin_mark_pins_the_option_and_is_removed_from_its_text() -> None:
    options = question("heart-failure-update", "hfref-hospitalization").options

    assert [(o.id, o.text, o.pinned) for o in options] == [
        ("a", "Sacubitril-valsartan", False),
        ("b", "Dapagliflozin", False),
        ("c", "Spironolactone", False),
        ("d", "All of the above", True),
    ]
    assert [o.line for o in options] == [8, 9, 10, 11]


def test_options_are_identified_a_b_c_and_written_labels_are_removed_from_their_text() -> None:
    options = question("heart-failure-update", "diuretic-resistance").options

    assert [(o.id, o.text, o.correct) for o in options] == [
        ("a", "Increase the loop-diuretic dose", False),
        ("b", "Add metolazone", False),
        ("c", "Both a and b", True),
        ("d", "Neither a nor b", False),
    ]


def test_the_rationale_is_the_quoted_text_without_its_rationale_prefix() -> None:
    assert question("heart-failure-update", "hfref-hospitalization").rationale == (
        "Each of the four foundational drug classes reduces hospitalization for heart\n"
        "failure in HFrEF."
    )
    assert question("heart-failure-update", "diuretic-resistance").rationale == (
        "Both escalating the loop diuretic and sequential nephron blockade are\n"
        "reasonable.\n\nCheck electrolytes within a few days."
    )
    # The prefix is optional.
    assert question("statin-basics", "high-intensity").rationale == (
        "Atorvastatin 40-80 mg and rosuvastatin 20-40 mg are high-intensity."
    )


def test_the_stem_is_the_text_between_the_settings_line_and_the_options() -> None:
    assert question("heart-failure-update", "lbbb-ecg").stem == (
        "![ECG](figures/ecg-lbbb.png)\n\nThe ECG in Figure 1 shows left bundle branch block."
    )


def test_figures_are_the_image_files_in_the_figures_folder_keyed_by_relative_name() -> None:
    assert good_activity("heart-failure-update").figures == {
        "figures/ecg-lbbb.png": Path(HF, "figures", "ecg-lbbb.png")
    }
    assert good_activity("statin-basics").figures == {}


def test_the_article_markdown_is_the_body_after_the_front_matter() -> None:
    article = good_activity("heart-failure-update").article_markdown

    assert article.startswith("\n# Heart failure with reduced ejection fraction\n")
    assert "| ARNI | Sacubitril-valsartan | 24/26 mg twice daily |" in article
    # A footnote definition is not a link, so the article's reference loads without a problem.
    assert "[^guideline]: Heidenreich PA" in article


def test_front_matter_keeps_the_line_of_every_key_for_problem_messages() -> None:
    front = split(Path(HF, "article.md").read_text(encoding="utf-8"))

    assert front.line_of("id") == 2
    assert front.line_of("faculty") == 8
    assert front.line_of("faculty", 0, "disclosures", 0, "company") == 14
    assert front.line_of("faculty", 1, "disclosures") == 20
    assert front.line_of("credits", 2) == 30
    assert front.line_of("credits", 2, "uan") == 32
    assert front.line_of("objectives", 1) == 41
    # A missing part falls back to its nearest known parent, then to the opening '---'.
    assert front.line_of("credits", 0, "uan") == 25
    assert front.line_of("no_such_key") == 1
    assert front.body_line == 46


def test_keys_overridden_after_a_yaml_merge_are_not_repeats_even_when_merges_nest() -> None:
    # 'm' merges in a mapping and overrides its 'a'; 'z' merges a mapping that itself merges
    # one, and overrides 'a' again. Neither override is a key given twice. (Merging a mapping
    # named elsewhere needs an anchor and an alias, which front matter refuses.)
    front = split("---\nw: {m: {<<: {a: 1}, a: 2}}\nz: {<<: {<<: {a: 1}, a: 2}, a: 3}\n---\n")

    assert front.repeated_keys == []
    assert front.data == {"w": {"m": {"a": 2}}, "z": {"a": 3}}


def test_content_hash_is_stable_and_independent_of_where_the_folder_is(tmp_path: Path) -> None:
    copy = tmp_path / "heart-failure-update"
    shutil.copytree(HF, copy)

    first, _ = load_activity(copy)
    second, _ = load_activity(copy)

    assert first is not None and second is not None
    assert first.content_hash == second.content_hash
    assert first.content_hash == good_activity("heart-failure-update").content_hash
    assert re.fullmatch(r"[0-9a-f]{64}", first.content_hash)


@pytest.mark.parametrize(
    ("file", "old", "new"),
    [
        ("article.md", "Start all four early", "Start all four promptly"),
        ("posttest.md", "- [ ] Hyperkalemia", "- [ ] Hypokalemia"),
    ],
)
def test_content_hash_changes_when_one_word_changes(
    tmp_path: Path, file: str, old: str, new: str
) -> None:
    copy = tmp_path / "heart-failure-update"
    shutil.copytree(HF, copy)
    before, _ = load_activity(copy)
    path = copy / file
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")

    after, problems = load_activity(copy)

    assert problems == []
    assert before is not None and after is not None
    assert after.content_hash != before.content_hash


def test_content_hash_changes_when_a_figure_changes(tmp_path: Path) -> None:
    copy = tmp_path / "heart-failure-update"
    shutil.copytree(HF, copy)
    before, _ = load_activity(copy)
    figure = copy / "figures" / "ecg-lbbb.png"
    figure.write_bytes(figure.read_bytes() + b"\0")

    after, _ = load_activity(copy)

    assert before is not None and after is not None
    assert after.content_hash != before.content_hash


# ---------------------------------------------------------------------------------------------
# Broken: the posttest
# ---------------------------------------------------------------------------------------------


def test_a_question_heading_with_no_id_is_reported_at_the_heading() -> None:
    # '### lbbb-ecg' became a bare '###'.
    assert problems_in("question-id-empty") == [
        "broken/question-id-empty/posttest.md:16: "
        "the '###' heading has no question id, such as '### q1'",
    ]


def test_a_question_id_that_is_not_a_slug_is_reported_at_the_heading() -> None:
    # '### lbbb-ecg' became '### ECG question'.
    assert problems_in("question-id-invalid") == [
        "broken/question-id-invalid/posttest.md:16: "
        "question id 'ECG question' must be lower-case letters, digits and hyphens",
    ]


def test_a_duplicate_question_id_is_reported_at_the_second_heading_naming_the_first() -> None:
    # The fourth question reuses the first question's id.
    assert problems_in("duplicate-question-id") == [
        "broken/duplicate-question-id/posttest.md:43: "
        "duplicate question id 'hfref-hospitalization' (first used on line 3)",
    ]


def test_a_question_with_no_correct_option_is_reported_at_its_heading() -> None:
    # '- [x] All of the above' became '- [ ] All of the above'.
    assert problems_in("no-correct-option") == [
        "broken/no-correct-option/posttest.md:3: "
        "question 'hfref-hospitalization' has no correct option; mark one with '[x]'",
    ]


def test_a_true_false_item_with_two_correct_options_is_reported_at_its_heading() -> None:
    # Both True and False are marked [x].
    assert problems_in("true-false-two-correct") == [
        "broken/true-false-two-correct/posttest.md:16: "
        "question 'lbbb-ecg' is true-false but marks 2 options correct; it needs exactly one",
    ]


def test_a_single_answer_item_with_two_correct_options_is_reported_at_its_heading() -> None:
    # 'b. Add metolazone' is marked [x] as well as 'c. Both a and b'.
    assert problems_in("single-two-correct") == [
        "broken/single-two-correct/posttest.md:28: question 'diuretic-resistance' is single "
        "but marks 2 options correct; it needs exactly one",
    ]


def test_an_unknown_question_type_is_reported_at_its_settings_line() -> None:
    # '`type: multiple`' became '`type: multi`'.
    assert problems_in("unknown-question-type") == [
        "broken/unknown-question-type/posttest.md:44: "
        "unknown question type 'multi' (expected one of: true-false, single, multiple)",
    ]


def test_an_unknown_question_setting_is_reported_at_its_settings_line() -> None:
    # '`points: 2`' was added to the settings line.
    assert problems_in("unknown-question-setting") == [
        "broken/unknown-question-setting/posttest.md:44: "
        "unknown question setting 'points' (expected: type, shuffle)",
    ]


def test_options_naming_other_options_by_letter_in_a_shuffled_question_are_reported() -> None:
    # '`shuffle: no`' was removed from the question with 'Both a and b' and 'Neither a nor b'.
    hint = (
        "could be shuffled; add '`shuffle: no`' to the question or end those options with '`pin`'"
    )
    assert problems_in("letter-reference-shuffled") == [
        'broken/letter-reference-shuffled/posttest.md:35: option c ("Both a and b") refers to '
        f"other options by letter or position but options c, a, b {hint}",
        'broken/letter-reference-shuffled/posttest.md:36: option d ("Neither a nor b") refers '
        f"to other options by letter or position but options d, a, b {hint}",
    ]


def test_all_of_the_above_that_is_not_pinned_in_a_shuffled_question_is_reported() -> None:
    # '`pin`' was removed from 'All of the above'.
    assert problems_in("all-of-the-above-not-pinned") == [
        'broken/all-of-the-above-not-pinned/posttest.md:11: option d ("All of the above") '
        "refers to other options by letter or position but option d could be shuffled; add "
        "'`shuffle: no`' to the question or end those options with '`pin`'",
    ]


def test_an_option_naming_a_letter_that_no_option_has_is_reported_at_the_option() -> None:
    # The pinned 'All of the above' became 'Both a and e' in a four-option question.
    assert problems_in("option-names-missing-letter") == [
        "broken/option-names-missing-letter/posttest.md:11: "
        "option d names option e, which does not exist",
    ]


def test_a_rationale_naming_options_by_letter_in_a_shuffled_question_is_reported() -> None:
    # The rationale of the shuffled multiple-answer question now says "Answers A and B" and
    # "Option c": after a shuffle the learner saw other options under those letters.
    hint = (
        "but the options are shuffled, so the learner may have seen another letter there; name "
        "the option by its text, or add '`shuffle: no`' to the question"
    )
    assert problems_in("rationale-names-letters") == [
        "broken/rationale-names-letters/posttest.md:52: the rationale of question "
        f"'sglt2-effects' names an option by letter (\"Answers A and B\") {hint}",
        "broken/rationale-names-letters/posttest.md:53: the rationale of question "
        f"'sglt2-effects' names an option by letter (\"Option c\") {hint}",
    ]


def test_feedback_quoted_under_an_option_is_reported_at_its_line() -> None:
    # An indented '> Not alone: …' quote was added under 'Spironolactone'; Markdown would show
    # it inside the option, on the form, before the learner answers.
    assert problems_in("option-feedback") == [
        "broken/option-feedback/posttest.md:11: feedback under an option is not supported "
        "(learners would see it with the option before they answer); put the explanation in the "
        "question's rationale",
    ]


def test_a_question_without_a_rationale_is_reported_at_its_heading() -> None:
    # The '> **Rationale:**' quote of the true-false question was deleted.
    assert problems_in("missing-rationale") == [
        "broken/missing-rationale/posttest.md:16: "
        "question 'lbbb-ecg' has no rationale; add a '> **Rationale:** …' quote",
    ]


def test_option_labels_out_of_order_are_reported_at_the_mislabelled_option() -> None:
    # 'b. Add metolazone' became 'c. Add metolazone'.
    assert problems_in("options-out-of-order") == [
        "broken/options-out-of-order/posttest.md:34: option labelled 'c.' is option b; "
        "once the first option is labelled 'a.', labels must run a, b, c … in order",
    ]


def test_a_true_false_item_must_offer_exactly_true_then_false() -> None:
    # 'True' and 'False' became 'Yes' and 'No'.
    assert problems_in("true-false-other-options") == [
        "broken/true-false-other-options/posttest.md:16: "
        "true-false question 'lbbb-ecg' must have exactly: True, False",
    ]


def test_a_question_with_one_option_is_reported_at_its_heading() -> None:
    # Two of the three options of the multiple-answer question were deleted.
    assert problems_in("single-option") == [
        "broken/single-option/posttest.md:43: question 'sglt2-effects' needs at least two options",
    ]


def test_a_missing_posttest_file_is_reported_at_its_path() -> None:
    assert problems_in("missing-posttest") == [
        "broken/missing-posttest/posttest.md:1: file is missing",
    ]


# ---------------------------------------------------------------------------------------------
# Broken: links and figures in the article
# ---------------------------------------------------------------------------------------------


def test_a_link_to_a_figure_that_does_not_exist_is_reported_at_its_line() -> None:
    # 'figures/ecg-lbbb.png' became 'figures/ecg-lbb.png'.
    assert problems_in("figure-missing") == [
        "broken/figure-missing/article.md:53: "
        "figure 'figures/ecg-lbb.png' does not exist in the activity's figures/ folder",
    ]


def test_an_image_outside_the_figures_folder_is_reported_even_if_the_file_exists() -> None:
    # The image points at images/ecg-lbbb.png, which exists but is not under figures/.
    assert problems_in("image-outside-figures") == [
        "broken/image-outside-figures/article.md:53: "
        "image 'images/ecg-lbbb.png' must be a file in the activity's figures/ folder",
    ]


def test_a_figure_link_that_climbs_out_with_dot_dot_is_refused() -> None:
    # 'figures/ecg-lbbb.png' became 'figures/../../secret.png'.
    assert problems_in("figure-path-traversal") == [
        "broken/figure-path-traversal/article.md:53: "
        "figure 'figures/../../secret.png' does not exist in the activity's figures/ folder",
    ]


def test_a_relative_link_to_another_file_such_as_the_posttest_is_reported() -> None:
    # '[discussion](#discussion)' became '[posttest](posttest.md)'.
    assert problems_in("link-to-posttest") == [
        "broken/link-to-posttest/article.md:51: link 'posttest.md' is neither a web address, "
        "a figure, nor an anchor in article.md (such as article.md#discussion)",
    ]


# ---------------------------------------------------------------------------------------------
# Broken: files and folders
# ---------------------------------------------------------------------------------------------


def test_a_file_that_is_not_utf8_is_reported_at_the_line_of_the_first_bad_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Built here rather than kept in the corpus, so that no tool reading the repository trips
    # over a non-UTF-8 file. 'café' is written in Latin-1 on line 66 of the article.
    case = tmp_path / "broken" / "not-utf8"
    shutil.copytree(HF, case)
    article = case / "article.md"
    text = article.read_text(encoding="utf-8").replace(
        "potassium allow.", "potassium allow (see the café chart)."
    )
    article.write_bytes(text.encode("latin-1"))
    monkeypatch.chdir(tmp_path)

    assert problems_in("not-utf8") == [
        "broken/not-utf8/article.md:66: file is not valid UTF-8",
    ]


def test_a_folder_name_that_is_not_a_url_slug_is_reported() -> None:
    assert problems_in("Invalid-Folder-Name") == [
        "broken/Invalid-Folder-Name:1: folder name 'Invalid-Folder-Name' is the URL slug: "
        "use lower-case letters, digits and hyphens",
    ]


def test_a_duplicate_activity_id_is_reported_at_the_second_folders_id_line() -> None:
    # Two copies of the same activity under one root; the second starts with a comment line,
    # so its 'id' is on line 3.
    result = load_tree(Path("broken", "duplicate-activity-id"))

    assert [activity.slug for activity in result.activities] == ["first-copy"]
    assert [str(problem) for problem in result.problems] == [
        "broken/duplicate-activity-id/second-copy/article.md:3: activity id "
        "'heart-failure-update' is already used by "
        "broken/duplicate-activity-id/first-copy/article.md",
    ]


def test_a_path_that_does_not_exist_is_reported() -> None:
    result = load_tree(Path("no-such-folder"))

    assert [str(problem) for problem in result.problems] == [
        "no-such-folder:1: no such file or directory"
    ]


def test_a_folder_with_no_activities_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "empty").mkdir()
    monkeypatch.chdir(tmp_path)

    result = load_tree(Path("empty"))

    assert [str(problem) for problem in result.problems] == [
        "empty:1: no activities found (an activity is a folder with article.md)"
    ]


# ---------------------------------------------------------------------------------------------
# Broken: the front matter
# ---------------------------------------------------------------------------------------------


def test_an_unknown_front_matter_key_is_reported_with_a_did_you_mean_hint() -> None:
    # 'summary:' became 'sumary:'.
    assert problems_in("unknown-front-matter-key") == [
        "broken/unknown-front-matter-key/article.md:4: "
        "unknown front-matter key 'sumary'; did you mean 'summary'?",
    ]


def test_an_unknown_faculty_key_is_reported_with_a_did_you_mean_hint() -> None:
    # 'affiliation:' became 'affilation:'.
    assert problems_in("unknown-faculty-key") == [
        "broken/unknown-faculty-key/article.md:12: "
        "unknown faculty key 'affilation'; did you mean 'affiliation'?",
    ]


def test_an_unquoted_colon_in_a_title_is_reported_with_the_quoted_value_to_paste() -> None:
    # The quotes around a title containing ': ' were removed.
    assert problems_in("invalid-yaml") == [
        "broken/invalid-yaml/article.md:3: front matter is not valid YAML: the value of 'title' "
        "holds a colon followed by a space, which YAML reads as the start of another key; put "
        'the value in quotes: title: "Heart Failure With Reduced Ejection Fraction: An Update"',
    ]


def test_a_key_indented_under_a_line_that_has_its_value_names_the_indentation_to_use() -> None:
    # The second faculty member's 'credentials:' is indented two spaces more than 'name:'.
    assert problems_in("indentation-too-deep") == [
        "broken/indentation-too-deep/article.md:17: front matter is not valid YAML: this line is "
        "indented more than line 16 ('name'), which already has its value; indent it by 4 "
        "spaces, like 'name', if it is a key of the same mapping",
    ]


def test_a_key_indented_between_two_levels_names_the_line_it_should_line_up_with() -> None:
    # The second faculty member's 'credentials:' is indented one space less than 'name:'.
    assert problems_in("indentation-between-levels") == [
        "broken/indentation-between-levels/article.md:17: front matter is not valid YAML: this "
        "key is indented by 3 spaces, which lines it up with nothing above it; indent it by 4 "
        "spaces, like line 16",
    ]


def test_text_after_a_closing_quote_is_reported_with_the_whole_value_quoted() -> None:
    # The title quotes only its first words: title: "Heart Failure" With Reduced ...
    assert problems_in("quoted-value-with-trailing-text") == [
        "broken/quoted-value-with-trailing-text/article.md:3: front matter is not valid YAML: "
        "the value of 'title' goes on after its closing quote; put the whole value in quotes, "
        "using the other kind of quote around it: "
        "title: '\"Heart Failure\" With Reduced Ejection Fraction'",
    ]


def test_a_misspelt_required_key_is_reported_once_as_unknown_and_not_also_as_missing() -> None:
    # 'passing_score:' became 'pasing_score:'.
    assert problems_in("misspelt-required-key") == [
        "broken/misspelt-required-key/article.md:42: "
        "unknown front-matter key 'pasing_score'; did you mean 'passing_score'?",
    ]


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        (
            "id: x\n\ttitle: T\n",
            "3: front matter is not valid YAML: this line is indented with a tab; YAML needs "
            "spaces, so replace the tab",
        ),
        (
            'id: x\ntitle: "Heart failure\nprovider: P\n',
            "3: front matter is not valid YAML: the quote that starts this value is never "
            "closed; end the value with the same kind of quote it starts with",
        ),
        (
            "id: x\n  title: T\n",
            "3: front matter is not valid YAML: this line is indented more than line 2 ('id'), "
            "which already has its value; start it at the left margin, like 'id', if it is a "
            "key of the same mapping",
        ),
        (
            "faculty:\n  - name: A\n    disclosures: none\n - name: B\n",
            "5: front matter is not valid YAML: this list entry is indented by 1 space, which "
            "lines it up with nothing above it; indent it by 2 spaces, like line 3",
        ),
        (
            'id: x\ntitle: "T"\n  provider: P\n',
            "4: front matter is not valid YAML: this key is indented by 2 spaces, more than the "
            "keys above it, and the line above already has its value; start it at the left "
            "margin, like line 3",
        ),
    ],
    ids=[
        "tab",
        "unclosed-quote",
        "indented-top-level-key",
        "list-entry-between-levels",
        "key-indented-under-a-quoted-value",
    ],
)
def test_yaml_syntax_errors_name_the_line_and_the_fix(yaml_text: str, expected: str) -> None:
    with pytest.raises(FrontMatterError) as raised:
        split(f"---\n{yaml_text}---\nBody.\n")
    assert f"{raised.value.line}: {raised.value.message}" == expected


def test_a_key_given_twice_in_front_matter_is_reported_at_the_second_naming_the_first() -> None:
    # 'passing_score: 80' was added after 'attempts_allowed: 2'; YAML alone would keep the 80.
    assert problems_in("duplicate-front-matter-key") == [
        "broken/duplicate-front-matter-key/article.md:44: "
        "front-matter key 'passing_score' is given twice (first on line 42)",
    ]


def test_a_key_given_twice_inside_a_faculty_entry_is_reported_like_a_top_level_one() -> None:
    # 'name: Samuel Okafor' was added to the second faculty member, who already has a name.
    assert problems_in("duplicate-faculty-key") == [
        "broken/duplicate-faculty-key/article.md:19: "
        "front-matter key 'name' is given twice (first on line 16)",
    ]


def test_an_article_without_front_matter_is_reported_at_line_1() -> None:
    assert problems_in("missing-front-matter") == [
        "broken/missing-front-matter/article.md:1: "
        "the file must start with YAML front matter between '---' lines",
    ]


def test_a_missing_required_key_is_reported_at_the_opening_dashes() -> None:
    # 'passing_score: 70' was deleted.
    assert problems_in("missing-required-key") == [
        "broken/missing-required-key/article.md:1: "
        "missing required front-matter key 'passing_score'",
    ]


def test_an_expiration_date_before_the_release_date_is_reported() -> None:
    assert problems_in("expiry-before-release") == [
        "broken/expiry-before-release/article.md:37: "
        "expiration_date 2023-12-31 is not after release_date 2024-01-15",
    ]


def test_an_expiration_more_than_three_years_after_release_with_no_review_is_reported() -> None:
    # The review_date line was deleted, so the 2028 expiry is measured from the 2024 release.
    assert problems_in("expiry-too-far-without-review") == [
        "broken/expiry-too-far-without-review/article.md:36: expiration_date 2028-06-01 is "
        "more than 3 years after the release (2024-01-15); review the activity or expire it "
        "by 2027-01-15",
    ]


def test_an_expiration_more_than_three_years_after_the_review_date_is_reported() -> None:
    # One day past the limit that the good activity uses exactly.
    assert problems_in("expiry-too-far-after-review") == [
        "broken/expiry-too-far-after-review/article.md:37: expiration_date 2028-06-02 is more "
        "than 3 years after the last review (2025-06-01); review the activity or expire it by "
        "2028-06-01",
    ]


def test_a_review_date_before_release_is_reported_and_does_not_extend_the_window() -> None:
    assert problems_in("review-before-release") == [
        "broken/review-before-release/article.md:36: "
        "review_date 2023-12-01 is before release_date 2024-01-15",
        "broken/review-before-release/article.md:37: expiration_date 2028-06-01 is more than "
        "3 years after the release (2024-01-15); review the activity or expire it by 2027-01-15",
    ]


def test_an_impossible_date_is_reported_at_its_key_instead_of_crashing() -> None:
    # 'release_date: 2024-01-15' became 'release_date: 2024-02-30'.
    assert problems_in("impossible-date") == [
        "broken/impossible-date/article.md:35: "
        "release_date '2024-02-30' is not a real date: February 2024 has 29 days, not 30",
    ]


def test_a_month_past_12_is_named_without_asking_for_the_format_already_used() -> None:
    # release_date: 2024-13-15
    assert problems_in("impossible-month") == [
        "broken/impossible-month/article.md:35: release_date '2024-13-15' is not a real date: "
        "there is no month 13 (the middle number is the month, 01 to 12)",
    ]


def test_front_matter_without_credits_is_reported_as_missing_them_not_a_crash() -> None:
    front = split("---\nid: x\n---\n")
    problems: list = []
    assert read_meta(front, "article.md", problems) is None
    assert "article.md:1: missing required front-matter key 'credits'" in [
        str(problem) for problem in problems
    ]


def test_a_date_in_another_format_is_told_the_format_to_write() -> None:
    front = split("---\nrelease_date: 15/01/2024\n---\n")
    problems: list = []
    read_meta(front, "article.md", problems)
    assert "article.md:2: release_date '15/01/2024' is not a real date (write YYYY-MM-DD)" in [
        str(problem) for problem in problems
    ]


@pytest.mark.parametrize(
    "case", ["passing-score-above-100", "passing-score-negative"], ids=["150", "-1"]
)
def test_a_passing_score_outside_0_to_100_is_reported(case: str) -> None:
    assert problems_in(case) == [
        f"broken/{case}/article.md:42: passing_score must be between 0 and 100",
    ]


@pytest.mark.parametrize(
    ("case", "amount"),
    [
        ("credit-amount-not-quarter", "0.3"),
        ("credit-amount-zero", "0"),
        ("credit-amount-negative", "-1.5"),
    ],
)
def test_a_credit_amount_must_be_a_positive_multiple_of_a_quarter(case: str, amount: str) -> None:
    assert problems_in(case) == [
        f"broken/{case}/article.md:26: credit amount {amount} must be a positive multiple of 0.25",
    ]


def test_an_unknown_credit_type_is_reported_with_a_did_you_mean_hint() -> None:
    assert problems_in("unknown-credit-type") == [
        "broken/unknown-credit-type/article.md:25: "
        "unknown credit type 'ama-pra1'; did you mean 'ama-pra-1'?",
    ]


def test_acpe_credit_without_a_uan_is_reported_at_the_credit_entry() -> None:
    assert problems_in("acpe-without-uan") == [
        "broken/acpe-without-uan/article.md:30: "
        "ACPE credit needs the activity's 'uan' (e.g. 0798-9999-26-001-H01-P)",
    ]


def test_estimated_minutes_must_match_the_largest_hour_based_credit() -> None:
    assert problems_in("estimated-minutes-mismatch") == [
        "broken/estimated-minutes-mismatch/article.md:38: estimated_minutes is 60 but the "
        "activity designates 1.5 credit hours (90 minutes); they must match",
    ]


def test_a_disclosed_relationship_without_disclosure_mitigation_is_reported() -> None:
    assert problems_in("disclosure-without-mitigation") == [
        "broken/disclosure-without-mitigation/article.md:8: a faculty member reports a "
        "financial relationship, so 'disclosure_mitigation' must say how it was mitigated",
    ]


def test_attempts_allowed_of_zero_is_reported() -> None:
    assert problems_in("attempts-allowed-zero") == [
        "broken/attempts-allowed-zero/article.md:43: "
        "attempts_allowed must be a whole number of at least 1, or 'unlimited'",
    ]


# ---------------------------------------------------------------------------------------------
# All problems in one run
# ---------------------------------------------------------------------------------------------


def test_every_problem_in_both_files_is_reported_in_one_run_sorted_by_path_and_line() -> None:
    # Four defects in the article and four in the posttest.
    result = load_tree(Path("broken", "many-problems"))

    assert result.activities == []
    assert result.problems == sorted(result.problems)
    assert [str(problem) for problem in result.problems] == [
        "broken/many-problems/article.md:4: "
        "unknown front-matter key 'sumary'; did you mean 'summary'?",
        "broken/many-problems/article.md:30: "
        "ACPE credit needs the activity's 'uan' (e.g. 0798-9999-26-001-H01-P)",
        "broken/many-problems/article.md:41: passing_score must be between 0 and 100",
        "broken/many-problems/article.md:52: "
        "figure 'figures/ecg-lbb.png' does not exist in the activity's figures/ folder",
        "broken/many-problems/posttest.md:3: "
        "question 'hfref-hospitalization' has no correct option; mark one with '[x]'",
        "broken/many-problems/posttest.md:16: "
        "question 'lbbb-ecg' has no rationale; add a '> **Rationale:** …' quote",
        "broken/many-problems/posttest.md:27: "
        "unknown question type 'singel' (expected one of: true-false, single, multiple)",
        "broken/many-problems/posttest.md:41: "
        "duplicate question id 'hfref-hospitalization' (first used on line 3)",
    ]


def test_every_broken_case_in_the_corpus_is_asserted_by_a_test() -> None:
    source = Path(__file__).read_text(encoding="utf-8")
    unasserted = [
        case.name
        for case in sorted(Path("broken").iterdir())
        if f'"{case.name}"' not in source and f'"broken/{case.name}/' not in source
    ]

    assert unasserted == []


# ---------------------------------------------------------------------------------------------
# parse_posttest on its own
# ---------------------------------------------------------------------------------------------


def _question_block(question_id: str, options: list[str], settings: str = "`type: single`") -> str:
    lines = [f"### {question_id}", settings, "", "Which one?", ""]
    lines += options
    lines += ["", "> **Rationale:** Because.", ""]
    return "\n".join(lines)


def test_letters_in_options_are_left_alone_when_the_question_is_not_shuffled() -> None:
    # With 'shuffle: no' an option may mention letters that are not option letters.
    text = _question_block(
        "vitamins",
        ["- [x] Vitamins A and D", "- [ ] Vitamins B and C", "- [ ] Vitamin C alone"],
        "`type: single` · `shuffle: no`",
    )

    questions, problems = parse_posttest(text, "posttest.md")

    assert problems == []
    assert questions[0].options[0].text == "Vitamins A and D"


def test_a_question_with_more_options_than_letters_is_reported_instead_of_crashing() -> None:
    options = ["- [x] Option 0"] + [f"- [ ] Option {n}" for n in range(1, 27)]

    questions, problems = parse_posttest(_question_block("big", options), "posttest.md")

    assert questions == []
    assert [str(problem) for problem in problems] == [
        "posttest.md:1: question 'big' has more than 26 options"
    ]


def test_a_posttest_with_no_question_headings_is_reported_at_line_1() -> None:
    questions, problems = parse_posttest("# Posttest\n\nNothing here yet.\n", "posttest.md")

    assert questions == []
    assert [str(problem) for problem in problems] == [
        "posttest.md:1: the posttest has no questions; start each one with a '### question-id' "
        "heading"
    ]


# ---------------------------------------------------------------------------------------------
# render_markdown
# ---------------------------------------------------------------------------------------------


def test_render_strips_script_elements_and_their_content() -> None:
    assert render_markdown("Hi <script>alert(1)</script> there") == "<p>Hi  there</p>"


def test_render_strips_event_handler_attributes() -> None:
    assert render_markdown('<img src="x.png" onerror="alert(1)">') == '<p><img src="x.png"></p>'


@pytest.mark.parametrize(
    "text", ["[click](javascript:alert(1))", '<a href="JavaScript:alert(1)">click</a>']
)
def test_render_drops_javascript_link_targets(text: str) -> None:
    assert render_markdown(text) == '<p><a rel="noopener noreferrer">click</a></p>'


def test_render_keeps_only_text_align_from_style_attributes() -> None:
    html = '<table><tr><td style="text-align: right; color: red">x</td></tr></table>'

    assert render_markdown(html) == (
        '<table><tbody><tr><td style="text-align:right">x</td></tr></tbody></table>'
    )
    assert render_markdown('<p style="color: red">x</p>') == "<p>x</p>"


def test_render_keeps_tables_with_their_column_alignment() -> None:
    html = render_markdown("| Drug | Dose |\n|:-----|-----:|\n| MRA | 12.5 mg |\n")

    assert html == (
        "<table>\n<thead>\n<tr>\n"
        '<th style="text-align:left">Drug</th>\n<th style="text-align:right">Dose</th>\n'
        "</tr>\n</thead>\n<tbody>\n<tr>\n"
        '<td style="text-align:left">MRA</td>\n<td style="text-align:right">12.5 mg</td>\n'
        "</tr>\n</tbody>\n</table>"
    )


def test_render_keeps_footnotes() -> None:
    html = render_markdown("Four classes[^1].\n\n[^1]: Heidenreich PA, et al.\n")

    assert '<sup id="fnref:1"><a class="footnote-ref" href="#fn:1"' in html
    assert '<div class="footnote">' in html
    assert '<li id="fn:1">' in html
    assert "Heidenreich PA, et al." in html
    assert 'class="footnote-backref" href="#fnref:1" title="Back to the text"' in html


def test_render_makes_a_titled_image_alone_in_a_paragraph_a_figure_with_a_caption() -> None:
    assert render_markdown('![ECG](figures/ecg.png "Figure 1. An ECG.")') == (
        '<figure><img alt="ECG" src="figures/ecg.png">'
        "<figcaption>Figure 1. An ECG.</figcaption></figure>"
    )


def test_render_leaves_untitled_or_inline_images_in_their_paragraph() -> None:
    assert render_markdown("![ECG](figures/ecg.png)") == (
        '<p><img alt="ECG" src="figures/ecg.png"></p>'
    )
    assert render_markdown('See ![ECG](figures/ecg.png "Figure 1.") here.') == (
        '<p>See <img alt="ECG" src="figures/ecg.png" title="Figure 1."> here.</p>'
    )


def test_render_starts_headings_at_h2() -> None:
    assert render_markdown("# Title\n\n## Section\n") == (
        '<h2 id="title">Title</h2>\n<h3 id="section">Section</h3>'
    )


def test_render_passes_link_and_image_targets_through_the_resolver() -> None:
    html = render_markdown(
        "![ECG](figures/ecg.png)\n\n[Discussion](article.md#discussion)",
        lambda target: f"/assets/{target}",
    )

    assert html == (
        '<p><img alt="ECG" src="/assets/figures/ecg.png"></p>\n'
        '<p><a href="/assets/article.md#discussion" rel="noopener noreferrer">Discussion</a></p>'
    )


def test_scaffold_answers_are_placeholders_only_as_a_whole_option() -> None:
    posttest = (
        "### q\n`type: single`\n\nWhich?\n\n- [x] The correct answer\n- [ ] Other\n\n"
        "> **Rationale:** The correct answer is the first, as A plausible distractor shows.\n"
    )
    assert [str(problem) for problem in find_placeholders(posttest, "posttest.md")] == [
        "posttest.md:6: 'The correct answer' is a placeholder written by 'quizapp content new'; "
        "replace it with this activity's own text"
    ]


def test_draft_must_be_true_or_false() -> None:
    front = split("---\ndraft: maybe\n---\n")
    problems: list = []
    read_meta(front, "article.md", problems)
    assert "article.md:2: draft must be true or false" in [str(problem) for problem in problems]


@pytest.mark.parametrize("case", sorted(str(p.relative_to(CORPUS)) for p in CORPUS.glob("good/*")))
def test_a_clean_folder_hashed_from_its_bytes_has_the_checkers_content_hash(case: str) -> None:
    """A sync skips a folder whose bytes hash to a version the checker accepted, so the
    cheap hash of a clean folder is the checker's own."""
    activity, problems = load_activity(Path(case))
    assert activity is not None, problems
    assert folder_content_hash(Path(case)) == activity.content_hash


@pytest.mark.parametrize(
    "addition",
    [
        "figures/notes.txt",
        "figures/huge.svg",
        "figures/bad\x01name.svg",
        "figures/link.svg",
        "notes/link.md",
        "article.md as a folder",
    ],
)
def test_a_problem_outside_the_hashed_bytes_leaves_the_folder_without_a_cheap_hash(
    tmp_path: Path, addition: str
) -> None:
    """What the checker reports beyond the bytes the hash covers (a stray or oversized file
    in figures/, a link anywhere, a text that is not a file) must make a sync check the folder
    in full, so the cheap hash is refused for it."""
    folder = tmp_path / "heart-failure-update"
    shutil.copytree(HF, folder)
    if addition.endswith("link.svg") or addition.endswith("link.md"):
        (folder / addition).parent.mkdir(exist_ok=True)
        (folder / addition).symlink_to(folder / "posttest.md")
    elif addition == "article.md as a folder":
        (folder / "article.md").unlink()
        (folder / "article.md").mkdir()
    else:
        name = addition.replace("\\x01", "\x01")
        (folder / name).write_bytes(b"<svg/>" * (1024 * 1024 if "huge" in name else 1))
    activity, problems = load_activity(folder)
    assert activity is None and problems
    assert folder_content_hash(folder) is None
