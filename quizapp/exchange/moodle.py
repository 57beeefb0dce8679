"""Moodle XML, the format of Moodle's question bank import.

The structure follows Moodle's "Moodle XML format" documentation: a ``quiz`` of ``question``
elements; a category first; ``truefalse`` questions with a ``true`` and a ``false`` answer;
``multichoice`` with ``single`` true for single-answer questions, ``shuffleanswers``, and an
``answer`` per option whose ``fraction`` (percent) gives its weight; the rationale as
``generalfeedback``. Text is HTML (the site's sanitized rendering); figures travel base64 in a
``file`` element of the text that shows them, addressed as ``@@PLUGINFILE@@/name``.

Moodle shuffles all options or none, so a question with a pinned option is exported with
``shuffleanswers`` 0. Moodle grades a multiple-answer question by fractions: each correct
option earns 100/(correct options) percent, each wrong one costs 100/(wrong options) — quizapp's
partial credit; quizapp's all-or-nothing scoring has no equivalent in Moodle's core types.
"""

from __future__ import annotations

import base64
import posixpath
import xml.etree.ElementTree as ET
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from quizapp.content.model import Question
from quizapp.exchange.bank import Bank
from quizapp.exchange.xhtml import markdown_to_xhtml

PLUGINFILE = "@@PLUGINFILE@@/"


def answer_fractions(question: Question) -> list[Fraction]:
    correct = sum(option.correct for option in question.options)
    wrong = len(question.options) - correct
    if question.type != "multiple":
        return [Fraction(1) if option.correct else Fraction(0) for option in question.options]
    return [
        Fraction(1, correct) if option.correct else Fraction(-1, wrong)
        for option in question.options
    ]


def percent(fraction: Fraction) -> str:
    """A fraction as the percent Moodle reads, to Moodle's five decimals (33.33333)."""
    value = (Decimal(fraction.numerator) * 100 / Decimal(fraction.denominator)).quantize(
        Decimal("0.00001"), rounding=ROUND_HALF_UP
    )
    text = f"{value.normalize():f}"
    return "0" if text == "-0" else text


def write_moodle_xml(bank: Bank) -> bytes:
    quiz = ET.Element("quiz")
    category = ET.SubElement(quiz, "question", {"type": "category"})
    _text(ET.SubElement(category, "category"), f"$course$/top/{bank.title.replace('/', '-')}")
    for question in bank.questions:
        quiz.append(_question(question, bank))
    ET.indent(quiz, space="  ")
    return ET.tostring(quiz, encoding="utf-8", xml_declaration=True) + b"\n"


def _text(parent: ET.Element, text: str) -> ET.Element:
    ET.SubElement(parent, "text").text = text
    return parent


def _html(parent: ET.Element, name: str, markdown: str, bank: Bank, *, inline: bool) -> None:
    """``<name format="html"><text>…</text><file …/></name>`` with the figures it shows."""
    element = ET.SubElement(parent, name, {"format": "html"})
    holder = ET.Element("div")
    if markdown:
        markdown_to_xhtml(holder, markdown, "", inline=inline)
    files: dict[str, bytes] = {}
    for image in holder.iter("img"):
        source = image.get("src", "")
        if source in bank.figures:
            name_in_moodle = posixpath.relpath(source, "figures").replace("/", "-")
            files[name_in_moodle] = bank.figures[source]
            image.set("src", PLUGINFILE + name_in_moodle)
    html = (holder.text or "") + "".join(
        ET.tostring(child, encoding="unicode", method="html") for child in holder
    )
    ET.SubElement(element, "text").text = html
    for file_name, content in files.items():
        ET.SubElement(
            element, "file", {"name": file_name, "path": "/", "encoding": "base64"}
        ).text = base64.b64encode(content).decode("ascii")


def _question(question: Question, bank: Bank) -> ET.Element:
    kind = "truefalse" if question.type == "true-false" else "multichoice"
    element = ET.Element("question", {"type": kind})
    _text(ET.SubElement(element, "name"), question.id)
    _html(element, "questiontext", question.stem, bank, inline=False)
    _html(element, "generalfeedback", question.rationale, bank, inline=False)
    ET.SubElement(element, "defaultgrade").text = "1"
    ET.SubElement(element, "penalty").text = "0"
    ET.SubElement(element, "hidden").text = "0"
    ET.SubElement(element, "idnumber").text = question.id
    if kind == "truefalse":
        for option in question.options:
            answer = ET.SubElement(
                element,
                "answer",
                {"fraction": "100" if option.correct else "0", "format": "moodle_auto_format"},
            )
            _text(answer, option.text.lower())
            _text(ET.SubElement(answer, "feedback", {"format": "html"}), "")
        return element
    ET.SubElement(element, "single").text = "true" if question.type == "single" else "false"
    shuffled = question.shuffle and not any(option.pinned for option in question.options)
    ET.SubElement(element, "shuffleanswers").text = "1" if shuffled else "0"
    ET.SubElement(element, "answernumbering").text = "abc"
    ET.SubElement(element, "showstandardinstruction").text = "0"
    for name in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"):
        _text(ET.SubElement(element, name, {"format": "html"}), "")
    for option, fraction in zip(question.options, answer_fractions(question), strict=True):
        answer = ET.Element("answer", {"fraction": percent(fraction), "format": "html"})
        holder = ET.Element("holder")
        _html(holder, "text", option.text, bank, inline=True)
        rendered = holder[0]
        answer.extend(rendered.findall("text"))
        answer.extend(rendered.findall("file"))
        _text(ET.SubElement(answer, "feedback", {"format": "html"}), "")
        element.append(answer)
    return element
