"""Moodle XML and GIFT export.

Moodle XML is checked element by element against the structure of Moodle's "Moodle XML
format" documentation (docs.moodle.org): a ``quiz`` of ``question`` elements, a category
question first, ``name/text`` and ``questiontext`` with a ``format``, ``generalfeedback``,
``truefalse`` answers ``true`` and ``false`` with fractions 100 and 0, ``multichoice`` with
``single``, ``shuffleanswers``, ``answernumbering`` and one ``answer`` per option whose
``fraction`` is a percent. GIFT is read back by pygiftparser, a GIFT parser from PyPI that
shares no code with quizapp.
"""

from __future__ import annotations

import base64
import io
import warnings
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest

from quizapp.content.model import Option, Question
from quizapp.exchange.bank import Bank, bank_from_activity
from quizapp.exchange.gift import write_gift
from quizapp.exchange.moodle import write_moodle_xml
from tests.exchange.helpers import ALL_FOLDERS, CORPUS_GOOD, FOLDER_IDS, activity

with warnings.catch_warnings():
    # pygiftparser 1.1 (2017) calls locale.getdefaultlocale() when imported.
    warnings.simplefilter("ignore", DeprecationWarning)
    from pygiftparser import parser as gift_parser


def unescape(text: str) -> str:
    """GIFT's escapes undone, as Moodle does after parsing (pygiftparser leaves them)."""
    for char in "~=#{}:":
        text = text.replace(f"\\{char}", char)
    return text


def test_moodle_xml_follows_moodles_documented_structure_element_by_element() -> None:
    folder = CORPUS_GOOD / "heart-failure-update"
    bank = bank_from_activity(activity(folder))
    quiz = ET.fromstring(write_moodle_xml(bank))
    assert quiz.tag == "quiz"
    category, *questions = list(quiz)
    assert category.get("type") == "category"
    assert category.findtext("category/text") == f"$course$/top/{bank.title}"
    assert [(q.get("type"), q.findtext("name/text")) for q in questions] == [
        ("multichoice", "hfref-hospitalization"),
        ("truefalse", "lbbb-ecg"),
        ("multichoice", "diuretic-resistance"),
        ("multichoice", "sglt2-effects"),
    ]
    single, true_false, unshuffled, multiple = questions
    for question in questions:
        assert [child.tag for child in question][:8] == [
            "name",
            "questiontext",
            "generalfeedback",
            "defaultgrade",
            "penalty",
            "hidden",
            "idnumber",
            "single" if question.get("type") == "multichoice" else "answer",
        ]
        assert question.find("questiontext").get("format") == "html"  # type: ignore[union-attr]
        assert question.find("generalfeedback").get("format") == "html"  # type: ignore[union-attr]

    assert single.findtext("questiontext/text") == (
        "<p>Which of the following reduces hospitalization for heart failure in HFrEF?</p>"
    )
    assert single.findtext("single") == "true"
    assert single.findtext("shuffleanswers") == "0", "a pinned option: Moodle shuffles all or none"
    assert single.findtext("answernumbering") == "abc"
    assert [(a.get("fraction"), a.findtext("text")) for a in single.findall("answer")] == [
        ("0", "Sacubitril-valsartan"),
        ("0", "Dapagliflozin"),
        ("0", "Spironolactone"),
        ("100", "All of the above"),
    ]
    assert single.findtext("generalfeedback/text") == (
        "<p>Each of the four foundational drug classes reduces hospitalization for heart "
        "failure in HFrEF.</p>"
    )

    assert [(a.get("fraction"), a.findtext("text")) for a in true_false.findall("answer")] == [
        ("100", "true"),
        ("0", "false"),
    ]
    assert true_false.findtext("questiontext/text", "").startswith(
        '<p><img alt="ECG" src="@@PLUGINFILE@@/ecg-lbbb.png"></p>'
    )
    image = true_false.find("questiontext/file")
    assert image is not None
    assert (image.get("name"), image.get("path"), image.get("encoding")) == (
        "ecg-lbbb.png",
        "/",
        "base64",
    )
    assert base64.b64decode(image.text or "") == (folder / "figures" / "ecg-lbbb.png").read_bytes()

    assert unshuffled.findtext("shuffleanswers") == "0"
    assert multiple.findtext("single") == "false"
    assert multiple.findtext("shuffleanswers") == "1"
    fractions = [Decimal(a.get("fraction", "")) for a in multiple.findall("answer")]
    assert fractions == [Decimal(50), Decimal(50), Decimal(-100)]
    assert sum(f for f in fractions if f > 0) == 100


def test_moodle_fractions_of_three_correct_options_sum_to_100_at_moodles_precision() -> None:
    question = Question(
        id="q",
        type="multiple",
        shuffle=True,
        stem="Which?",
        options=tuple(
            Option(id=letter, text=letter.upper(), correct=letter != "d", pinned=False, line=0)
            for letter in "abcd"
        ),
        rationale="Because.",
        line=0,
    )
    quiz = ET.fromstring(write_moodle_xml(Bank("x", "X", (question,))))
    fractions = [a.get("fraction") for a in quiz.iter("answer")]
    assert fractions == ["33.33333", "33.33333", "33.33333", "-100"]


@pytest.mark.parametrize("folder", ALL_FOLDERS, ids=FOLDER_IDS)
def test_gift_is_read_back_by_an_independent_parser(folder: Path) -> None:
    bank = bank_from_activity(activity(folder))
    parsed = gift_parser.parseFile(io.StringIO(write_gift(bank).decode("utf-8")))
    assert [q.title for q in parsed] == [q.id for q in bank.questions]
    for question, read in zip(bank.questions, parsed, strict=True):
        assert read.valid
        assert read.markup == "markdown"
        assert unescape(read.text) == question.stem
        assert unescape(read.generalFeedback) == question.rationale
        if question.type == "true-false":
            assert type(read.answers).__name__ == "TrueFalseSet"
            assert read.answers.answer is question.options[0].correct
            continue
        expected_kind = "SelectSet" if question.type == "single" else "MultipleChoicesSet"
        assert type(read.answers).__name__ == expected_kind
        answers = read.answers.answers
        assert [unescape(a.answer) for a in answers] == [o.text for o in question.options]
        if question.type == "single":
            assert [a.fraction == 100 for a in answers] == [o.correct for o in question.options]
        else:
            assert [a.fraction > 0 for a in answers] == [o.correct for o in question.options]
            assert sum(a.fraction for a in answers if a.fraction > 0) == pytest.approx(100)


def test_gift_escapes_its_special_characters() -> None:
    question = Question(
        id="special",
        type="single",
        shuffle=True,
        stem="Is 1 = 1 in {set} notation: yes ~ no # maybe?\n\nSecond paragraph.",
        options=(
            Option(id="a", text="a = b", correct=True, pinned=False, line=0),
            Option(id="b", text="x ~ y: #z", correct=False, pinned=False, line=0),
            Option(id="c", text="{braces}", correct=False, pinned=False, line=0),
        ),
        rationale="Rationale: 100% {sure}.",
        line=0,
    )
    text = write_gift(Bank("special", "Special", (question,))).decode()
    assert (
        "::special::[markdown]Is 1 \\= 1 in \\{set\\} notation\\: yes \\~ no \\# maybe?"
        "\\n\\nSecond paragraph.{" in text
    )
    assert "~\\{braces\\}\n" in text
    # pygiftparser 1.1 ends the answers at the first '}', escaped or not (Moodle does not), so
    # the braces of an option are checked above as text and the parser reads the other two.
    without_braces = text.replace("~\\{braces\\}\n", "")
    (read,) = gift_parser.parseFile(io.StringIO(without_braces))
    assert unescape(read.text) == question.stem
    assert [unescape(a.answer) for a in read.answers.answers] == ["a = b", "x ~ y: #z"]
    assert unescape(read.generalFeedback) == question.rationale
