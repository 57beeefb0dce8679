"""QTI export -> import -> export gives back the same items: ids, types, stems, options in
order, keys, pins, shuffling and rationales, for both sample activities and the good part of
the checker corpus (which holds every question type), in QTI 2.1 and 3.0."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.testing import FlaskCliRunner

from quizapp.authoring.cli import content_cli
from quizapp.content import load_activity
from quizapp.content.model import Problem
from quizapp.content.posttest import parse_posttest
from quizapp.content.render import render_inline, render_markdown
from quizapp.exchange.bank import Bank, bank_from_activity
from quizapp.exchange.posttest_writer import posttest_markdown
from quizapp.exchange.qti import DIALECTS, write_package
from quizapp.exchange.qti_reader import read_qti_package
from tests.exchange.helpers import (
    ALL_FOLDERS,
    CORPUS_GOOD,
    FOLDER_IDS,
    SAMPLE_CONTENT,
    activity,
    content,
    unzip,
    zip_of,
)


@pytest.mark.parametrize("dialect", sorted(DIALECTS))
@pytest.mark.parametrize("folder", ALL_FOLDERS, ids=FOLDER_IDS)
def test_export_import_export_keeps_every_item(folder: Path, dialect: str) -> None:
    original = bank_from_activity(activity(folder))
    package = write_package(original, DIALECTS[dialect])
    imported = read_qti_package(package)
    assert imported.skipped == [] and imported.notes == []

    written = posttest_markdown(imported.questions)
    reparsed, problems = parse_posttest(written, "posttest.md")
    assert problems == []
    assert [content(q) for q in reparsed] == [content(q) for q in original.questions]
    assert imported.title == original.title
    assert imported.passing_score == original.passing_score

    again = Bank(
        identifier=original.identifier,
        title=imported.title,
        questions=tuple(reparsed),
        figures=dict(original.figures),
        passing_score=imported.passing_score or original.passing_score,
        partial_credit=imported.partial_credit,
    )
    assert unzip(write_package(again, DIALECTS[dialect])) == unzip(package)


@pytest.mark.parametrize("dialect", sorted(DIALECTS))
def test_partial_credit_survives_the_round_trip(dialect: str) -> None:
    bank = bank_from_activity(activity(CORPUS_GOOD / "heart-failure-update"))
    bank = Bank(**{**bank.__dict__, "partial_credit": True})
    assert read_qti_package(write_package(bank, DIALECTS[dialect])).partial_credit


def test_the_import_command_writes_an_activity_that_reproduces_the_posttest(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    package = tmp_path / "imatinib.zip"
    exported = runner.invoke(
        args=["content", "export", "imatinib-bone-edema", "--format", "qti21", "-o", str(package)]
    )
    assert exported.exit_code == 0, exported.output
    assert "Wrote 3 questions of imatinib-bone-edema as QTI 2.1 package" in exported.output

    into = tmp_path / "content" / "imatinib-again"
    into.parent.mkdir()
    result = CliRunner().invoke(content_cli, ["import", str(package), "--into", str(into)])
    assert result.exit_code == 0, result.output
    assert "Imported 3 of 3 items" in result.output
    original = activity(SAMPLE_CONTENT / "imatinib-bone-edema")
    questions, problems = parse_posttest((into / "posttest.md").read_text(), "posttest.md")
    assert problems == []
    assert [content(q) for q in questions] == [content(q) for q in original.questions]
    # The new folder is a whole activity; what is left to do is what the package cannot carry:
    # the article the rationales link to.
    # The article is the scaffold's draft, whose placeholders the checker names.
    _, folder_problems = load_activity(into)
    assert {p.message.split("'")[0] for p in folder_problems if p.path.endswith("posttest.md")} == {
        "anchor "
    }
    assert all(is_placeholder(p) for p in folder_problems if p.path.endswith("article.md"))
    article = (into / "article.md").read_text()
    assert f"title: {json.dumps(original.meta.title)}" in article
    assert "passing_score: 66" in article


def test_a_figure_comes_back_into_the_new_folders_figures(tmp_path: Path) -> None:
    folder = CORPUS_GOOD / "heart-failure-update"
    package = tmp_path / "hf.zip"
    package.write_bytes(write_package(bank_from_activity(activity(folder)), DIALECTS["qti30"]))
    into = tmp_path / "hf-again"
    result = CliRunner().invoke(content_cli, ["import", str(package), "--into", str(into)])
    assert result.exit_code == 0, result.output
    assert (into / "figures" / "ecg-lbbb.png").read_bytes() == (
        folder / "figures" / "ecg-lbbb.png"
    ).read_bytes()
    assert "![ECG](figures/ecg-lbbb.png)" in (into / "posttest.md").read_text()
    _, problems = load_activity(into)
    assert problems and all(is_placeholder(p) for p in problems)


def is_placeholder(problem: Problem) -> bool:
    """A problem that names a text the scaffold wrote into the imported draft's article."""
    return problem.path.endswith("article.md") and "is a placeholder written by" in problem.message


def test_export_writes_slug_and_format_named_file_when_no_output_is_given(
    runner: FlaskCliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(args=["content", "export", "imatinib-bone-edema", "--format", "gift"])
    assert result.exit_code == 0, result.output
    written = tmp_path / "imatinib-bone-edema-gift.gift.txt"
    assert f"to {written.name}." in result.output
    assert written.read_text(encoding="utf-8").count("::") == 6  # three ::id:: titles


def test_export_refuses_an_activity_with_problems(runner: FlaskCliRunner, tmp_path: Path) -> None:
    broken = REPO_BROKEN / "missing-rationale"
    result = runner.invoke(
        args=["content", "export", str(broken), "--format", "gift", "-o", str(tmp_path / "x")]
    )
    assert result.exit_code == 1
    assert "has no rationale" in result.output
    assert "the activity has problems" in result.output
    assert not (tmp_path / "x").exists()


REPO_BROKEN = CORPUS_GOOD.parent / "broken"


RICH = """\
### rich-formatting
`type: single`

![ECG strip](figures/ecg.png "Figure 1. The ECG")

Which *rhythm* is **this**? Give `5 mg`; see [the guideline](https://example.org/guide).

- [x] Sinus, with H<sub>2</sub>O
- [ ] Atrial_fib \\* with a star
- [ ] None of the above `pin`

> **Rationale:** Because.
>
> - one reason
> - another reason
"""


@pytest.mark.parametrize("dialect", sorted(DIALECTS))
def test_formatting_a_caption_and_a_figure_survive_the_round_trip(dialect: str) -> None:
    (question,), problems = parse_posttest(RICH, "posttest.md")
    assert problems == []
    bank = Bank("rich", "Rich", (question,), {"figures/ecg.png": b"\x89PNG fake"})
    imported = read_qti_package(write_package(bank, DIALECTS[dialect]))
    (back,) = imported.questions
    assert imported.notes == [] and imported.figures == {"figures/ecg.png": b"\x89PNG fake"}
    for original, returned in [(question.stem, back.stem), (question.rationale, back.rationale)]:
        assert render_markdown(returned) == render_markdown(original)
    assert [render_inline(o.text) for o in back.options] == [
        render_inline(o.text) for o in question.options
    ]
    assert [(o.correct, o.pinned) for o in back.options] == [
        (True, False),
        (False, False),
        (False, True),
    ]


FOREIGN_MANIFEST = b"""<?xml version="1.0" encoding="UTF-8"?>
<manifest xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" identifier="BANK">
  <organizations/>
  <resources>
    <resource identifier="R1" type="imsqti_item_xmlv2p1" href="q/Item_7.xml">
      <file href="q/Item_7.xml"/><file href="img/chart.png"/>
    </resource>
  </resources>
</manifest>
"""
FOREIGN_ITEM = b"""<?xml version="1.0" encoding="UTF-8"?>
<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="Item_7"
  title="Anticoagulant reversal" adaptive="false" timeDependent="false">
  <responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier">
    <correctResponse><value>ChoiceB</value></correctResponse>
  </responseDeclaration>
  <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>
  <outcomeDeclaration identifier="FEEDBACK" cardinality="single" baseType="identifier"/>
  <itemBody>
    <p><img src="../img/chart.png" alt="INR chart"/></p>
    <choiceInteraction responseIdentifier="RESPONSE" shuffle="true" maxChoices="1">
      <prompt>Which agent reverses dabigatran?</prompt>
      <simpleChoice identifier="ChoiceA">Protamine</simpleChoice>
      <simpleChoice identifier="ChoiceB">Idarucizumab</simpleChoice>
      <simpleChoice identifier="ChoiceC" fixed="true">None of these</simpleChoice>
    </choiceInteraction>
  </itemBody>
  <responseProcessing
    template="http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct"/>
  <modalFeedback outcomeIdentifier="FEEDBACK" identifier="ChoiceB" showHide="show">
    <p>Right: it binds dabigatran.</p></modalFeedback>
  <modalFeedback outcomeIdentifier="FEEDBACK" identifier="ChoiceA" showHide="show">
    <p>Protamine reverses heparin.</p></modalFeedback>
</assessmentItem>
"""


def test_an_item_written_by_another_tool_is_imported_with_what_it_lost_listed() -> None:
    package = zip_of(
        {
            "imsmanifest.xml": FOREIGN_MANIFEST,
            "q/Item_7.xml": FOREIGN_ITEM,
            "img/chart.png": b"\x89PNG chart",
        }
    )
    imported = read_qti_package(package)
    (question,) = imported.questions
    assert content(question) == (
        "item-7",
        "single",
        True,
        "![INR chart](figures/chart.png)\n\nWhich agent reverses dabigatran?",
        (
            ("a", "Protamine", False, False),
            ("b", "Idarucizumab", True, False),
            ("c", "None of these", False, True),
        ),
        "Right: it binds dabigatran.\n\nProtamine reverses heparin.",
    )
    assert imported.figures == {"figures/chart.png": b"\x89PNG chart"}
    assert imported.notes == [
        "Item_7: its 2 feedbacks, each shown for some answers, were joined into one rationale "
        "that every learner sees"
    ]
    _, problems = parse_posttest(posttest_markdown(imported.questions), "posttest.md")
    assert problems == []


def test_the_command_offers_exactly_the_formats_there_are_writers_for() -> None:
    from quizapp.exchange.cli import FORMAT_KEYS
    from quizapp.exchange.formats import EXPORT_FORMATS

    assert sorted(FORMAT_KEYS) == sorted(EXPORT_FORMATS)
